import { describe, expect, it } from 'vitest';
import type { HttpGetOptions, HttpGetResult } from '../../src/checks/http-get.js';
import { gatherSnapshot, type StatusSources } from '../../src/status/gather.js';
import type { CertificateInfo } from '../../src/status/snapshot.js';
import { statusTarget } from '../../src/status/target.js';
import { snapshotJson } from '../../src/status/view.js';
import { configOf, psLine, STATS_BODY, T0 } from './support.js';

const TOKEN = 'a-long-random-admin-token';

function probeOutput(lines: string[], backup = '1748746800 2048 storage/backup/sqlite/sqlite_20250601_030000.db.gz'): string {
  return ['@@ttd-status clock', `${T0 / 1000} +0000`, '@@ttd-status ps', ...lines, '@@ttd-status ps-exit 0', '@@ttd-status tracker-ip', '172.18.0.3', '@@ttd-status backup', backup, '@@ttd-status end', ''].join('\n');
}

function sources(overrides: Partial<StatusSources> & { calls?: string[] } = {}): StatusSources {
  const calls = overrides.calls ?? [];
  return {
    host: async () => probeOutput([psLine('tracker')]),
    httpGet: async (url: URL, options: HttpGetOptions): Promise<HttpGetResult> => {
      calls.push(`direct ${url.href} ${options.pinnedAddress ?? ''}`);
      return { ok: true, status: 200, contentType: 'application/json', body: Buffer.from(STATS_BODY) };
    },
    forwardedGet: async (address, port, path): Promise<HttpGetResult> => {
      calls.push(`forward ${address}:${port}${path}`);
      return { ok: true, status: 200, contentType: 'application/json', body: Buffer.from(STATS_BODY) };
    },
    certificate: async (domain): Promise<CertificateInfo> => ({ domain, expiresAt: T0 + 40 * 86_400_000, issuer: "Let's Encrypt", trusted: true }),
    now: () => T0,
    ...overrides,
  };
}

