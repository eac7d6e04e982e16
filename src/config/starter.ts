import { randomBytes } from 'node:crypto';
import { DEFAULT_BACKUP_RETENTION_DAYS, DEFAULT_BACKUP_SCHEDULE } from '../stack/backup-defaults.js';
import { HETZNER_DEFAULTS } from '../providers/hetzner/defaults.js';
import { EnvironmentConfigShape, type EnvironmentConfig, type EnvironmentConfigInput, type ProviderName } from './schema.js';

/** Fresh random secret, URL- and shell-safe. */
export function generateSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

const PROVIDERS: Record<ProviderName, EnvironmentConfig['provider'] | Record<string, unknown>> = {
  lxd: { provider: 'lxd', profile_name: 'torrust-profile-my-tracker' },
  hetzner: { provider: 'hetzner', ...HETZNER_DEFAULTS },
  existing: { provider: 'existing' },
};

/**
 * The starter config: the Rust deployer's template (SQLite, one UDP and one HTTP
 * tracker, Prometheus, Grafana, daily backups), with real random secrets instead
 * of placeholders, so it validates as soon as the SSH key exists.
 */
export function starterConfig(provider: ProviderName): EnvironmentConfig {
  return EnvironmentConfigShape.parse(starterInput(provider));
}

/** The starter as a user writes it: only the keys that matter, defaults left out. */
export function starterInput(provider: ProviderName): EnvironmentConfigInput {
  return {
    environment: { name: 'my-tracker' },
    ssh_credentials: { private_key_path: '~/.ssh/id_ed25519', public_key_path: '~/.ssh/id_ed25519.pub' },
    provider: PROVIDERS[provider],
    tracker: {
      core: { database: { driver: 'sqlite3', database_name: 'tracker.db' }, private: false },
      udp_trackers: [{ bind_address: '0.0.0.0:6969' }],
      http_trackers: [{ bind_address: '0.0.0.0:7070' }],
      http_api: { bind_address: '0.0.0.0:1212', admin_token: generateSecret() },
      health_check_api: { bind_address: '127.0.0.1:1313' },
    },
    prometheus: { scrape_interval_in_secs: 15 },
    grafana: { admin_user: 'admin', admin_password: generateSecret(18) },
    backup: { schedule: DEFAULT_BACKUP_SCHEDULE, retention_days: DEFAULT_BACKUP_RETENTION_DAYS },
  } as EnvironmentConfigInput;
}
