import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { checkBounds } from './bounds.js';
import { parseConfigText, readConfigDocument, type ConfigDocument, type ConfigFormat } from './document.js';
import { interpolate } from './interpolate.js';
import { readSecretsFileFor, withSecretsFile, type SecretsFile } from './secrets-file.js';
import { locateKey } from './locate.js';
import { applyOverrides, type Override } from './overrides.js';
import { formatKeyPath, samePath, type ConfigProblem, type KeyPath, type PendingProblem } from './problems.js';
import type { z } from 'zod';
import { crossServiceIssues } from './rules.js';
import { remoteExtraSecrets } from '../stack/backup-remote.js';
import { EnvironmentConfigSchema, EnvironmentConfigShape, SECRET_KEY_PATHS, type EnvironmentConfig } from './schema.js';
import { isRecord, knownKeysAt, valueAt } from './schema-walk.js';
import { configWarnings } from './warnings.js';
import { unknownKeyProblem } from './unknown-keys.js';
import { issueToProblem } from './issues.js';

export interface LoadedConfig {
  readonly document: ConfigDocument;
  /** The validated config; undefined when any problem is an error. */
  readonly config: EnvironmentConfig | undefined;
  /** Errors and warnings, each located in the file when the format allows. */
  readonly problems: ConfigProblem[];
  readonly overrides: Override[];
  /** Values that came from the environment (${VAR}, HCLOUD_TOKEN, overrides of secrets): never echo them. */
  readonly fromEnvironment: KeyPath[];
  /** The secrets file beside the config that was read, if there is one. */
  readonly secretsFile: SecretsFile | undefined;
}

/** The config file, its ${VAR} references also read from the secrets file beside it (envs/<name>.secrets). */
export async function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const document = await readConfigDocument(path);
  return validateConfigDocument(document, env, readSecretsFileFor(path));
}

/**
 * A config given as text instead of a file (the MCP validate tool): `name`
 * stands for the file in every message, relative key paths resolve against `baseDir`.
 */
export function loadConfigText(text: string, format: ConfigFormat, name: string, baseDir: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  return validateConfigDocument({ path: resolve(baseDir, name), format, text, data: parseConfigText(name, format, text) }, env);
}

/** `secretsFile`: variables for ${VAR} references only (not overrides, not HCLOUD_TOKEN); the environment wins over it. */
export function validateConfigDocument(document: ConfigDocument, env: NodeJS.ProcessEnv = process.env, secretsFile?: SecretsFile): LoadedConfig {
  const overridden = applyOverrides(withoutNulls(document.data), env, EnvironmentConfigSchema);
  // An override can name any list index: the bounds hold for the data as overridden too.
  checkBounds(document.path, overridden.data);
  const interpolated = interpolate(overridden.data, withSecretsFile(env, secretsFile));
  const data = interpolated.data as Record<string, unknown>;
  const fromEnvironment = [...interpolated.fromEnvironment];
  const pending: PendingProblem[] = [...overridden.problems, ...interpolated.problems];

  const provider = data['provider'];
  if (isRecord(provider) && provider['provider'] === 'hetzner' && !provider['api_token'] && env['HCLOUD_TOKEN']) {
    provider['api_token'] = env['HCLOUD_TOKEN'];
    fromEnvironment.push(['provider', 'api_token']);
  }

  const parsed = parseReportingEveryProblem(data, pending);
  const config = parsed && !pending.some((problem) => problem.severity === 'error') ? withResolvedKeyPaths(parsed, document.path) : undefined;
  if (config) pending.push(...configWarnings(config, { keyFileExists: existsSync, fromEnvironment: (path) => fromEnvironment.some((known) => samePath(known, path)) }));

  const secretValues = secretValuesOf(data, fromEnvironment, Object.values(secretsFile?.values ?? {}));
  const problems = pending.map((problem) => locate(redact(problem, secretValues), document));
  return { document, config, problems, overrides: overridden.applied, fromEnvironment, secretsFile };
}

/**
 * Every problem in one pass: unknown keys are reported (errors, or warnings for the
 * Rust deployer's ignored keys) and removed, the rest is validated, and when a
 * section breaks its schema the cross-section rules still run on what did parse.
 */
function parseReportingEveryProblem(data: Record<string, unknown>, pending: PendingProblem[]): EnvironmentConfig | undefined {
  let current = data;
  let result = EnvironmentConfigSchema.safeParse(current, { reportInput: true });
  const unknown = result.success ? [] : result.error.issues.filter((issue) => issue.code === 'unrecognized_keys');
  if (unknown.length > 0) {
    current = structuredClone(current);
    for (const issue of unknown) {
      for (const key of issue.keys) {
        pending.push(unknownKeyProblem(issue.path as KeyPath, key, knownKeysAt(EnvironmentConfigSchema, issue.path as KeyPath, data)));
        deleteAt(current, [...(issue.path as KeyPath), key]);
      }
    }
    result = EnvironmentConfigSchema.safeParse(current, { reportInput: true });
  }
  if (result.success) return result.data;
  // A key whose ${VAR} could not be resolved already has its problem; its empty value needs no second one.
  const unresolved = pending.filter((problem) => problem.code === 'config.env_var_unset' || problem.code === 'config.invalid_reference');
  const issues = result.error.issues.filter((issue) => !unresolved.some((problem) => samePath(problem.path, issue.path as KeyPath)));
  pending.push(...issues.map((issue) => issueToProblem(issue, current)));
  if (!issues.some((issue) => (issue as { params?: { code?: string } }).params?.code === 'config.conflict')) {
    pending.push(...rulesDespite(current, result.error.issues.map((issue) => issue.path as KeyPath)));
  }
  return undefined;
}

