// @module-tag needs-validators
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentJsonSchema } from '../../src/config/json-schema.js';
import { validateConfigDocument } from '../../src/config/load.js';
import { EnvironmentConfigSchema, type EnvironmentConfig } from '../../src/config/schema.js';
import { summarize } from '../../src/config/summary.js';
import { publicPorts, topologyOf } from '../../src/domain/topology.js';
import { restoreSteps, type RestoreTarget } from '../../src/remote/steps/backup.js';
import { firewall } from '../../src/remote/steps/configure.js';
import { runPlan } from '../../src/plan/stages.js';
import { storageDirectories } from '../../src/remote/steps/release.js';
import { renderArtifacts } from '../../src/render/render.js';
import { statusTarget } from '../../src/status/target.js';
import { connectionUrl } from '../../src/stack/server-database.js';
import { deployedServices } from '../../src/stack/queries.js';
import { minimalConfig } from '../support/configs.js';
import { runTool, writeArtifacts } from '../render/tools.js';

/** PostgreSQL, managed (host "postgresql") or external, and the same rule for MySQL. */

const AWKWARD = 'p@ss/w:rd%25 x';

function withDatabase(database: Record<string, unknown>, extra: Record<string, unknown> = {}): EnvironmentConfig {
  return EnvironmentConfigSchema.parse(minimalConfig({ ...extra, tracker: { ...(minimalConfig()['tracker'] as object), core: { database, private: false } } }));
}

const postgres = (host = 'postgresql', password = AWKWARD) => ({ driver: 'postgresql', host, port: 5432, database_name: 'torrust_tracker', username: 'tracker_user', password });
const mysql = (host = 'mysql') => ({ driver: 'mysql', host, port: 3306, database_name: 'torrust_tracker', username: 'tracker_user', password: 'pw' });

describe('managed or external: a host equal to the service name runs the database in the stack', () => {
  it.each([
    ['postgresql', postgres('postgresql'), true],
    ['postgresql', postgres('db.example.com'), false],
    ['postgresql', postgres('10.0.0.9'), false],
    ['mysql', mysql('mysql'), true],
    ['mysql', mysql('db.example.com'), false],
  ] as const)('%s on %o: container deployed = %s', (service, database, managed) => {
    const config = withDatabase(database);
    expect(deployedServices(config).map((deployed) => deployed.name).includes(service)).toBe(managed);
    expect(topologyOf(config).services.includes(service)).toBe(managed);
    const summary = summarize(config);
    expect(summary.database).toContain(managed ? 'container the deployer runs' : 'external');
    expect(Object.keys(summary.images).includes(service)).toBe(managed);
    expect(statusTarget(config, 'test-env', '192.0.2.10').services.includes(service)).toBe(managed);
  });

  it('a PostgreSQL host that is not the container is an external_database warning; a literal password is secret_in_file', () => {
    const document = (password: string, host: string) => ({ path: '/tmp/pg.json', format: 'json' as const, text: '', data: minimalConfig({ tracker: { ...(minimalConfig()['tracker'] as object), core: { database: postgres(host, password), private: false } } }) });
    const literal = validateConfigDocument(document('literal-password', 'db.example.com'), {});
    expect(literal.config).toBeDefined();
    const codes = literal.problems.map((problem) => `${problem.code} ${problem.path}`);
    expect(codes).toContain('config.external_database tracker.core.database.host');
    expect(codes).toContain('config.secret_in_file tracker.core.database.password');
    const fromVar = validateConfigDocument(document('${PG_PASSWORD}', 'postgresql'), { PG_PASSWORD: 'from-env' });
    expect(fromVar.problems.map((problem) => problem.code)).not.toContain('config.secret_in_file');
    expect(fromVar.problems.map((problem) => problem.code)).not.toContain('config.external_database');
  });

  it.each([
    [{ port: 0 }, 'port'],
    [{ port: 65536 }, 'port'],
    [{ host: '' }, 'host'],
    [{ username: '' }, 'username'],
    [{ database_name: '' }, 'database_name'],
    [{ password: '' }, 'password'],
  ])('refuses %o at tracker.core.database.%s', (change, key) => {
    const result = EnvironmentConfigSchema.safeParse(minimalConfig({ tracker: { ...(minimalConfig()['tracker'] as object), core: { database: { ...postgres(), ...change }, private: false } } }));
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toContain(`tracker.core.database.${key}`);
  });

  it('the JSON Schema offers the postgresql driver with its keys', () => {
    const text = JSON.stringify(environmentJsonSchema());
    expect(text).toContain('"postgresql"');
    expect(text).toContain('PostgreSQL host');
  });
});

