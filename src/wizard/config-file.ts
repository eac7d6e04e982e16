import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse as parseToml } from 'smol-toml';
import { SCHEMA_FILE_NAME, environmentJsonSchema } from '../config/json-schema.js';
import { EnvironmentConfigSchema, SECRET_KEY_PATHS, type EnvironmentConfig } from '../config/schema.js';
import { environmentToml, tomlLiteral } from '../config/write-toml.js';
import { valueAt } from '../config/schema-walk.js';
import { WHOLE_REFERENCE } from '../config/interpolate.js';
import { parseSecrets, secretsFileText, secretsPathFor, writeSecretsFile, type SecretEntry } from '../config/secrets-file.js';
import { DeployerError } from '../domain/errors.js';
import { writeNewFile } from '../state/new-file.js';

/** Where the wizard writes an environment's config. */
export function configPathFor(workingDir: string, name: string): string {
  return join(workingDir, 'envs', `${name}.toml`);
}

/** The path as the header of the file and the next command show it: relative to the working directory. */
export function shownConfigPath(workingDir: string, path: string): string {
  const shown = relative(workingDir, path);
  return shown.startsWith('..') ? path : shown;
}

/**
 * The commented TOML for a config, checked to load back to the same config, so
 * the wizard can never write a file that means something else.
 */
export function configFileText(config: EnvironmentConfig, shownPath: string): string {
  const text = environmentToml(config, { filePath: shownPath, schemaPath: `./${SCHEMA_FILE_NAME}` });
  const reloaded = EnvironmentConfigSchema.safeParse(parseToml(text));
  if (!reloaded.success || !isDeepStrictEqual(reloaded.data, config)) {
    throw new DeployerError('internal', 'The config writer produced a file that does not load back to the answers given', {
      fix: 'report this as a bug, with the answers you gave (not the secrets)',
    });
  }
  return text;
}

/** The file text with every secret value replaced by stars (references such as "${VAR}" stay: they are not secret). */
export function maskSecrets(text: string, config: EnvironmentConfig): string {
  const secrets = SECRET_KEY_PATHS.map((key) => valueAt(config as unknown as Record<string, unknown>, key.split('.')))
    .filter((value): value is string => typeof value === 'string' && value !== '' && !WHOLE_REFERENCE.test(value))
    .sort((a, b) => b.length - a.length);
  return secrets.reduce((masked, secret) => masked.split(tomlLiteral(secret)).join('"********"'), text);
}

/**
 * The secrets file's text for these entries, checked to read back to the same values,
 * so no quoting can change a secret on its way to the server.
 */
export function secretsText(entries: readonly SecretEntry[], shownConfigPath: string, path: string): string {
  const text = secretsFileText(entries, shownConfigPath);
  const expected = Object.fromEntries(entries.map((entry) => [entry.name, entry.value]));
  if (!isDeepStrictEqual(parseSecrets(text, path), expected)) {
    throw new DeployerError('internal', 'The secrets file writer produced a file that does not read back to the secrets given', {
      fix: 'report this as a bug (without the secrets)',
    });
  }
  return text;
}

/** The files writing the config would replace: the config and the secrets file beside it. */
export function existingConfigFiles(path: string): string[] {
  return [path, secretsPathFor(path)].filter((file) => existsSync(file));
}

/** Whether writing the config would replace a file (the config, or its secrets file): then only after the user agrees. */
export function configFileExists(path: string): boolean {
  return existingConfigFiles(path).length > 0;
}

/**
 * Writes the secrets file (0600) first, so the config never names variables that are
 * nowhere, then the config (0600 too: a hand-edited one may hold a secret), and the
 * JSON Schema beside it for editors. With overwrite both files are replaced; a secrets
 * file left from before, when there are no secrets to write now, is left alone.
 */
export async function writeConfigFile(path: string, text: string, options: { overwrite: boolean; secrets?: string }): Promise<void> {
  if (options.secrets !== undefined) await writeSecretsFile(secretsPathFor(path), options.secrets, { overwrite: options.overwrite });
  await writeNewFile(path, text, { force: options.overwrite, secret: true });
  const schemaPath = join(dirname(path), SCHEMA_FILE_NAME);
  if (!existsSync(schemaPath)) await writeNewFile(schemaPath, `${JSON.stringify(environmentJsonSchema(), null, 2)}\n`, { force: false, secret: false });
}
