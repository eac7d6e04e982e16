import { validateConfigDocument } from '../config/load.js';
import { readSecretsFileFor, withSecretsFile, type SecretsFile } from '../config/secrets-file.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { SECRET_KEY_PATHS } from '../config/schema.js';
import { remoteExtraSecrets } from '../stack/backup-remote.js';
import { valueAt } from '../config/schema-walk.js';
import { DeployerError } from '../domain/errors.js';
import type { EnvironmentRecord } from './environment-record.js';

export interface SnapshotConfig {
  readonly config: EnvironmentConfig;
  /** Resolved secret values, to mask in every event and log line. */
  readonly secrets: string[];
  /** ${VAR} references whose variable is not set here; they read as empty placeholders. */
  readonly unsetVariables: string[];
}

/**
 * The config as it was when the environment was created, from the snapshot in
 * its state: commands that act on an environment never need the file again.
 * Variables the snapshot references but this shell lacks become placeholders,
 * so `show` and `destroy` still work; they are listed for the caller to report.
 * The secrets file beside the recorded config file is read now, as loading the file reads it.
 */
export function configFromRecord(record: EnvironmentRecord, env: NodeJS.ProcessEnv): SnapshotConfig {
  const document = { path: record.config.source_file, format: 'json' as const, text: JSON.stringify(record.config.snapshot, null, 2), data: structuredClone(record.config.snapshot) };
  const secretsFile = readSecretsFileFor(record.config.source_file);
  let loaded = validateConfigDocument(document, env, secretsFile);
  const unsetVariables: string[] = [];
  if (!loaded.config) {
    const placeholders = new Proxy(withSecretsFile(env, secretsFile), {
      get(target, key) {
        const value = typeof key === 'string' ? target[key] : undefined;
        if (typeof key === 'string' && (value === undefined || value === '')) {
          if (!unsetVariables.includes(key)) unsetVariables.push(key);
          return 'unset-variable';
        }
        return value;
      },
    });
    loaded = validateConfigDocument({ ...document, data: structuredClone(record.config.snapshot) }, placeholders);
  }
  if (!loaded.config) {
    const errors = loaded.problems.filter((problem) => problem.severity === 'error');
    throw new DeployerError('state.corrupt', `The config recorded in data/${record.name}/environment.json is no longer valid: ${errors.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`, {
      where: `data/${record.name}/environment.json`,
      fix: 'this deployer reads configs differently from the one that created the environment; report it, or recreate the environment',
    });
  }
  return { config: loaded.config, secrets: secretsOf(loaded.config, secretsFile), unsetVariables };
}

/** The secret values of a config and of the secrets file it was read with: what every event and log line masks. */
export function secretsOf(config: EnvironmentConfig, secretsFile: SecretsFile | undefined): string[] {
  return [
    ...SECRET_KEY_PATHS.map((key) => valueAt(config as unknown as Record<string, unknown>, key.split('.'))).filter((value): value is string => typeof value === 'string' && value !== 'unset-variable'),
    ...remoteExtraSecrets(config.backup?.remote),
    ...Object.values(secretsFile?.values ?? {}).filter((value) => value !== ''),
  ];
}

/** The snapshot with every secret value replaced, for `show` without --reveal. */
export function redactedSnapshot(snapshot: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(snapshot);
  for (const key of SECRET_KEY_PATHS) {
    const path = key.split('.');
    const parent = valueAt(copy, path.slice(0, -1));
    const last = path[path.length - 1]!;
    if (typeof parent === 'object' && parent !== null && typeof (parent as Record<string, unknown>)[last] === 'string') {
      const value = (parent as Record<string, string>)[last]!;
      if (!/^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/.test(value)) (parent as Record<string, unknown>)[last] = '***';
    }
  }
  return copy;
}
