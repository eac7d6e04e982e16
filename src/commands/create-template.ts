import { dirname, join, resolve } from 'node:path';
import { displayPath } from '../cli/display-path.js';
import type { CommandHandler } from '../cli/context.js';
import { environmentJsonSchema, SCHEMA_FILE_NAME } from '../config/json-schema.js';
import type { ProviderName } from '../config/schema.js';
import { starterConfig } from '../config/starter.js';
import { environmentToml } from '../config/write-toml.js';
import { refuseExistingFile, writeNewFile } from '../state/new-file.js';

/** `create template [PATH] --provider P`: a commented TOML starter, plus the JSON Schema beside it for editors. */
const createTemplate: CommandHandler = async (context, input) => {
  const provider = input.options['provider'] as ProviderName;
  const explicit = input.args['path'];
  const path = explicit === undefined ? join(context.workingDir, 'envs', `${provider}-template.toml`) : resolve(explicit);
  const schemaPath = join(dirname(path), SCHEMA_FILE_NAME);
  const shown = displayPath(path);
  const force = input.options['force'] === true;

  if (context.dryRun) {
    refuseExistingFile(path, { force });
    context.output.resultJson({ dry_run: true, would_write: [path, schemaPath] });
    context.output.result(`Would write ${shown} (mode 0600: it holds generated secrets) and ${displayPath(schemaPath)}`);
    return 0;
  }

  const toml = environmentToml(starterConfig(provider), { filePath: shown, schemaPath: `./${SCHEMA_FILE_NAME}` });
  await writeNewFile(path, toml, { force, secret: true });
  await writeNewFile(schemaPath, `${JSON.stringify(environmentJsonSchema(), null, 2)}\n`, { force: true, secret: false });

  context.output.resultJson({ template_file: path, schema_file: schemaPath, provider });
  context.output.success(`Wrote ${shown} (${provider}) and ${displayPath(schemaPath)}`);
  context.output.result(
    [
      'Next steps:',
      `  1. Edit ${shown}: environment name, SSH key paths${provider === 'hetzner' ? ', and export HCLOUD_TOKEN' : provider === 'existing' ? ', the host address' : ''}.`,
      '     The admin token and Grafana password in it were generated for you; the file is readable only by you.',
      `  2. ttd validate ${shown}`,
      `  3. ttd deploy ${shown}`,
    ].join('\n'),
  );
  return 0;
};

export default createTemplate;
