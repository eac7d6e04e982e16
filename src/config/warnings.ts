import { databaseOf } from '../stack/databases.js';
import type { PendingProblem, ProblemCode } from './problems.js';
import type { EnvironmentConfig } from './schema.js';

/** Publicly known example values: a tracker deployed with them is open to anyone who read the docs. */
const WELL_KNOWN_SECRETS = new Set(['MyAccessToken', 'admin', 'password', 'secret', 'changeme']);

export interface WarningProbes {
  readonly keyFileExists: (path: string) => boolean;
  /** Whether the value at this key path came from the environment (${VAR}); unknown: assumed so. */
  readonly fromEnvironment?: (path: readonly (string | number)[]) => boolean;
}

/** Things that are legal but probably not what the user wants, or that only matter on the machine that connects. */
export function configWarnings(config: EnvironmentConfig, probes: WarningProbes): PendingProblem[] {
  const warnings: PendingProblem[] = [];
  const warn = (path: (string | number)[], code: ProblemCode, message: string, fix: string, blocksConnect = false) =>
    warnings.push({ severity: 'warning', code, path, message, fix, ...(blocksConnect ? { blocksConnect } : {}) });

  for (const key of ['private_key_path', 'public_key_path'] as const) {
    const path = config.ssh_credentials[key];
    if (!probes.keyFileExists(path)) {
      warn(['ssh_credentials', key], 'config.key_file_missing', `SSH key file ${path} does not exist on this machine`, 'create it (ssh-keygen -t ed25519) or fix the path; commands that connect need it', true);
    }
  }

  const acmeCaRoot = config.https?.acme_ca_root;
  if (acmeCaRoot !== undefined && !probes.keyFileExists(acmeCaRoot)) {
    warn(['https', 'acme_ca_root'], 'config.key_file_missing', `ACME CA root certificate ${acmeCaRoot} does not exist on this machine`, 'fix the path to the PEM file of the CA that signs your ACME server\'s HTTPS certificate; release uploads it for Caddy', true);
  }

  const resticKey = config.backup?.remote?.ssh_private_key_path;
  if (resticKey !== undefined && !probes.keyFileExists(resticKey)) {
    warn(['backup', 'remote', 'ssh_private_key_path'], 'config.key_file_missing', `SSH key file ${resticKey} (for the backup repository) does not exist on this machine`, 'fix the path to the private key the host logs in to the sftp: repository with; release uploads it (0600)', true);
  }

  if (config.provider.provider === 'hetzner' && !config.provider.api_token) {
    warn(['provider', 'api_token'], 'config.token_missing', 'no Hetzner API token: provider.api_token is not set and neither is HCLOUD_TOKEN', 'export HCLOUD_TOKEN=<token> (Hetzner Console → Security → API tokens, read & write); provision and destroy need it', true);
  }

  const database = databaseOf(config);
  const secrets: [(string | number)[], string | undefined][] = [
    [['tracker', 'http_api', 'admin_token'], config.tracker.http_api.admin_token],
    [['grafana', 'admin_password'], config.grafana?.admin_password],
    [['tracker', 'core', 'database', 'password'], 'password' in database.settings ? database.settings.password : undefined],
    [['provider', 'api_token'], config.provider.provider === 'hetzner' ? config.provider.api_token : undefined],
  ];
  for (const [path, value] of secrets) {
    if (value === undefined) continue;
    if (WELL_KNOWN_SECRETS.has(value)) {
      warn(path, 'config.weak_secret', 'this is a well-known example value: anyone who read the docs knows it', 'generate one, for example with `openssl rand -hex 32`, and keep it out of the config with ${VAR} and the .secrets file beside it');
    } else if (value.startsWith('REPLACE_WITH_')) {
      warn(path, 'config.placeholder', 'this is still a REPLACE_WITH_ placeholder', 'replace it with the real value, or with ${VAR} to read it from the environment');
    }
  }

  const fromEnvironment = (path: readonly string[]) => probes.fromEnvironment?.(['tracker', 'core', 'database', ...path]) ?? true;
  for (const warning of database.module.warnings?.(database.settings, { fromEnvironment }) ?? []) {
    warn(['tracker', 'core', 'database', ...warning.path], warning.code, warning.message, warning.fix);
  }

  const interval = config.prometheus?.scrape_interval_in_secs;
  if (interval !== undefined && (interval < 5 || interval > 300)) {
    warn(['prometheus', 'scrape_interval_in_secs'], 'config.unusual_value', `a scrape interval of ${interval}s is outside the usual 5-300s`, 'use 15 unless you have a reason not to');
  }
  return warnings;
}