describe('the tracker\'s connection URL', () => {
  it.each(['p@ss', 'a/b', 'c:d', 'e%f', '%25', AWKWARD, 'ü ñ'])('keeps the password %j whole inside the URL', (password) => {
    const url = new URL(connectionUrl('postgresql', { host: 'postgresql', port: 5432, database_name: 'torrust tracker', username: 'us@er', password }));
    expect(url.protocol).toBe('postgresql:');
    expect(url.hostname).toBe('postgresql');
    expect(url.port).toBe('5432');
    expect(decodeURIComponent(url.password)).toBe(password);
    expect(decodeURIComponent(url.username)).toBe('us@er');
    expect(decodeURIComponent(url.pathname.slice(1))).toBe('torrust tracker');
  });

  it('puts an IPv6 host in brackets', () => {
    expect(connectionUrl('postgresql', { host: 'fd00::5', port: 5432, database_name: 'd', username: 'u', password: 'p' })).toBe('postgresql://u:p@[fd00::5]:5432/d');
  });
});

describe('rendered files', () => {
  const toolHome = join(writeArtifacts(new Map()), 'home');

  async function composeJson(config: EnvironmentConfig) {
    const dir = writeArtifacts(renderArtifacts(config));
    const result = await runTool('docker', ['compose', '--profile', 'backup', 'config', '--format', 'json'], { cwd: join(dir, 'opt/torrust'), env: { HOME: toolHome } });
    expect(result.code, result.output).toBe(0);
    return { dir, compose: JSON.parse(result.output.replaceAll('$$', '$')) as { services: Record<string, { environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; healthcheck?: { test: string[] }; ports?: unknown[]; image: string; volumes?: { source: string; target: string }[] }> } };
  }

  it('managed: a postgres:17 service with pg_isready, not published, the tracker waiting for it; credentials only in the 0600 .env', async () => {
    const config = withDatabase(postgres(), { backup: {} });
    const artifacts = renderArtifacts(config);
    const { dir, compose } = await composeJson(config);
    const service = compose.services['postgresql']!;
    expect(service.image).toBe('postgres:17');
    expect(service.healthcheck!.test.join(' ')).toContain('pg_isready');
    expect(service.ports ?? []).toEqual([]);
    expect(service.environment!['POSTGRES_PASSWORD']).toBe(AWKWARD);
    expect(service.volumes!.map((volume) => volume.target)).toContain('/var/lib/postgresql/data');
    expect(compose.services['tracker']!.depends_on!['postgresql']!.condition).toBe('service_healthy');
    const tracker = compose.services['tracker']!.environment!;
    expect(tracker['TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__DRIVER']).toBe('postgresql');
    const dsn = new URL(tracker['TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__PATH']!);
    expect([dsn.protocol, dsn.host, decodeURIComponent(dsn.password)]).toEqual(['postgresql:', 'postgresql:5432', AWKWARD]);
    expect(compose.services['backup']!.environment!['DB_PASSWORD']).toBe(AWKWARD);

    expect(artifacts.get('opt/torrust/.env')!.mode).toBe(0o600);
    for (const [path, artifact] of artifacts) if (path !== 'opt/torrust/.env') expect(artifact.content, path).not.toContain(AWKWARD);
    expect(artifacts.get('opt/torrust/storage/backup/etc/backup.conf')!.content).toContain('DB_HOST=postgresql');
    expect(storageDirectories(config).commands.join('\n')).toContain('install -d -m 0750 -o 999 -g 999 /opt/torrust/storage/postgresql /opt/torrust/storage/postgresql/data');

    const script = join(dir, 'opt/torrust/storage/backup/etc/backup.sh');
    const shellcheck = await runTool('shellcheck', [script]);
    expect(shellcheck.code, shellcheck.output).toBe(0);
    const text = artifacts.get('opt/torrust/storage/backup/etc/backup.sh')!.content;
    expect(text).toContain('pg_dump --format=custom');
    expect(text).toContain('/backups/postgresql/postgresql_${stamp}.dump');
    expect(text).not.toContain('mysqldump');
  });

  it('external: no database container; the tracker gets the URL of the server; the backup job dumps it over the network', async () => {
    const config = withDatabase(postgres('db.example.com'), { backup: {} });
    const { compose } = await composeJson(config);
    expect(compose.services['postgresql']).toBeUndefined();
    expect(compose.services['tracker']!.depends_on?.['postgresql']).toBeUndefined();
    expect(new URL(compose.services['tracker']!.environment!['TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__PATH']!).host).toBe('db.example.com:5432');
    expect(compose.services['backup']!.environment!['DB_PASSWORD']).toBe(AWKWARD);
    const env = renderArtifacts(config).get('opt/torrust/.env')!.content;
    expect(env).not.toContain('POSTGRES_USER');
    expect(renderArtifacts(config).get('opt/torrust/storage/backup/etc/backup.conf')!.content).toContain('DB_HOST=db.example.com');
  });

  it('external MySQL: no mysql container, no root password in .env', async () => {
    const config = withDatabase(mysql('db.example.com'));
    const { compose } = await composeJson(config);
    expect(compose.services['mysql']).toBeUndefined();
    expect(new URL(compose.services['tracker']!.environment!['TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__PATH']!).host).toBe('db.example.com:3306');
    expect(renderArtifacts(config).get('opt/torrust/.env')!.content).not.toContain('MYSQL_ROOT_PASSWORD');
  });

  it.each([['managed', 'postgresql'], ['external', 'db.example.com']])('%s: the firewall opens no database port', (_kind, host) => {
    const config = withDatabase(postgres(host));
    expect(publicPorts(config).map((entry) => entry.port)).not.toContain(5432);
    expect(firewall(config).commands.join('\n')).not.toContain('5432');
  });
});

