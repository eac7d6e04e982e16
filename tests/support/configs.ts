import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPLOYER_JSON_FIXTURES } from './cli.js';
import { SHARED_ANCHOR_CONFIGS } from './setup/needs.mjs';

/** The project's configs written in the Rust deployer's JSON format (tests/fixtures/deployer-json). */
export function deployerJsonFixtures(): string[] {
  return readdirSync(DEPLOYER_JSON_FIXTURES).filter((name) => name.endsWith('.json')).sort().map((name) => join(DEPLOYER_JSON_FIXTURES, name));
}

export function deployerJsonFixture(name: string): string {
  return join(DEPLOYER_JSON_FIXTURES, `${name}.json`);
}

/**
 * The Rust deployer's own 15 example configs when they are beside the clone (../shared/anchor-configs,
 * or $TTD_ANCHOR_CONFIGS), else none: the test reading them is tagged needs-anchor-configs and skipped.
 */
export function sharedAnchorConfigFiles(): string[] {
  if (!existsSync(SHARED_ANCHOR_CONFIGS)) return [];
  return readdirSync(SHARED_ANCHOR_CONFIGS).filter((name) => /^\d+-.*\.json$/.test(name)).sort().map((name) => join(SHARED_ANCHOR_CONFIGS, name));
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
