import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { readSecretsFileFor } from '../../src/config/secrets-file.js';
import { lxc } from '../support/lxd/real-lxd.js';
import { labEnvironment, labUp, removeLabInstance, type Lab, type LabEnvironment } from './lab.js';

/**
 * PostgreSQL for the tracker (issue 14), from `init --non-interactive`'s PostgreSQL flags, on real servers: the lab's postgres:17 (Debian's
 * PostgreSQL behind the official image's contract) and the stand-in tracker, which logs in
 * with the rendered DSN and creates the real tracker's tables.
 *
 * (a) Managed: the deployer runs PostgreSQL in the stack, with one UDP and one HTTP
 *     tracker and backups on. Deploy, `test`, marker rows in the tracker's `torrents`
 *     table, `backup`, the table dropped, `restore`, the rows back, `destroy`. The
 *     password holds `@`, `/`, `:` and `%`: the DSN must escape them.
 * (b) External: PostgreSQL from Debian in its own LXD container, the tracker on another.
 *     Deploy and `test` pass, no database container runs, the firewall does not open the
 *     database port; a password changed on the server makes the tracker fail as the real
 *     one does, and `test` says so.
 */

const DATABASE = 'torrust_tracker';
const USER = 'torrust';
const common = ['--protocols', 'udp,http', '--no-prometheus', '--no-grafana', '--no-https'];

interface Json {
  readonly [key: string]: unknown;
}

function resultOf(stdout: string): Json {
  const lines = stdout.trim().split('\n').filter((line) => line.startsWith('{'));
  return JSON.parse(lines.at(-1) ?? '{}') as Json;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The tracker's database in the config `init` wrote. */
function databaseOf(env: LabEnvironment): Record<string, unknown> {
  return (parse(readFileSync(env.configPath, 'utf8')) as { tracker: { core: { database: Record<string, unknown> } } }).tracker.core.database;
}

/** `ttd test --json`: its checks, and whether every UDP and HTTP announce and health check passed. */
async function testChecks(env: LabEnvironment, extraEnv: NodeJS.ProcessEnv = {}) {
  const result = await env.ttdWith(extraEnv, 'test', env.name, '--json');
  const checks = result.stdout.trim().split('\n').filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { type: string; kind?: string; status?: string })
    .filter((line) => line.type === 'check');
  const passed = (kind: string) => checks.filter((check) => check.kind === kind && check.status === 'pass').length;
  return { result, checks, passed };
}

const compose = (args: string) => `cd /opt/torrust && docker compose ${args}`;
const health = (env: LabEnvironment) => env.onInstance(`docker inspect --format '{{.State.Health.Status}}' tracker`);