describe('gatherSnapshot', () => {
  const config = configOf({ backup: { schedule: '0 3 * * *' } });
  const target = statusTarget(config, 'demo', '203.0.113.10');

  it('puts the services, the tracker numbers from the published API, and the backups together', async () => {
    const calls: string[] = [];
    const snapshot = await gatherSnapshot(target, sources({ calls }));
    expect(snapshot.summary).toBe('healthy');
    expect(snapshot.services).toEqual([{ name: 'tracker', state: 'running', health: 'none', uptime: '2 hours', exitCode: undefined, ports: [], urls: ['udp://203.0.113.10:6969/announce', 'http://203.0.113.10:7070/announce', 'http://203.0.113.10:1212/api', 'http://localhost:1313/health_check'] }]);
    expect(snapshot.tracker).toEqual({ ok: true, source: 'direct', numbers: { torrents: 12, seeders: 30, leechers: 4, completed: 7, announces: 100 } });
    expect(calls).toEqual([`direct http://203.0.113.10:1212/api/v1/stats?token=${TOKEN} `]);
    expect(snapshot.backup).toEqual({ schedule: '0 3 * * *', last: { at: new Date(1748746800_000), sizeBytes: 2048, path: 'storage/backup/sqlite/sqlite_20250601_030000.db.gz' }, next: Date.parse('2025-06-02T03:00:00Z') });
  });

  it('is degraded when a service is unhealthy or missing, and lists containers the config does not expect', async () => {
    const mysql = statusTarget(configOf({ tracker: { ...(configOf().tracker as object), core: { database: { driver: 'mysql', database_name: 'tracker', host: 'mysql', port: 3306, username: 'tracker', password: 'secret-db-password' }, private: false } } }), 'demo', '203.0.113.10');
    const snapshot = await gatherSnapshot(mysql, sources({ host: async () => probeOutput([psLine('tracker', { health: 'unhealthy' }), psLine('backup')]) }));
    expect(snapshot.summary).toBe('degraded');
    expect(snapshot.services?.map((service) => `${service.name} ${service.state} ${service.health}`)).toEqual(['tracker running unhealthy', 'mysql missing none', 'backup running none']);
  });

  it('reports an unreachable host and still reads what this machine can reach', async () => {
    const snapshot = await gatherSnapshot(target, sources({ host: async () => Promise.reject(new Error('no answer over SSH within 8 s')) }));
    expect(snapshot.summary).toBe('unreachable');
    expect(snapshot.host).toEqual({ reachable: false, error: 'no answer over SSH within 8 s' });
    expect(snapshot.services).toBeUndefined();
    expect(snapshot.tracker.ok).toBe(true);
    expect(snapshot.backup).toEqual({ schedule: '0 3 * * *', last: undefined, next: undefined });
  });

  it('falls back to the tracker container through SSH when the API does not answer here, and never shows the token', async () => {
    const calls: string[] = [];
    const refused = sources({
      calls,
      httpGet: async (url): Promise<HttpGetResult> => {
        calls.push(`direct ${url.href}`);
        return { ok: false, reason: 'too-large', message: `${url.href} sent more than 1048576 bytes` };
      },
    });
    const snapshot = await gatherSnapshot(target, refused);
    expect(snapshot.tracker).toMatchObject({ ok: true, source: 'ssh-forward' });
    expect(calls.at(-1)).toBe(`forward 172.18.0.3:1212/api/v1/stats?token=${TOKEN}`);

    const bothFail = await gatherSnapshot(target, { ...refused, forwardedGet: async () => ({ ok: true, status: 500, contentType: 'text/plain', body: Buffer.from(`Unhandled rejection: token ${TOKEN} not valid`) }) });
    expect(bothFail.tracker.ok).toBe(false);
    const text = JSON.stringify(snapshotJson(target, bothFail));
    expect(text).toMatch(/sent more than 1048576 bytes; through SSH: the stats endpoint answered HTTP 500 \(is tracker.http_api.admin_token/);
    expect(text).not.toContain(TOKEN);
    expect(bothFail.summary).toBe('degraded');
  });

  it('reads the stats through Caddy (pinned to the instance) and each HTTPS domain\'s certificate', async () => {
    const https = configOf({
      https: { admin_email: 'admin@example.com' },
      tracker: { ...(configOf().tracker as object), http_api: { bind_address: '0.0.0.0:1212', admin_token: TOKEN, domain: 'api.example.com', use_tls_proxy: true } },
    });
    const calls: string[] = [];
    const snapshot = await gatherSnapshot(statusTarget(https, 'demo', '203.0.113.10'), sources({ calls }));
    expect(calls).toEqual([`direct https://api.example.com/api/v1/stats?token=${TOKEN} 203.0.113.10`]);
    expect(snapshot.certificates).toEqual([{ domain: 'api.example.com', expiresAt: T0 + 40 * 86_400_000, issuer: "Let's Encrypt", trusted: true }]);
    expect(snapshotJson(statusTarget(https, 'demo', '203.0.113.10'), snapshot)['certificates']).toEqual([{ domain: 'api.example.com', expires_at: '2025-07-11T12:00:00.000Z', days_left: 40, issuer: "Let's Encrypt", trusted: true, error: null }]);
  });

  it('asks for no stats when the token is a variable this shell lacks', async () => {
    const unset = configOf({ tracker: { ...(configOf().tracker as object), http_api: { bind_address: '0.0.0.0:1212', admin_token: 'unset-variable' } } });
    const calls: string[] = [];
    const snapshot = await gatherSnapshot(statusTarget(unset, 'demo', '203.0.113.10'), sources({ calls }));
    expect(calls).toEqual([]);
    expect(snapshot.tracker).toEqual({ ok: false, error: expect.stringMatching(/admin token is a \$\{VAR\} this shell does not set/) as unknown });
  });
});

describe('snapshotJson', () => {
  it('is one result object: exit_code 0 only when healthy', async () => {
    const target = statusTarget(configOf(), 'demo', '203.0.113.10');
    const healthy = snapshotJson(target, await gatherSnapshot(target, sources()));
    expect(healthy).toMatchObject({ type: 'result', ok: true, exit_code: 0, command: 'status', environment: 'demo', summary: 'healthy', host: { reachable: true }, backup: null, certificates: [] });
    expect(healthy['tracker']).toEqual({ source: 'direct', torrents: 12, seeders: 30, leechers: 4, completed: 7, announces_handled: 100, announces_per_second: null });
    const down = snapshotJson(target, await gatherSnapshot(target, sources({ host: async () => Promise.reject(new Error('connection refused')) })));
    expect(down).toMatchObject({ ok: false, exit_code: 1, summary: 'unreachable', services: null, host: { reachable: false, error: 'connection refused' } });
  });
});
