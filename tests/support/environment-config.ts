import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseConfigText } from '../../src/config/document.js';
import { SCHEMA_FILE_NAME } from '../../src/config/json-schema.js';
import { EnvironmentConfigSchema, type EnvironmentConfigInput } from '../../src/config/schema.js';
import { environmentToml } from '../../src/config/write-toml.js';

type TrackerInput = EnvironmentConfigInput['tracker'];

/**
 * An environment config for a test, as data: what the test cares about, the rest
 * a small valid config (SQLite, one UDP and one HTTP tracker, the API on 1212).
 */
export interface TestConfigOptions {
  readonly name?: string;
  /** lxd (default, profile torrust-profile-NAME) or existing (at `host`); or the whole section. */
  readonly provider?: 'lxd' | 'existing' | EnvironmentConfigInput['provider'];
  readonly host?: string;
  /** The private key (its public key beside it, .pub); default envs/id_test, which `writeTestConfig` creates. */
  readonly privateKeyPath?: string;
  readonly username?: string;
  readonly adminToken?: string;
  readonly database?: TrackerInput['core']['database'];
  /** Replaces these fields of [tracker] (trackers, APIs). */
  readonly tracker?: Partial<Omit<TrackerInput, 'core'>>;
  /** Top-level sections besides those above: backup, prometheus, grafana, images, https, ... */
  readonly sections?: Partial<Omit<EnvironmentConfigInput, 'environment' | 'ssh_credentials' | 'provider' | 'tracker'>>;
}

export const TEST_KEY = 'id_test';

/** The config as a document (what a user writes, before defaults). */
export function testConfigInput(options: TestConfigOptions = {}): EnvironmentConfigInput {
  const name = options.name ?? 'demo';
  const privateKeyPath = options.privateKeyPath ?? TEST_KEY;
  const provider = typeof options.provider === 'object'
    ? options.provider
    : options.provider === 'existing'
      ? { provider: 'existing' as const, ...(options.host === undefined ? {} : { host: options.host }) }
      : { provider: 'lxd' as const, profile_name: `torrust-profile-${name}` };
  return {
    environment: { name },
    ssh_credentials: { private_key_path: privateKeyPath, public_key_path: `${privateKeyPath}.pub`, ...(options.username === undefined ? {} : { username: options.username }) },
    provider,
    tracker: {
      core: { database: options.database ?? { driver: 'sqlite3', database_name: 'tracker.db' }, private: false },
      udp_trackers: [{ bind_address: '0.0.0.0:6969' }],
      http_trackers: [{ bind_address: '0.0.0.0:7070' }],
      http_api: { bind_address: '0.0.0.0:1212', admin_token: options.adminToken ?? '${ADMIN_TOKEN:-SuperSecretAdminToken42}' },
      health_check_api: { bind_address: '127.0.0.1:1313' },
      ...options.tracker,
    },
    ...options.sections,
  };
}

/** The config as TOML, written by the project's own writer (what `create template` and the wizard write); it must be valid. */
export function testConfigToml(options: TestConfigOptions = {}, filePath = `envs/${options.name ?? 'demo'}.toml`): string {
  const parsed = EnvironmentConfigSchema.safeParse(testConfigInput(options));
  if (!parsed.success) throw new Error(`the test config is not valid: ${JSON.stringify(parsed.error.issues)}`);
  const text = environmentToml(parsed.data, { filePath, schemaPath: `./${SCHEMA_FILE_NAME}` });
  // The writer must keep every value the test asked for: read back, it is the same config.
  const reread = EnvironmentConfigSchema.parse(parseConfigText(filePath, 'toml', text));
  if (!isDeepStrictEqual(reread, parsed.data)) throw new Error(`the TOML writer lost part of the test config:\n${JSON.stringify(parsed.data)}\n${JSON.stringify(reread)}`);
  return text;
}

/**
 * Writes the config to DIRECTORY/envs/NAME.toml (or `file`) and returns its path. With the
 * default key, writes envs/id_test and its .pub too: shaped as an unencrypted private key,
 * because dry runs check that the key can be used.
 */
export function writeTestConfig(directory: string, options: TestConfigOptions = {}, file = join(directory, 'envs', `${options.name ?? 'demo'}.toml`)): string {
  mkdirSync(dirname(file), { recursive: true });
  if (options.privateKeyPath === undefined) {
    writeFileSync(join(dirname(file), TEST_KEY), '-----BEGIN PRIVATE KEY-----\nnot a real key\n-----END PRIVATE KEY-----\n', { mode: 0o600 });
    writeFileSync(join(dirname(file), `${TEST_KEY}.pub`), 'ssh-ed25519 AAAA test\n');
  }
  writeFileSync(file, testConfigToml(options, relative(directory, file)));
  return file;
}
