import type { EnvironmentConfig } from '../../src/config/schema.js';
import { validateConfigDocument } from '../../src/config/load.js';
import type { StatusSnapshot } from '../../src/status/snapshot.js';
import { minimalConfig } from '../support/configs.js';

/** A validated config from the small test config with top-level sections replaced or added. */
export function configOf(overrides: Record<string, unknown> = {}): EnvironmentConfig {
  const data = minimalConfig(overrides);
  const loaded = validateConfigDocument({ path: 'test.json', format: 'json', text: JSON.stringify(data), data }, {});
  if (!loaded.config) throw new Error(`test config is invalid: ${JSON.stringify(loaded.problems)}`);
  return loaded.config;
}

/** One line of `docker compose ps --all --format json` (compose ≥ 2.21), as docker writes it. */
export function psLine(service: string, fields: { state?: string; health?: string; status?: string; exitCode?: number; publishers?: unknown[] } = {}): string {
  const state = fields.state ?? 'running';
  const health = fields.health ?? '';
  return JSON.stringify({
    Command: '"/usr/bin/entry"',
    CreatedAt: '2025-06-01 10:00:00 +0000 UTC',
    ExitCode: fields.exitCode ?? 0,
    Health: health,
    ID: `${service}0123456789`,
    Image: `${service}:latest`,
    Name: `torrust-${service}-1`,
    Project: 'torrust',
    Publishers: fields.publishers ?? [],
    RunningFor: '2 hours ago',
    Service: service,
    State: state,
    Status: fields.status ?? (state === 'running' ? `Up 2 hours${health ? ` (${health})` : ''}` : `Exited (${fields.exitCode ?? 0}) 5 minutes ago`),
  });
}

export const STATS_BODY = JSON.stringify({
  torrents: 12,
  seeders: 30,
  completed: 7,
  leechers: 4,
  tcp4_connections_handled: 100,
  tcp4_announces_handled: 60,
  tcp4_scrapes_handled: 3,
  tcp6_connections_handled: 0,
  tcp6_announces_handled: 0,
  tcp6_scrapes_handled: 0,
  udp4_connections_handled: 80,
  udp4_announces_handled: 40,
  udp4_scrapes_handled: 1,
  udp6_connections_handled: 0,
  udp6_announces_handled: 0,
  udp6_scrapes_handled: 0,
});

export const T0 = Date.parse('2025-06-01T12:00:00Z');

/** A healthy snapshot, with fields replaced. */
export function snapshotOf(fields: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    takenAt: T0,
    host: { reachable: true },
    services: [
      { name: 'tracker', state: 'running', health: 'none', uptime: '2 hours', exitCode: undefined, ports: ['6969/udp', '7070/tcp', '1212/tcp'], urls: ['udp://203.0.113.10:6969/announce'] },
      { name: 'mysql', state: 'running', health: 'healthy', uptime: '2 hours', exitCode: undefined, ports: [], urls: [] },
    ],
    servicesError: undefined,
    tracker: { ok: true, source: 'direct', numbers: { torrents: 12, seeders: 30, leechers: 4, completed: 7, announces: 100 } },
    backup: { schedule: '0 3 * * *', last: { at: new Date(T0 - 9 * 3_600_000), sizeBytes: 2048, path: 'storage/backup/mysql/mysql_20250601_030000.sql.gz' }, next: Date.parse('2025-06-02T03:00:00Z') },
    certificates: [],
    summary: 'healthy',
    ...fields,
  };
}
