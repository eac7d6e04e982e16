/** Codes of config problems; stable, for scripts and agents (docs/reference/errors.md lists them). */
export const PROBLEM_CODES = {
  'config.missing_key': 'A required key is missing.',
  'config.wrong_type': 'A value has the wrong type (a string where a number belongs, ...).',
  'config.invalid_value': 'A value breaks its rule (bind address, domain, name, cron schedule, range, ...).',
  'config.conflict': 'Values that are fine alone conflict with each other (ports, TLS, Grafana without Prometheus, ...).',
  'config.env_var_unset': 'A ${VAR} reference names a variable that is not set and has no default.',
  'config.invalid_reference': 'A ${...} reference is malformed.',
  'config.invalid_override': 'A TORRUST_DEPLOYER_CONFIG_OVERRIDE_* value has the wrong type.',
  'config.unknown_override': 'Warning: a TORRUST_DEPLOYER_CONFIG_OVERRIDE_* variable names no config key.',
  'config.unknown_key': 'A key the deployer does not know (a typo, most often); the fix suggests the closest known key.',
  'config.ignored_key': 'Warning: a key the Rust deployer accepts and ignores (its caddy section); it is ignored here too.',
  'config.key_file_missing': 'Warning (an error for commands that connect): an SSH key file (or the https.acme_ca_root certificate) does not exist here.',
  'config.token_missing': 'Warning (an error for commands that call Hetzner): no Hetzner API token.',
  'config.weak_secret': 'Warning: a secret is a well-known example value.',
  'config.placeholder': 'Warning: a value is still a REPLACE_WITH_ placeholder.',
  'config.external_database': 'Warning: a database host is not the container the deployer runs ("mysql", "postgresql"): the tracker connects to an existing server.',
  'config.secret_in_file': 'Warning: a database password is written in the config file; ${VAR} keeps it out.',
  'config.unusual_value': 'Warning: a legal but unusual value.',
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** One thing wrong (or worth a warning) in a config file, located as precisely as the format allows. */
export interface ConfigProblem {
  readonly severity: 'error' | 'warning';
  readonly code: ProblemCode;
  /** Key path such as "tracker.http_trackers[0].bind_address"; empty for the whole file. */
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  readonly fix: string;
  /** A warning that becomes an error before any command that connects to the instance or a provider. */
  readonly blocksConnect?: boolean;
}

export type KeyPath = readonly (string | number)[];

export function formatKeyPath(path: KeyPath): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

export function samePath(a: KeyPath, b: KeyPath): boolean {
  return a.length === b.length && a.every((part, index) => String(part) === String(b[index]));
}

/** A problem before it is located in the file text. */
export type PendingProblem = Omit<ConfigProblem, 'path' | 'line' | 'column'> & { readonly path: KeyPath };
