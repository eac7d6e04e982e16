import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsResolver } from '../../src/checks/dns.js';
import { runSmokeChecks, smokeChecks, summarizeSmoke, type SmokeCheck, type SmokeResult } from '../../src/checks/smoke.js';
import { loadConfigFile } from '../../src/config/load.js';
import { EnvironmentConfigSchema, type EnvironmentConfig } from '../../src/config/schema.js';
import { deployerJsonFixture, minimalConfig } from '../support/configs.js';
import { startTracker, type RunningTracker } from './tracker.js';

const IP = '203.0.113.7';

async function fixtureConfig(name: string): Promise<EnvironmentConfig> {
  const loaded = await loadConfigFile(deployerJsonFixture(name), {});
  if (!loaded.config) throw new Error(`${name} does not validate: ${JSON.stringify(loaded.problems)}`);
  return loaded.config;
}

const summary = (checks: SmokeCheck[]) => checks.map(({ title, kind, target }) => `${kind} ${title} → ${target}`);

describe('the checks derived from configs in the Rust deployer\'s format (tests/fixtures/deployer-json)', () => {
  it('lxd-sqlite-bare: UDP announce, HTTP tracker health and announce, API health, all on the instance address', async () => {
    const checks = smokeChecks(await fixtureConfig('lxd-sqlite-bare'), IP);
    expect(summary(checks)).toEqual([
      `udp-announce UDP tracker 1: announce → udp://${IP}:6881/announce`,
      `http-health HTTP tracker 1: health → http://${IP}:8080/health_check`,
      `http-announce HTTP tracker 1: announce → http://${IP}:8080/announce`,
      `http-health HTTP API: health → http://${IP}:1212/api/health_check`,
    ]);
    expect(checks.every((check) => check.address === IP && !check.advisory && !check.refusalPasses && check.untrustedCertificate === undefined)).toBe(true);
  });

  it('lxd-everything-staging: every TLS service through https://domain, Grafana, and a DNS advisory per domain', async () => {
    const checks = smokeChecks(await fixtureConfig('lxd-everything-staging'), IP);
    expect(summary(checks)).toEqual([
      `udp-announce UDP tracker 1: announce → udp://${IP}:6881/announce`,
      `udp-announce UDP tracker 2: announce → udp://${IP}:6882/announce`,
      'http-health HTTP tracker 1: health → https://north.fixture.example.net/health_check',
      'http-announce HTTP tracker 1: announce → https://north.fixture.example.net/announce',
      'http-health HTTP tracker 2: health → https://south.fixture.example.net/health_check',
      'http-announce HTTP tracker 2: announce → https://south.fixture.example.net/announce',
      'http-health HTTP API: health → https://admin.fixture.example.net/api/health_check',
      'http-health Health check API: health → https://alive.fixture.example.net/health_check',
      'http-health Grafana: health → https://charts.fixture.example.net/api/health',
      'dns DNS: north.fixture.example.net → north.fixture.example.net',
      'dns DNS: south.fixture.example.net → south.fixture.example.net',
      'dns DNS: admin.fixture.example.net → admin.fixture.example.net',
      'dns DNS: alive.fixture.example.net → alive.fixture.example.net',
      'dns DNS: charts.fixture.example.net → charts.fixture.example.net',
    ]);
    // use_staging = true: the staging CA is untrusted by design, so HTTPS checks accept it and say so.
    const https = checks.filter((check) => check.target.startsWith('https://'));
    expect(https.every((check) => check.untrustedCertificate === 'the Let\'s Encrypt staging CA is not trusted by design')).toBe(true);
    expect(checks.filter((check) => check.advisory).map((check) => check.kind)).toEqual(['dns', 'dns', 'dns', 'dns', 'dns']);
    expect(checks.find((check) => check.title === 'UDP tracker 2: announce')?.key).toEqual(['tracker', 'udp_trackers', 1]);
  });

  it('hetzner-everything-production: the production CA is verified (no staging)', async () => {
    const checks = smokeChecks(await fixtureConfig('hetzner-everything-production'), IP);
    expect(checks.filter((check) => check.target.startsWith('https://'))).toHaveLength(7);
    expect(checks.some((check) => check.untrustedCertificate !== undefined)).toBe(false);
  });

  it('lxd-udp-only and lxd-http-only-monitoring follow what each config deploys', async () => {
    expect(summary(smokeChecks(await fixtureConfig('lxd-udp-only'), IP))).toEqual([
      `udp-announce UDP tracker 1: announce → udp://${IP}:6881/announce`,
      `http-health HTTP API: health → http://${IP}:1212/api/health_check`,
    ]);
    expect(summary(smokeChecks(await fixtureConfig('lxd-http-only-monitoring'), IP))).toEqual([
      `http-health HTTP tracker 1: health → http://${IP}:8080/health_check`,
      `http-announce HTTP tracker 1: announce → http://${IP}:8080/announce`,
      `http-health HTTP API: health → http://${IP}:1212/api/health_check`,
      `http-health Grafana: health → http://${IP}:3000/api/health`,
    ]);
  });

  it('lxd-private-mysql: a refusal of the unknown test peer counts as an answer for the announces only', async () => {
    const checks = smokeChecks(await fixtureConfig('lxd-private-mysql'), IP);
    expect(checks.filter((check) => check.refusalPasses).map((check) => check.title)).toEqual(['UDP tracker 1: announce', 'HTTP tracker 1: announce']);
  });
});