describe('(a) managed PostgreSQL with one UDP and one HTTP tracker (lab-pg-managed)', () => {
  const NAME = 'lab-pg-managed';
  // Every character a URL gives a meaning to, so an unescaped DSN cannot log in.
  const PASSWORD = 'Pg@lab/pw:50%x#?';
  let env: LabEnvironment;
  let backupId = '';

  const sql = (statement: string) =>
    env.onInstance(`${compose(`exec -T postgresql psql -v ON_ERROR_STOP=1 --no-psqlrc -At -F '\t' -U ${USER} -d ${DATABASE}`)} <<'SQL'\n${statement}\nSQL`);
  const rows = () => sql('SELECT id, info_hash, completed FROM torrents ORDER BY id;');
  const ROWS = ['1\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\t7', '2\tbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\t3000000000'];
  const explainFailure = () => onTestFailed(async () => console.error(await env.diagnostics()));
  const noSecret = (text: string) => expect(text).not.toContain(PASSWORD);

  beforeAll(async () => {
    const lab = await labUp();
    await removeLabInstance(NAME);
    env = await labEnvironment(lab, NAME, [
      '--database', 'postgresql', '--postgresql-server', 'managed', '--postgresql-database', DATABASE, '--postgresql-user', USER, '--postgresql-password', PASSWORD,
      ...common, '--backup',
    ]);
    // The config names the password; the secrets file beside it holds it, as typed.
    expect(databaseOf(env)).toEqual({ driver: 'postgresql', host: 'postgresql', port: 5432, database_name: DATABASE, username: USER, password: '${TTD_POSTGRESQL_PASSWORD}' });
    expect(readSecretsFileFor(env.configPath)?.values['TTD_POSTGRESQL_PASSWORD']).toBe(PASSWORD);
  });

  afterAll(async () => {
    await removeLabInstance(NAME);
  });

  it('deploys: PostgreSQL and the tracker run healthy, the tracker made its tables, the password is only in .env', async () => {
    explainFailure();
    const result = await env.ttd('deploy', env.configPath);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    noSecret(result.stdout + result.stderr);
    expect(env.record().state).toBe('running');
    expect(await health(env)).toBe('healthy');
    const services = (await env.onInstance(compose('ps --format "{{.Service}} {{.Health}}"'))).split('\n').sort();
    expect(services).toEqual(['postgresql healthy', 'tracker healthy']);
    expect(await env.onInstance(`docker image inspect postgres:17 --format '{{index .Config.Labels "org.opencontainers.image.title"}}'`)).toContain('PostgreSQL 17');

    const tables = await sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name;");
    expect(tables.split('\n')).toEqual(['keys', 'torrent_aggregate_metrics', 'torrents', 'whitelist']);
    // The stand-in logged in with the escaped DSN, as the real tracker would.
    expect(await env.onInstance(compose('logs --no-color tracker'))).toContain(`PostgreSQL: logged in to ${DATABASE} at postgresql:5432 as ${USER}`);

    expect(await env.onInstance('stat -c %a /opt/torrust/.env')).toBe('600');
    expect(await env.onInstance(`grep -cF ${quote(PASSWORD)} /opt/torrust/docker-compose.yml || true`)).toBe('0');
  });

  it('test: health checks and a UDP and an HTTP announce pass', async () => {
    explainFailure();
    const { result, checks, passed } = await testChecks(env);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(passed('udp-announce'), JSON.stringify(checks)).toBe(1);
    expect(passed('http-announce'), JSON.stringify(checks)).toBe(1);
    expect(checks.filter((check) => check.status === 'fail')).toEqual([]);
  });

  it('backup: marker rows in the tracker\'s torrents table are saved in a pg_dump archive', async () => {
    explainFailure();
    await sql(`INSERT INTO torrents (id, info_hash, completed) VALUES (1, '${'a'.repeat(40)}', 7), (2, '${'b'.repeat(40)}', 3000000000);`);
    expect((await rows()).split('\n')).toEqual(ROWS);

    const result = await env.ttd('backup', NAME, '--json');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    noSecret(result.stdout + result.stderr);
    const made = resultOf(result.stdout) as { ok: boolean; id: string; files: { kind: string; path: string; size_bytes: number }[] };
    expect(made.ok).toBe(true);
    backupId = made.id;
    expect(made.files.map((file) => file.kind).sort()).toEqual(['config', 'postgresql']);
    const dump = made.files.find((file) => file.kind === 'postgresql');
    expect(dump?.size_bytes).toBeGreaterThan(0);
    // A custom-format archive (pg_dump -Fc) of the tracker's database, holding its tables.
    expect(await env.onInstance(`head -c 5 /opt/torrust/${dump?.path}`)).toBe('PGDMP');
    const contents = await env.onInstance(`docker run --rm -i --entrypoint pg_restore postgres:17 --list < /opt/torrust/${dump?.path}`);
    for (const table of ['torrents', 'whitelist', 'keys', 'torrent_aggregate_metrics']) expect(contents).toMatch(new RegExp(`TABLE DATA public ${table} `));
  });

  it('restore: after the table is dropped, the rows are back and the tracker is healthy', async () => {
    explainFailure();
    await sql('DROP TABLE torrents;');
    await expect(rows()).rejects.toThrow(/torrents/);

    const result = await env.ttd('restore', NAME, '--from', backupId, '--yes');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    noSecret(result.stdout + result.stderr);
    expect(result.stderr).toContain(`Restored backup ${backupId}`);
    expect((await rows()).split('\n')).toEqual(ROWS);
    expect(await health(env)).toBe('healthy');
    const again = await testChecks(env);
    expect(again.result.code, again.result.stdout + again.result.stderr).toBe(0);
  });

  it('destroy removes the container and its profile', async () => {
    explainFailure();
    const result = await env.ttd('destroy', NAME, '--yes');
    expect(result.code, result.stderr).toBe(0);
    expect((await lxc('info', env.instance)).code).not.toBe(0);
  });
});

