import type { CommandHandler } from '../cli/context.js';
import { environmentJsonSchema } from '../config/json-schema.js';
import { printOrWriteDocument } from './write-file.js';

/** `create schema [PATH]`: the JSON Schema of the config, on stdout or in PATH. */
const createSchema: CommandHandler = async (context, input) =>
  printOrWriteDocument(context, environmentJsonSchema(), input.args['path'], { force: input.options['force'] === true, resultKey: 'schema_file' });

export default createSchema;
