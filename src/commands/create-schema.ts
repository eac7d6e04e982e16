import { resolve } from 'node:path';
import type { CommandHandler } from '../cli/context.js';
import { environmentJsonSchema } from '../config/json-schema.js';
import { writeNewFile } from './write-file.js';

/** `create schema [PATH]`: the JSON Schema of the config, on stdout (even with --json: it is JSON) or in PATH. */
const createSchema: CommandHandler = async (context, input) => {
  const text = `${JSON.stringify(environmentJsonSchema(), null, 2)}\n`;
  const target = input.args['path'];
  if (target === undefined) {
    process.stdout.write(text);
    return 0;
  }
  const path = resolve(target);
  if (context.dryRun) {
    context.output.resultJson({ dry_run: true, would_write: [path] });
    context.output.result(`Would write ${path}`);
    return 0;
  }
  await writeNewFile(path, text, { force: input.options['force'] === true, secret: false });
  context.output.resultJson({ schema_file: path });
  context.output.success(`Wrote ${path}`);
  return 0;
};

export default createSchema;