describe('(b) an external PostgreSQL in its own LXD container (lab-pg-external)', () => {
  const NAME = 'lab-pg-external';
  const SERVER = 'ttd-lab-pg-external-db';
  const PASSWORD = 'Ext@pg/pw:9%z';
  const PASSWORD_ENV = { TTD_LAB_PG_PASSWORD: PASSWORD };
  let env: LabEnvironment;
  let serverAddress = '';

  const onServer = async (command: string) => {
    const result = await lxc('exec', SERVER, '--', 'sh', '-c', command);
    if (result.code !== 0) throw new Error(`on ${SERVER}: ${command} exited ${result.code}: ${result.stderr}`);
    return result.stdout.trim();
  };
  const serverSql = (statement: string) => onServer(`cd / && su postgres -c ${quote(`psql -v ON_ERROR_STOP=1 --no-psqlrc -At -d ${DATABASE}`)} <<'SQL'\n${statement}\nSQL`);
  const explainFailure = () => onTestFailed(async () => console.error(await env.diagnostics()));

  beforeAll(async () => {
    const lab = await labUp();
    await removeLabInstance(NAME);
    await lxc('delete', SERVER, '--force');
    serverAddress = await startPostgresqlServer(lab, SERVER, PASSWORD, onServer);
    // The password through the environment, as the config docs recommend.
    env = await labEnvironment(lab, NAME, [
      '--database', 'postgresql', '--postgresql-server', 'external', '--postgresql-host', serverAddress, '--postgresql-port', '5432',
      '--postgresql-database', DATABASE, '--postgresql-user', USER, '--postgresql-password', '${TTD_LAB_PG_PASSWORD}',
      ...common, '--no-backup',
    ]);
    expect(databaseOf(env)).toMatchObject({ driver: 'postgresql', host: serverAddress, port: 5432, password: '${TTD_LAB_PG_PASSWORD}' });
  });

  afterAll(async () => {
    await removeLabInstance(NAME);
    await lxc('delete', SERVER, '--force');
  });

  it('deploys: only the tracker runs, and it made its tables on the external server', async () => {
    explainFailure();
    const result = await env.ttdWith(PASSWORD_ENV, 'deploy', env.configPath);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(env.record().state).toBe('running');
    expect(await health(env)).toBe('healthy');
    expect((await env.onInstance(compose('ps --all --format "{{.Service}}"'))).split('\n')).toEqual(['tracker']);
    expect(await env.onInstance(compose('config --services'))).not.toMatch(/postgres/);
    const tables = await serverSql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_catalog = current_database() ORDER BY table_name;");
    expect(tables.split('\n')).toEqual(['keys', 'torrent_aggregate_metrics', 'torrents', 'whitelist']);
  });

  it('test passes against the tracker that uses the external database', async () => {
    explainFailure();
    const { result, checks, passed } = await testChecks(env, PASSWORD_ENV);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(passed('udp-announce'), JSON.stringify(checks)).toBe(1);
    expect(passed('http-announce'), JSON.stringify(checks)).toBe(1);
    expect(checks.filter((check) => check.status === 'fail')).toEqual([]);
  });

  it('the firewall is on and opens the tracker\'s ports, not the database port', async () => {
    explainFailure();
    const rules = await env.onInstance('ufw status');
    expect(rules).toContain('Status: active');
    for (const port of ['6969/udp', '7070/tcp']) expect(rules).toContain(port);
    expect(rules).not.toMatch(/\b5432\b/);
    expect(await env.onInstance('ss -ltnH "sport = :5432" | wc -l')).toBe('0');
  });

  it('a password changed on the server: the tracker fails as the real one does, naming the error, and test fails', async () => {
    explainFailure();
    await serverSql(`ALTER ROLE ${USER} PASSWORD 'changed-on-the-server';`);
    try {
      await env.onInstance(compose('restart tracker'));
      let logs = '';
      for (let attempt = 0; attempt < 60 && !logs.includes('password authentication failed'); attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        logs = await env.onInstance(compose('logs --no-color tracker'));
      }
      expect(logs).toContain(`cannot log in to PostgreSQL database ${DATABASE} at ${serverAddress}:5432 as ${USER}: password authentication failed for user "${USER}"`);
      const { result } = await testChecks(env, PASSWORD_ENV);
      expect(result.code, result.stdout + result.stderr).not.toBe(0);
    } finally {
      await serverSql(`ALTER ROLE ${USER} PASSWORD ${sqlString(PASSWORD)};`);
    }
    await env.onInstance(compose('restart tracker'));
    for (let attempt = 0; attempt < 60 && (await health(env)) !== 'healthy'; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 1000));
    const { result } = await testChecks(env, PASSWORD_ENV);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('destroy removes the tracker\'s container and leaves the external database alone', async () => {
    explainFailure();
    const result = await env.ttdWith(PASSWORD_ENV, 'destroy', NAME, '--yes');
    expect(result.code, result.stderr).toBe(0);
    expect((await lxc('info', env.instance)).code).not.toBe(0);
    expect(await serverSql('SELECT count(*) FROM torrents;')).toMatch(/^\d+$/);
  });
});

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A plain LXD container from the lab's Debian image with Debian's PostgreSQL, reachable on
 * the LXD bridge with a password: what a user's existing database server is. Returns its address.
 */
async function startPostgresqlServer(lab: Lab, name: string, password: string, onServer: (command: string) => Promise<string>): Promise<string> {
  // stdin closed: `lxc launch` reads an instance config from a stdin that is not a terminal, and would wait for it.
  try {
    await promisify(execFile)('sh', ['-c', 'exec lxc launch "$0" "$1" </dev/null', lab.lxdImage, name]);
  } catch (error) {
    throw new Error(`lxc launch ${name}: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  let address = '';
  for (let attempt = 0; attempt < 60 && address === ''; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    address = (await lxc('list', name, '--format', 'csv', '--columns', '4')).stdout.trim().split(' ')[0] ?? '';
  }
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(address)) throw new Error(`${name} got no IPv4 address (${address})`);
  await onServer('cloud-init status --wait >/dev/null 2>&1 || true');
  await onServer('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null');
  await onServer([
    'set -e',
    'conf=$(ls -d /etc/postgresql/*/main)',
    'echo "listen_addresses = \'*\'" > "$conf/conf.d/ttd-lab.conf"',
    `echo "host ${DATABASE} ${USER} 0.0.0.0/0 scram-sha-256" >> "$conf/pg_hba.conf"`,
    'systemctl restart postgresql',
  ].join('\n'));
  await onServer(`cd / && su postgres -c ${quote('psql -v ON_ERROR_STOP=1 --no-psqlrc -q')} <<'SQL'\nCREATE ROLE ${USER} LOGIN PASSWORD ${sqlString(password)};\nCREATE DATABASE ${DATABASE} OWNER ${USER};\nSQL`);
  return address;
}