describe('restore of a PostgreSQL dump', () => {
  const target: RestoreTarget = { id: '20250601_030000', driver: 'postgresql', databaseName: 'torrust_tracker', withConfig: true, healthWaitSeconds: 60 };
  const steps = restoreSteps(target);

  it('checks the archive with pg_restore, swaps in one transaction, and can undo the swap', () => {
    expect(steps.map((step) => step.id)).toEqual(['check-backup', 'stage-database', 'stage-config', 'stop-tracker', 'swap-database', 'swap-config', 'start-tracker', 'wait-healthy', 'clean-up']);
    const check = steps[0]!.command;
    expect(check).toContain('pg_restore --list');
    expect(check).toContain('postgresql/postgresql_20250601_030000.dump');
    expect(check).not.toContain('gzip -t \'postgresql');
    const swap = steps.find((step) => step.id === 'swap-database')!;
    expect(swap.command).toContain('BEGIN;');
    expect(swap.command).toContain('ALTER SCHEMA public RENAME TO ttd_restore_previous;');
    expect(swap.command).toContain('&& printf "%s\\n" "COMMIT;"');
    expect(swap.undo).toContain('ALTER SCHEMA ttd_restore_previous RENAME TO public');
    expect(steps.at(-1)!.command).toContain('DROP SCHEMA IF EXISTS ttd_restore_previous CASCADE');
    // No password on a command line: the client reads DB_PASSWORD inside the container.
    for (const step of steps) expect(`${step.command}\n${step.undo ?? ''}`).not.toMatch(/PGPASSWORD=[^"$]/);
  });

  it('every command and undo is valid shell', () => {
    for (const step of steps) {
      for (const text of [step.command, step.undo].filter((item): item is string => item !== undefined)) {
        execFileSync('bash', ['-n', '-c', text]);
        execFileSync('sh', ['-n', '-c', text]);
        // `$((cd ...` parses, but as arithmetic: a command substitution of a subshell needs `$( (`.
        expect(text).not.toMatch(/\$\(\(cd /);
      }
    }
  });
});

describe('run checks that an external server answers before it starts the stack', () => {
  const checkOf = (config: EnvironmentConfig) => runPlan(config, '192.0.2.10').steps.find((step) => step.id === 'check-database');

  it('managed databases and SQLite have no such step', () => {
    expect(checkOf(withDatabase(postgres()))).toBeUndefined();
    expect(checkOf(withDatabase(mysql()))).toBeUndefined();
    expect(checkOf(EnvironmentConfigSchema.parse(minimalConfig()))).toBeUndefined();
  });

  it('fails naming host and port when nothing listens there, and passes when something does', async () => {
    const { createServer } = await import('node:net');
    const server = createServer((socket) => socket.end());
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const open = (server.address() as { port: number }).port;
    const closed = await new Promise<number>((done) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const port = (probe.address() as { port: number }).port;
        probe.close(() => done(port));
      });
    });
    try {
      const run = (port: number) => {
        const config = withDatabase({ ...postgres('127.0.0.1'), port });
        const step = runPlan(config, '192.0.2.10').steps.map((item) => item.id);
        expect(step.indexOf('check-database')).toBe(step.indexOf('pull-images') + 1);
        const command = (checkOf(config) as unknown as { command: string }).command;
        try {
          execFileSync('sh', ['-c', command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
          return { code: 0, stderr: '' };
        } catch (error) {
          return { code: (error as { status: number }).status, stderr: String((error as { stderr: string }).stderr) };
        }
      };
      expect(run(open).code).toBe(0);
      const refused = run(closed);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`the PostgreSQL server at 127.0.0.1:${closed}`);
      expect(refused.stderr).toContain('does not answer from the instance');
    } finally {
      server.close();
    }
  });
});
