import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANCHOR_CONFIGS } from './cli.js';

/** The Rust deployer's 15 example configs, read from ../shared (never copied into the project). */
export function anchorConfigFiles(): string[] {
  if (!existsSync(ANCHOR_CONFIGS)) {
    throw new Error(`the Rust deployer's example configs are not at ${ANCHOR_CONFIGS}: check out the shared data beside the project (../shared/anchor-configs) or set TTD_ANCHOR_CONFIGS`);
  }
  const files = readdirSync(ANCHOR_CONFIGS).filter((name) => /^\d+-.*\.json$/.test(name)).sort();
  if (files.length !== 15) throw new Error(`expected 15 anchor configs in ${ANCHOR_CONFIGS}, found ${files.length}`);
  return files.map((name) => join(ANCHOR_CONFIGS, name));
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** A small valid config, as the user would write it in JSON. */
export function minimalConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    environment: { name: 'test-env' },
    ssh_credentials: { private_key_path: '/keys/id_ed25519', public_key_path: '/keys/id_ed25519.pub' },
    provider: { provider: 'lxd', profile_name: 'torrust-profile-test-env' },
    tracker: {
      core: { database: { driver: 'sqlite3', database_name: 'tracker.db' }, private: false },
      udp_trackers: [{ bind_address: '0.0.0.0:6969' }],
      http_trackers: [{ bind_address: '0.0.0.0:7070' }],
      http_api: { bind_address: '0.0.0.0:1212', admin_token: 'a-long-random-admin-token' },
      health_check_api: { bind_address: '127.0.0.1:1313' },
    },
    ...overrides,
  };
}
