import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { parse, stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { lxc } from '../support/lxd/real-lxd.js';
import { labEnvironment, labUp, removeLabInstance, type Lab, type LabEnvironment } from './lab.js';

const NAME = 'lab-full';
const DOMAIN = `${NAME}.test`;
/** What init derives from --domain. */
const DOMAINS = { api: `api.${DOMAIN}`, http1: `tracker.${DOMAIN}`, http2: `tracker2.${DOMAIN}`, grafana: `grafana.${DOMAIN}` } as const;
const DATABASE = 'torrust_tracker';

/**
 * Lab scenario 2 (issue 8): an LXD container running everything: MySQL, two UDP and two
 * HTTP trackers, Prometheus and Grafana, backups, and HTTPS through Caddy for the API,
 * both HTTP trackers and Grafana, with certificates issued by the lab's ACME CA (pebble,
 * set through https.acme_ca and https.acme_ca_root as a user of a private CA would).
 * pebble resolves the domains with pebble-challtestsrv, which the scenario points at
 * the instance as soon as it has an address; the issued certificates chain to a root
 * pebble makes at start, fetched from its management endpoint and given to `ttd` with
 * NODE_EXTRA_CA_CERTS (docs/user-guide/config.md).
 */
describe('scenario 2: LXD container, MySQL, 2 UDP + 2 HTTP trackers, Prometheus, Grafana, backups, HTTPS by pebble', () => {
  let lab: Lab;
  let env: LabEnvironment;
  /** PEM of the root that signs pebble's certificates (not the one of pebble's own endpoint). */
  let issuingRoot: string;
  let issuingRootPath: string;
  const withRoot = () => ({ NODE_EXTRA_CA_CERTS: issuingRootPath });
  const address = () => env.record().instance.address ?? '';

  beforeAll(async () => {
    lab = await labUp();
    await removeLabInstance(NAME);
    env = await labEnvironment(lab, NAME, [
      '--database', 'mysql', '--mysql-database', DATABASE, '--mysql-user', 'tracker_user', '--mysql-password', 'lab-mysql-user-pw', '--mysql-root-password', 'lab-mysql-root-pw',
      '--protocols', 'udp,http', '--udp-ports', '6969,6868', '--http-ports', '7070,7071',
      '--prometheus', '--prometheus-interval', '5', '--grafana', '--grafana-password', 'lab-grafana-pw',
      '--https', '--https-services', 'api,http,grafana', '--domain', DOMAIN, '--https-email', `ops@${DOMAIN}`, '--no-https-staging',
      '--backup',
    ]);
    // The edits a user of a private CA makes: its directory and the root its endpoint uses.
    const config = parse(readFileSync(env.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
    // And the resolver the DNS gate asks: the one pebble resolves with (challtestsrv), never a public one.
    config['https'] = { ...config['https'], acme_ca: lab.acme.ca, acme_ca_root: lab.acme.root, dns_resolvers: [lab.acme.resolver] };
    writeFileSync(env.configPath, stringify(config), { mode: 0o600 });

    // No domain points anywhere yet: challtestsrv answers them with its default (127.0.0.1).
    await pointDomains(lab, undefined);
    issuingRoot = await fetchText(`${new URL(lab.acme.ca).origin.replace(':14000', ':15000')}/roots/0`, readFileSync(lab.acme.root));
    issuingRootPath = join(env.workingDir, 'pebble-issuing-root.pem');
    writeFileSync(issuingRootPath, issuingRoot);
  });

  afterAll(async () => {
    await removeLabInstance(NAME);
    if (lab) await pointDomains(lab, undefined);
  });

  const explainFailure = () => onTestFailed(async () => console.error(await env.diagnostics()));

  it('the config written by init and edited for the lab CA validates and names every HTTPS site', async () => {
    explainFailure();
    const result = await env.ttd('validate', env.configPath);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const config = parse(readFileSync(env.configPath, 'utf8')) as any;
    expect(config.tracker.core.database.driver).toBe('mysql');
    expect(config.tracker.udp_trackers.map((udp: any) => udp.bind_address)).toEqual(['0.0.0.0:6969', '0.0.0.0:6868']);
    expect(config.tracker.http_trackers.map((http: any) => [http.bind_address, http.domain, http.use_tls_proxy])).toEqual([
      ['0.0.0.0:7070', DOMAINS.http1, true],
      ['0.0.0.0:7071', DOMAINS.http2, true],
    ]);
    expect([config.tracker.http_api.domain, config.grafana.domain]).toEqual([DOMAINS.api, DOMAINS.grafana]);
    expect(config.https.acme_ca).toBe(lab.acme.ca);
    expect(config.backup).toBeDefined();
  });

  it('deploys: shows the DNS records, waits for them at the gate, then Caddy gets every certificate on the first try; every service runs and the smoke test passes', async () => {
    explainFailure();
    // Like a user who creates the records only once deploy shows them and waits: here, a
    // while after the run stage (whose first step is the DNS gate) has begun, the DNS
    // pebble asks (challtestsrv) is told to answer the four domains with the instance.
    let pointed: string | undefined;
    let deploying = true;
    const pointDns = (async () => {
      while (deploying && pointed === undefined) {
        let record: ReturnType<LabEnvironment['record']> | undefined;
        try {
          record = env.record();
        } catch {
          // not created yet
        }
        if (record?.state === 'starting' && record.instance.address) {
          await sleep(8000);
          await pointDomains(lab, record.instance.address);
          pointed = record.instance.address;
        }
        await sleep(1000);
      }
    })();
    const pebbleLogBefore = statSync(lab.acme.log).size;
    const result = await env.ttdWith(withRoot(), 'deploy', env.configPath, '--json', '--dns-wait', '300');
    deploying = false;
    await pointDns;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(env.record().state).toBe('running');
    expect(pointed).toBe(address());

    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    const records = Object.values(DOMAINS).map((domain) => ({ type: 'A', name: domain, value: address() }));
    // The records, as soon as provision knew the address: long before the gate.
    const shown = events.find((event) => event.type === 'dns.records' && event.step === 'dns-records')?.records as typeof records | undefined;
    expect(shown).toHaveLength(records.length);
    expect(shown).toEqual(expect.arrayContaining(records));
    const gateLines = events.filter((event) => event.type === 'step.output' && event.step === 'dns-gate').map((event) => String(event.line));
    expect(gateLines.length, JSON.stringify(gateLines)).toBeGreaterThan(0);
    expect(gateLines[0]).toContain(`${DOMAINS.api} resolves to 127.0.0.1, not to the instance's ${address()}`);
    const order = (type: string, step: string) => events.findIndex((event) => event.type === type && event.step === step);
    expect(order('step.succeeded', 'dns-gate')).toBeGreaterThan(-1);
    expect(order('step.succeeded', 'dns-gate')).toBeLessThan(order('step.started', 'start-stack'));
    expect(order('step.succeeded', 'wait-certificates')).toBeGreaterThan(order('step.succeeded', 'start-stack'));
    // Caddy asked only once DNS was right: pebble validated every name on the first try.
    const pebbleLog = readFileSync(lab.acme.log, 'utf8').slice(pebbleLogBefore);
    expect(pebbleLog).not.toMatch(/set INVALID/);
    expect(pebbleLog.match(/authz \S+ set VALID/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
    // Caddy picks HTTP-01 or TLS-ALPN-01 itself, and pebble logs only HTTP attempts: its validation task names the domain either way.
    for (const domain of Object.values(DOMAINS)) expect(pebbleLog).toContain(`Identifier:acme.Identifier{Type:"dns", Value:"${domain}"}`);

    const services = (await env.onInstance('cd /opt/torrust && docker compose ps --format "{{.Service}} {{.State}}"')).split('\n').sort();
    expect(services).toEqual(['caddy running', 'grafana running', 'mysql running', 'prometheus running', 'tracker running']);
    const output = result.stdout;
    for (const port of [6969, 6868]) expect(output).toContain(`udp://${address()}:${port}/announce`);
    for (const domain of [DOMAINS.http1, DOMAINS.http2]) expect(output).toContain(`https://${domain}/announce`);
    // The custom CA's root went up next to the Caddyfile and Caddy was told to use both.
    expect(await env.onInstance('cat /opt/torrust/storage/caddy/etc/acme-ca-root.pem')).toBe(readFileSync(lab.acme.root, 'utf8').trim());
    const caddyfile = await env.onInstance('cat /opt/torrust/storage/caddy/etc/Caddyfile');
    expect(caddyfile).toContain(`acme_ca ${lab.acme.ca}`);
    expect(caddyfile).toContain('acme_ca_root /etc/caddy/acme-ca-root.pem');
  });

  it('every HTTPS URL answers through Caddy with a certificate for its domain, issued by pebble', async () => {
    explainFailure();
    for (const domain of Object.values(DOMAINS)) {
      const peer = await peerCertificate(address(), domain, issuingRoot);
      expect(peer.authorized, `${domain}: ${peer.error ?? ''}`).toBe(true);
      expect(peer.certificate.subjectaltname).toBe(`DNS:${domain}`);
      expect(peer.certificate.issuer.CN).toMatch(/^Pebble Intermediate CA/);
    }
    const paths: [string, string][] = [[DOMAINS.api, '/api/health_check'], [DOMAINS.http1, '/health_check'], [DOMAINS.http2, '/health_check'], [DOMAINS.grafana, '/api/health']];
    for (const [domain, path] of paths) {
      const response = await pinnedGet(address(), domain, path, issuingRoot);
      expect(response.status, `https://${domain}${path}: ${response.body}`).toBe(200);
    }
    // Behind Caddy, the API and HTTP tracker ports are not published; the UDP ports are.
    const published = await env.onInstance('docker port tracker');
    expect(published).toMatch(/^6969\/udp -> /m);
    expect(published).toMatch(/^6868\/udp -> /m);
    expect(published).not.toMatch(/^(1212|7070|7071)\/tcp/m);
  });

  it('test: announces to both UDP and both HTTPS trackers and every health check pass, certificates verified', async () => {
    explainFailure();
    const result = await env.ttdWith(withRoot(), 'test', NAME, '--json');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const checks = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; kind?: string; status?: string; target?: string; message?: string })
      .filter((line) => line.type === 'check');
    const passed = (kind: string, scheme: string) => checks.filter((check) => check.kind === kind && check.status === 'pass' && check.target?.startsWith(scheme)).length;
    expect(passed('udp-announce', 'udp:'), JSON.stringify(checks)).toBe(2);
    expect(passed('http-announce', 'https:'), JSON.stringify(checks)).toBe(2);
    expect(passed('http-health', 'https:'), JSON.stringify(checks)).toBe(4);
    expect(checks.filter((check) => check.status === 'fail')).toEqual([]);
    expect(checks.filter((check) => check.message?.includes('not verified'))).toEqual([]);
  });

  it('Prometheus has scraped the tracker: both jobs up, and the tracker\'s counters in its database', async () => {
    explainFailure();
    const query = async (path: string) => JSON.parse(await env.onInstance(`docker exec prometheus wget -qO- 'http://127.0.0.1:9090${path}'`)) as { data: any };
    let targets: { labels: { job: string }; health: string; lastError: string }[] = [];
    for (let attempt = 0; attempt < 30; attempt++) {
      targets = (await query('/api/v1/targets')).data.activeTargets;
      if (targets.length === 2 && targets.every((target) => target.health === 'up')) break;
      await sleep(2000);
    }
    expect(targets.map((target) => [target.labels.job, target.health, target.lastError]).sort()).toEqual([
      ['tracker_metrics', 'up', ''],
      ['tracker_stats', 'up', ''],
    ]);
    const series = (await query('/api/v1/query?query=udp4_announces_handled')).data.result as { metric: { job: string }; value: [number, string] }[];
    expect(series.length, JSON.stringify(series)).toBeGreaterThan(0);
  });

  it('backups: the cron entry exists, and a run makes a MySQL dump and a config archive', async () => {
    explainFailure();
    const cron = await env.onInstance('cat /etc/cron.d/tracker-backup');
    expect(cron).toMatch(/^0 3 \* \* \* root .*\/usr\/local\/bin\/maintenance-backup\.sh/m);
    await env.onInstance('/usr/local/bin/maintenance-backup.sh');
    const dumps = (await env.onInstance('find /opt/torrust/storage/backup/mysql -name "mysql_*.sql.gz" -size +0')).split('\n').filter(Boolean);
    expect(dumps).toHaveLength(1);
    const dump = await env.onInstance(`zcat ${dumps[0]}`);
    expect(dump).toContain(`Database: ${DATABASE}`);
    // The tracker's tables (the stand-in creates the real tracker's schema with the DSN's user).
    for (const table of ['torrents', 'whitelist', 'keys', 'torrent_aggregate_metrics']) expect(dump).toContain(`CREATE TABLE \`${table}\``);
    expect(dump).toContain('-- Dump completed');
    const archives = (await env.onInstance('find /opt/torrust/storage/backup/config -name "config_*.tar.gz" -size +0')).split('\n').filter(Boolean);
    expect(archives).toHaveLength(1);
    const contents = (await env.onInstance(`tar -tzf ${archives[0]}`)).split('\n');
    expect(contents).toEqual(expect.arrayContaining([
      'data/storage/tracker/etc/tracker.toml',
      'data/storage/prometheus/etc/prometheus.yml',
      'data/storage/caddy/etc/Caddyfile',
      'data/storage/caddy/etc/acme-ca-root.pem',
      'data/storage/backup/etc/backup.conf',
    ]));
  });

  it('a record pointing elsewhere: the DNS gate stops run before the stack is touched, naming both addresses', async () => {
    explainFailure();
    const wrong = '10.254.254.254';
    await postJson(`${lab.acme.dns}/clear-a`, { host: DOMAINS.grafana });
    await postJson(`${lab.acme.dns}/add-a`, { host: DOMAINS.grafana, addresses: [wrong] });
    const result = await env.ttd('run', NAME, '--json', '--dns-wait', '6');
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    const error = lines.at(-1)!.error as { code: string; message: string; fix: string };
    expect(error.code).toBe('dns.not_ready');
    expect(error.message).toContain(`${DOMAINS.grafana} resolves to ${wrong}, not to the instance's ${address()}`);
    expect(error.message).not.toContain(`${DOMAINS.api} resolves`);
    // The records to create, in the error's one fix.
    expect(error.fix).toContain(`A ${DOMAINS.grafana} ${address()}`);
    expect(lines.some((line) => line.type === 'step.started' && line.step === 'pull-images')).toBe(false);
    expect((await env.onInstance('cd /opt/torrust && docker compose ps --format "{{.Service}}"')).split('\n')).toContain('caddy');
  });

  it('destroy removes the container and its profile', async () => {
    explainFailure();
    const result = await env.ttd('destroy', NAME, '--yes');
    expect(result.code, result.stderr).toBe(0);
    expect((await lxc('info', env.instance)).code).not.toBe(0);
    expect((await lxc('profile', 'show', `torrust-profile-${NAME}`)).code).not.toBe(0);
  });
});

function fetchText(url: string, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: HTTP ${response.statusCode}: ${body}`))));
    }).on('error', reject);
  });
}

/** challtestsrv's add-a appends: clear what an earlier run left, then answer with `address` (none: leave them cleared). */
async function pointDomains(lab: Lab, address: string | undefined): Promise<void> {
  for (const domain of Object.values(DOMAINS)) {
    await postJson(`${lab.acme.dns}/clear-a`, { host: domain });
    if (address !== undefined) await postJson(`${lab.acme.dns}/add-a`, { host: domain, addresses: [address] });
  }
}

async function postJson(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}: ${await response.text()}`);
}

/** The certificate served at address:443 for SNI = domain, and whether it verifies against `ca` for that name. */
function peerCertificate(address: string, domain: string, ca: string): Promise<{ authorized: boolean; error?: string; certificate: PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: address, port: 443, servername: domain, ca, rejectUnauthorized: false }, () => {
      const certificate = socket.getPeerCertificate();
      const error = socket.authorizationError;
      socket.end();
      resolve({ authorized: socket.authorized, ...(error ? { error: String(error) } : {}), certificate });
    });
    socket.setTimeout(15_000, () => socket.destroy(new Error(`${domain} at ${address}:443: no TLS handshake in 15 s`)));
    socket.on('error', reject);
  });
}

/** GET https://domain/path at `address` (like curl --resolve), verifying the certificate against `ca`. */
function pinnedGet(address: string, domain: string, path: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpsGet({ host: address, port: 443, path, servername: domain, headers: { host: domain }, ca, agent: false, timeout: 15_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, body: body.slice(0, 300) }));
    }).on('error', reject).on('timeout', function (this: { destroy(error: Error): void }) {
      this.destroy(new Error(`https://${domain}${path} at ${address}: timeout`));
    });
  });
}
