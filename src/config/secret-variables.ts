import { interpolate, WHOLE_REFERENCE } from './interpolate.js';
import type { EnvironmentConfig } from './schema.js';
import { isRecord, valueAt } from './schema-walk.js';
import type { SecretEntry } from './secrets-file.js';
import { remoteExtraSecrets } from '../stack/backup-remote.js';

/**
 * The variable each secret key is written as in the secrets file, so the config
 * names ${TTD_MYSQL_PASSWORD} where it held the password. The names are stable:
 * a user exports the same name to override the file.
 */
const SECRET_VARIABLES: readonly { readonly key: string; readonly name: (config: EnvironmentConfig) => string; readonly applies?: (config: EnvironmentConfig) => boolean }[] = [
  { key: 'provider.api_token', name: (config) => `TTD_${config.provider.provider.toUpperCase()}_API_TOKEN` },
  { key: 'tracker.core.database.password', name: (config) => `TTD_${config.tracker.core.database.driver.toUpperCase()}_PASSWORD` },
  { key: 'tracker.core.database.root_password', name: (config) => `TTD_${config.tracker.core.database.driver.toUpperCase()}_ROOT_PASSWORD` },
  { key: 'tracker.http_api.admin_token', name: () => 'TTD_TRACKER_ADMIN_TOKEN' },
  { key: 'grafana.admin_password', name: () => 'TTD_GRAFANA_ADMIN_PASSWORD' },
  { key: 'backup.remote.password', name: () => 'TTD_BACKUP_REPOSITORY_PASSWORD' },
  // A rest:/s3: URL with a password in it is a secret as a whole.
  {
    key: 'backup.remote.repository',
    name: () => 'TTD_BACKUP_REPOSITORY',
    applies: (config) => config.backup?.remote !== undefined && remoteExtraSecrets({ ...config.backup.remote, credentials: {} }).length > 0,
  },
];

export interface SeparatedSecrets {
  /** The config with ${NAME} where each secret was. */
  readonly config: EnvironmentConfig;
  /** The secrets file's lines: each value as it reaches the server (a typed "$${" is "${" here). */
  readonly entries: SecretEntry[];
}

/**
 * Moves every secret value of a config (in its file form) into variables. A whole
 * ${VAR} reference stays: it already names where the secret comes from.
 */
export function separateSecrets(config: EnvironmentConfig): SeparatedSecrets {
  const separated = structuredClone(config) as unknown as Record<string, unknown>;
  const entries: SecretEntry[] = [];
  for (const variable of SECRET_VARIABLES) {
    if (variable.applies && !variable.applies(config)) continue;
    const path = variable.key.split('.');
    const value = valueAt(separated, path);
    if (typeof value !== 'string' || value === '' || WHOLE_REFERENCE.test(value)) continue;
    const resolved = interpolate(value, {});
    if (resolved.problems.length > 0 || typeof resolved.data !== 'string') continue;
    const name = variable.name(config);
    const parent = valueAt(separated, path.slice(0, -1));
    if (!isRecord(parent)) continue;
    parent[path[path.length - 1]!] = `\${${name}}`;
    entries.push({ name, value: resolved.data, comment: variable.key });
  }
  return { config: separated as unknown as EnvironmentConfig, entries };
}

/** The secrets' variables as an environment, to load the separated config back with. */
export function secretsEnvironment(entries: readonly SecretEntry[]): Record<string, string> {
  return Object.fromEntries(entries.map((entry) => [entry.name, entry.value]));
}