describe('the checks follow the config', () => {
  const configOf = (overrides: Record<string, unknown>) => EnvironmentConfigSchema.parse(minimalConfig(overrides));

  it('ports, domains, *.local certificates and an IPv6 instance address', () => {
    const config = configOf({
      tracker: {
        core: { database: { driver: 'sqlite3', database_name: 'tracker.db' }, private: false },
        udp_trackers: [{ bind_address: '0.0.0.0:16969', domain: 'udp.tracker.local' }],
        http_trackers: [{ bind_address: '0.0.0.0:17070', domain: 'http.tracker.local', use_tls_proxy: true }],
        http_api: { bind_address: '0.0.0.0:11212', admin_token: 'a-long-random-admin-token' },
        health_check_api: { bind_address: '127.0.0.1:1313' },
      },
      https: { admin_email: 'admin@tracker.local' },
    });
    const checks = smokeChecks(config, '2001:db8::7');
    expect(summary(checks)).toEqual([
      'udp-announce UDP tracker 1: announce → udp://udp.tracker.local:16969/announce',
      'http-health HTTP tracker 1: health → https://http.tracker.local/health_check',
      'http-announce HTTP tracker 1: announce → https://http.tracker.local/announce',
      'http-health HTTP API: health → http://[2001:db8::7]:11212/api/health_check',
      'dns DNS: udp.tracker.local → udp.tracker.local',
      'dns DNS: http.tracker.local → http.tracker.local',
    ]);
    expect(checks[1]?.untrustedCertificate).toBe('a *.local domain has a self-signed certificate');
    expect(checks.every((check) => check.address === '2001:db8::7')).toBe(true);
  });
});

