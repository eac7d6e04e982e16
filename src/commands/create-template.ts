import { dirname, extname, join, resolve } from 'node:path';
import { displayPath } from '../paths.js';
import type { CommandHandler } from '../cli/context.js';
import type { ConfigFormat } from '../config/document.js';
import { environmentJsonSchema, SCHEMA_FILE_NAME } from '../config/json-schema.js';
import type { ProviderName } from '../config/schema.js';
import { starterConfig, starterInput } from '../config/starter.js';
import { environmentToml } from '../config/write-toml.js';
import { DeployerError } from '../domain/errors.js';
import { refuseExistingFile, writeNewFile } from '../state/new-file.js';

/**
 * `create template [PATH] --provider P [--format toml|json]`: a starter config, plus the JSON
 * Schema beside it for editors. The format is PATH's extension (the Rust deployer's users
 * write `my-env.json`) or --format, else TOML: commented, which JSON cannot be.
 */
const createTemplate: CommandHandler = async (context, input) => {
  const provider = input.options['provider'] as ProviderName;
  const explicit = input.args['path'];
  const format = templateFormat(input.options['format'] as ConfigFormat | undefined, explicit);
  const path = explicit === undefined ? join(context.workingDir, 'envs', `${provider}-template.${format}`) : resolve(explicit);
  const schemaPath = join(dirname(path), SCHEMA_FILE_NAME);
  const shown = displayPath(path);
  const force = input.options['force'] === true;

  if (context.dryRun) {
    refuseExistingFile(path, { force });
    context.output.resultJson({ dry_run: true, would_write: [path, schemaPath], format });
    context.output.result(`Would write ${shown} (${format}, mode 0600: it holds generated secrets) and ${displayPath(schemaPath)}`);
    return 0;
  }

  const schemaReference = `./${SCHEMA_FILE_NAME}`;
  const text =
    format === 'json'
      ? `${JSON.stringify({ $schema: schemaReference, ...starterInput(provider) }, null, 2)}\n`
      : environmentToml(starterConfig(provider), { filePath: shown, schemaPath: schemaReference });
  await writeNewFile(path, text, { force, secret: true });
  await writeNewFile(schemaPath, `${JSON.stringify(environmentJsonSchema(), null, 2)}\n`, { force: true, secret: false });

  context.output.resultJson({ template_file: path, schema_file: schemaPath, provider, format });
  context.output.success(`Wrote ${shown} (${provider}, ${format}) and ${displayPath(schemaPath)}`);
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

/** A file whose extension says one format and holds the other could not be read back: that is refused. */
function templateFormat(flag: ConfigFormat | undefined, path: string | undefined): ConfigFormat {
  const extension = path === undefined ? '' : extname(path).toLowerCase();
  const fromExtension = extension === '.json' ? 'json' : extension === '.toml' ? 'toml' : undefined;
  if (flag !== undefined && fromExtension !== undefined && flag !== fromExtension) {
    throw new DeployerError('usage.invalid', `${path ?? ''} ends in ${extension} but --format is ${flag}: validate and deploy read a ${extension} file as ${fromExtension}`, {
      where: path ?? '',
      fix: `name the file .${flag}, or leave out --format`,
    });
  }
  const format = flag ?? fromExtension ?? (extension === '' ? 'toml' : undefined);
  if (format === undefined) {
    throw new DeployerError('usage.invalid', `${path ?? ''} ends in ${extension}: the format of a config file is TOML (.toml) or JSON (.json)`, {
      where: path ?? '',
      fix: 'name the file .toml or .json, or pass --format toml|json',
    });
  }
  return format;
}

export default createTemplate;