/** Sections the cross-section rules never read: a problem in them must not hide a rule's. */
const RULES_DO_NOT_READ: Record<string, unknown> = { environment: { name: 'rules' }, provider: { provider: 'existing' }, images: {} };

/**
 * The cross-section rules (zod runs them only on a fully valid document), run on the
 * document without its invalid values: invalid optional keys fall back to their
 * defaults. When a part the rules read still does not parse, they wait for it. A rule
 * problem next to a removed value (same table) is not reported: it may come from the removal.
 */
function rulesDespite(data: Record<string, unknown>, invalid: readonly KeyPath[]): PendingProblem[] {
  const salvaged = structuredClone(data);
  for (const path of invalid) deleteAt(salvaged, path);
  Object.assign(salvaged, structuredClone(RULES_DO_NOT_READ));
  const parsed = EnvironmentConfigShape.safeParse(salvaged);
  if (!parsed.success) return [];
  const nearRemoved = (path: KeyPath) => invalid.some((removed) => removed.slice(0, -1).every((part, index) => String(part) === String(path[index])));
  return crossServiceIssues(parsed.data)
    .filter((issue) => !nearRemoved(issue.path))
    .map((issue) => issueToProblem({ ...issue, input: undefined } as z.core.$ZodIssue, data));
}

function withResolvedKeyPaths(config: EnvironmentConfig, configPath: string): EnvironmentConfig {
  const base = dirname(resolve(configPath));
  const resolveKey = (path: string) =>
    path === '~' ? homedir() : path.startsWith('~/') ? resolve(homedir(), path.slice(2)) : isAbsolute(path) ? path : resolve(base, path);
  return {
    ...config,
    ssh_credentials: {
      ...config.ssh_credentials,
      private_key_path: resolveKey(config.ssh_credentials.private_key_path),
      public_key_path: resolveKey(config.ssh_credentials.public_key_path),
    },
    ...(config.https?.acme_ca_root === undefined ? {} : { https: { ...config.https, acme_ca_root: resolveKey(config.https.acme_ca_root) } }),
    ...(config.backup?.remote?.ssh_private_key_path === undefined ? {} : { backup: { ...config.backup, remote: { ...config.backup.remote, ssh_private_key_path: resolveKey(config.backup.remote.ssh_private_key_path) } } }),
  };
}

function withoutNulls(node: Record<string, unknown>): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (isRecord(value)) {
      return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== null).map(([key, item]) => [key, strip(item)]));
    }
    return value;
  };
  return strip(node) as Record<string, unknown>;
}

function deleteAt(root: Record<string, unknown>, path: KeyPath): void {
  const parent = path.slice(0, -1).reduce<unknown>((node, part) => (node as Record<string | number, unknown> | undefined)?.[part], root);
  if (isRecord(parent)) delete parent[String(path[path.length - 1])];
}


/** Every secret value in the document, so no message can ever print one. */
function secretValuesOf(data: Record<string, unknown>, fromEnvironment: KeyPath[], fromSecretsFile: readonly string[]): string[] {
  const values = new Set<string>(fromSecretsFile.filter((value) => value.length > 0));
  for (const path of fromEnvironment) {
    const value = valueAt(data, path);
    if (typeof value === 'string' && value.length > 0) values.add(value);
  }
  for (const key of SECRET_KEY_PATHS) {
    const value = valueAt(data, key.split('.'));
    if (typeof value === 'string' && value.length > 0) values.add(value);
  }
  const remote = valueAt(data, ['backup', 'remote']);
  if (isRecord(remote) && typeof remote['repository'] === 'string') {
    const credentials = isRecord(remote['credentials']) ? Object.fromEntries(Object.entries(remote['credentials']).filter((entry): entry is [string, string] => typeof entry[1] === 'string')) : undefined;
    for (const value of remoteExtraSecrets({ repository: remote['repository'], password: '', ...(credentials ? { credentials } : {}) })) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** Long secrets are removed wherever they appear; short ones only where quoted, so "admin" never mangles "admin_email". */
function redact(problem: PendingProblem, secrets: string[]): PendingProblem {
  const message = secrets.reduce(
    (text, secret) => (secret.length >= 8 ? text.split(secret).join('***') : text.split(`'${secret}'`).join("'***'")),
    problem.message,
  );
  return message === problem.message ? problem : { ...problem, message };
}

function locate(problem: PendingProblem, document: ConfigDocument): ConfigProblem {
  const location = problem.path.length > 0 ? locateKey(document.text, document.format, problem.path) : undefined;
  return {
    ...problem,
    path: formatKeyPath(problem.path),
    ...(location ? { line: location.line, ...(location.column === undefined ? {} : { column: location.column }) } : {}),
  };
}