describe('running the checks against a real tracker on loopback', () => {
  let tracker: RunningTracker;
  let api: Server;
  let apiPort: number;
  beforeAll(async () => {
    tracker = await startTracker({ intervalSeconds: 300 });
    api = createServer((request, response) => {
      if (request.url === '/api/health_check') response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"Ok"}');
      else response.writeHead(404).end();
    });
    await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
    apiPort = (api.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await tracker.close();
    await new Promise<void>((done) => api.close(() => done()));
  });

  it('reports each check: announces pass, the missing health endpoint fails, DNS only warns', async () => {
    const config = EnvironmentConfigSchema.parse(minimalConfig({
      tracker: {
        core: { database: { driver: 'sqlite3', database_name: 'tracker.db' }, private: false },
        udp_trackers: [{ bind_address: `0.0.0.0:${tracker.udpPort}`, domain: 'tracker.example.com' }],
        http_trackers: [{ bind_address: `0.0.0.0:${tracker.httpPort}` }],
        http_api: { bind_address: `0.0.0.0:${apiPort}`, admin_token: 'a-long-random-admin-token' },
        health_check_api: { bind_address: '127.0.0.1:1313' },
      },
    }));
    const resolver: DnsResolver = { resolve4: () => Promise.resolve(['198.51.100.1']), resolve6: () => Promise.resolve([]) };
    const seen: string[] = [];
    const results = await runSmokeChecks(smokeChecks(config, '127.0.0.1'), {
      resolver,
      udpRetry: { timeoutMs: 2000, tries: 3 },
      onResult: (result) => seen.push(result.check.title),
    });
    const table = results.map(({ check, status, message }: SmokeResult) => [check.title, status, message]);
    expect(table).toEqual([
      ['UDP tracker 1: announce', 'pass', 'announce answered: interval 300 s, 0 seeders, 1 leecher, 1 peer'],
      // bittorrent-tracker has no /health_check (Torrust does): it answers 200 with a bencoded error, which is no health report.
      ['HTTP tracker 1: health', 'fail', `http://127.0.0.1:${tracker.httpPort}/health_check answered HTTP 200, but not with a JSON health report: d14:failure reason45:invalid action in HTTP request: /health_checke`],
      ['HTTP tracker 1: announce', 'pass', 'announce answered: interval 300 s, 0 seeders, 1 leecher, 1 peer'],
      ['HTTP API: health', 'pass', 'healthy (HTTP 200)'],
      ['DNS: tracker.example.com', 'warn', 'tracker.example.com resolves to 198.51.100.1, not to the instance (127.0.0.1)'],
    ]);
    expect(results.at(-1)?.fix).toBe('point the A record of tracker.example.com at 127.0.0.1');
    expect(summarizeSmoke(results)).toEqual({ passed: 3, failed: 1, warned: 1, ok: false });
    expect(summarizeSmoke(results.filter((result) => result.status !== 'fail'))).toEqual({ passed: 3, failed: 0, warned: 1, ok: true });
    expect([...seen].sort()).toEqual(results.map((result) => result.check.title).sort());
  });

  it('a private tracker\'s refusal passes; the same refusal fails a public one', async () => {
    const refusing = await startTracker({ refuse: 'unknown peer key' });
    try {
      const check = (refusalPasses: boolean): SmokeCheck => ({
        title: 'UDP tracker 1: announce', kind: 'udp-announce', target: `udp://127.0.0.1:${refusing.udpPort}/announce`, address: '127.0.0.1', key: ['tracker', 'udp_trackers', 0], advisory: false, refusalPasses,
      });
      const [privateResult, publicResult] = await runSmokeChecks([check(true), check(false)], { udpRetry: { timeoutMs: 2000, tries: 3 } });
      expect(privateResult).toMatchObject({ status: 'pass', message: expect.stringContaining('the private tracker answered and refused the unknown test peer') });
      expect(publicResult).toMatchObject({ status: 'fail', message: expect.stringContaining('answered the announce request with an error: unknown peer key') });
    } finally {
      await refusing.close();
    }
  });

  it('a UDP timeout says which port to open', async () => {
    const closed = await startTracker();
    const port = closed.udpPort;
    await closed.close();
    const [result] = await runSmokeChecks([{ title: 'UDP tracker 1: announce', kind: 'udp-announce', target: `udp://127.0.0.1:${port}/announce`, address: '127.0.0.1', key: [], advisory: false, refusalPasses: false }], { udpRetry: { timeoutMs: 100, tries: 1 } });
    expect(result).toMatchObject({ status: 'fail', message: `no answer from udp://127.0.0.1:${port} after 1 try of 100 ms: is ${port}/udp open in the firewall, and is the tracker running?` });
    expect(result?.fix).toContain(`open ${port}/udp`);
  });

  it('runs at most `concurrency` checks at once and returns results in the checks\' order', async () => {
    const checks: SmokeCheck[] = Array.from({ length: 5 }, (_, index) => ({
      title: `site ${index}`, kind: 'http-health', target: 'http://127.0.0.1/', address: '127.0.0.1', key: [], advisory: false, refusalPasses: false,
    }));
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    const runCheck = (check: SmokeCheck) => {
      started.push(check.title);
      return new Promise<SmokeResult>((done) => finish.set(check.title, () => done({ check, status: 'pass', message: check.title })));
    };
    const settle = () => new Promise((done) => setImmediate(done));
    const run = runSmokeChecks(checks, { concurrency: 2, runCheck });
    await settle();
    expect(started).toEqual(['site 0', 'site 1']);
    finish.get('site 1')!();
    await settle();
    expect(started).toEqual(['site 0', 'site 1', 'site 2']);
    finish.get('site 2')!();
    finish.get('site 0')!();
    await settle();
    expect(started).toEqual(['site 0', 'site 1', 'site 2', 'site 3', 'site 4']);
    finish.get('site 4')!();
    finish.get('site 3')!();
    expect((await run).map((result) => result.message)).toEqual(['site 0', 'site 1', 'site 2', 'site 3', 'site 4']);
  });
});
