import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { labEnvironment, labUp, removeLabInstance, type LabEnvironment } from './lab.js';

/**
 * Backups on demand and restore (issue 9), on SQLite and on MySQL: marker rows go
 * into a table shaped like the tracker's, `backup` saves them, the table is damaged,
 * `restore` brings the rows back and the tracker is healthy. Then two restores that
 * fail: a backup whose dump is corrupt (refused before anything changes), and one
 * whose config breaks the tracker (swapped in, the tracker does not come up, and
 * everything is put back). Both leave the data from before the attempt in place.
 */

const MYSQL_ROOT_PASSWORD = 'RootPw-lab-backup-7Qx';
const MYSQL_PASSWORD = 'UserPw-lab-backup-9Zk';
const SECRETS = [MYSQL_ROOT_PASSWORD, MYSQL_PASSWORD];

interface Flavour {
  readonly name: string;
  readonly driver: 'sqlite' | 'mysql';
  readonly answers: readonly string[];
  /** Runs SQL against the tracker's database on the instance and returns the rows, tab-separated. */
  sql(env: LabEnvironment, statement: string): Promise<string>;
  /** The path of the database dump of a backup, relative to /opt/torrust/storage/backup. */
  dump(id: string): string;
}

const common = ['--protocols', 'udp,http', '--no-prometheus', '--no-grafana', '--no-https', '--backup'];

const sqlite: Flavour = {
  name: 'lab-backup-sqlite',
  driver: 'sqlite',
  answers: ['--database', 'sqlite3', ...common],
  // As the tracker's user (the file's owner), with the sqlite3 of the backup image.
  sql: (env, statement) =>
    env.onInstance(`docker run --rm --user 1000:1000 -v /opt/torrust/storage/tracker/lib/database:/db --entrypoint sqlite3 torrust/tracker-backup:latest -tabs /db/tracker.db ${quote(statement)}`),
  dump: (id) => `sqlite/sqlite_${id}.db.gz`,
};

const mysql: Flavour = {
  name: 'lab-backup-mysql',
  driver: 'mysql',
  answers: ['--database', 'mysql', '--mysql-database', 'torrust_tracker', '--mysql-user', 'torrust', '--mysql-password', MYSQL_PASSWORD, '--mysql-root-password', MYSQL_ROOT_PASSWORD, ...common],
  sql: (env, statement) =>
    env.onInstance(`cd /opt/torrust && docker compose exec -T mysql sh -c 'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mariadb -uroot --batch --skip-column-names torrust_tracker' <<'SQL'\n${statement}\nSQL`),
  dump: (id) => `mysql/mysql_${id}.sql.gz`,
};

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

// The stand-in tracker creates this table itself on MySQL (as the real one does); on SQLite the test does.
const TABLE = 'CREATE TABLE IF NOT EXISTS torrents (id INTEGER PRIMARY KEY, info_hash VARCHAR(40) NOT NULL UNIQUE, completed INTEGER DEFAULT 0 NOT NULL)';
const marker = (id: number, hash: string, completed: number) => `INSERT INTO torrents (id, info_hash, completed) VALUES (${id}, '${hash}', ${completed})`;
const ROWS_IN_BACKUP = ['1\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\t7', '2\tbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\t42'];
const ROW_AFTER_BACKUP = '3\tcccccccccccccccccccccccccccccccccccccccc\t1';

interface Json {
  readonly [key: string]: unknown;
}

function resultOf(stdout: string): Json {
  const lines = stdout.trim().split('\n').filter((line) => line.startsWith('{'));
  return JSON.parse(lines.at(-1) ?? '{}') as Json;
}

for (const flavour of [sqlite, mysql]) {
  describe(`backup and restore on ${flavour.driver === 'sqlite' ? 'SQLite' : 'MySQL'} (${flavour.name})`, () => {
    let env: LabEnvironment;
    let backupId = '';

    const rows = () => flavour.sql(env, 'SELECT id, info_hash, completed FROM torrents ORDER BY id;');
    const health = () => env.onInstance(`docker inspect --format '{{.State.Health.Status}}' tracker`);
    const explainFailure = () => onTestFailed(async () => console.error(await env.diagnostics()));
    const noSecrets = (text: string) => {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    };

    beforeAll(async () => {
      const lab = await labUp();
      await removeLabInstance(flavour.name);
      env = await labEnvironment(lab, flavour.name, flavour.answers);
    });

    afterAll(async () => {
      await removeLabInstance(flavour.name);
    });

    it('deploys with backups on', async () => {
      explainFailure();
      const result = await env.ttd('deploy', env.configPath);
      expect(result.code, result.stderr).toBe(0);
      expect(env.record().state).toBe('running');
      expect(await health()).toBe('healthy');
    });

    it('backup: runs the job now and reports its id and files; backup list shows it', async () => {
      explainFailure();
      await flavour.sql(env, `${TABLE}; ${marker(1, 'a'.repeat(40), 7)}; ${marker(2, 'b'.repeat(40), 42)};`);
      expect((await rows()).split('\n')).toEqual(ROWS_IN_BACKUP);

      const result = await env.ttd('backup', flavour.name, '--json');
      expect(result.code, result.stdout + result.stderr).toBe(0);
      noSecrets(result.stdout + result.stderr);
      const made = resultOf(result.stdout) as { ok: boolean; id: string; files: { kind: string; path: string; size_bytes: number }[] };
      expect(made.ok).toBe(true);
      expect(made.id).toMatch(/^\d{8}_\d{6}$/);
      backupId = made.id;
      const kinds = made.files.map((file) => file.kind).sort();
      expect(kinds).toEqual(['config', flavour.driver]);
      for (const file of made.files) {
        expect(file.path).toContain(made.id);
        expect(file.size_bytes).toBeGreaterThan(0);
        expect(await env.onInstance(`stat -c %s /opt/torrust/${file.path}`)).toBe(String(file.size_bytes));
      }

      const text = await env.ttd('backup', flavour.name);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(new RegExp(`Restore it with: ttd restore ${flavour.name} --from \\d{8}_\\d{6}`));

      const list = await env.ttd('backup', 'list', flavour.name, '--json');
      expect(list.code, list.stderr).toBe(0);
      const listed = resultOf(list.stdout) as { backups: { id: string; files: { path: string }[] }[] };
      // Newest first: the text backup made just now, then the one above.
      expect(listed.backups.length).toBeGreaterThanOrEqual(2);
      expect(listed.backups.map((entry) => entry.id)).toEqual([...listed.backups.map((entry) => entry.id)].sort().reverse());
      expect(listed.backups.find((entry) => entry.id === made.id)?.files.map((file) => file.path).sort()).toEqual(made.files.map((file) => file.path).sort());
    });

    it('two backup jobs started together (the cron job and `ttd backup`) both land, each with its own id', async () => {
      explainFailure();
      const ids = async () => {
        const list = await env.ttd('backup', 'list', flavour.name, '--json');
        expect(list.code, list.stderr).toBe(0);
        return (resultOf(list.stdout) as { backups: { id: string }[] }).backups.map((entry) => entry.id);
      };
      const before = await ids();
      const job = '/usr/local/bin/maintenance-backup.sh';
      await env.onInstance(`${job} > /tmp/job-a.log 2>&1 & ${job} > /tmp/job-b.log 2>&1; status=$?; wait $! && exit $status`);
      const made = (await ids()).filter((id) => !before.includes(id));
      expect(made).toHaveLength(2);
      expect(await env.onInstance('cat /tmp/job-a.log /tmp/job-b.log')).toMatch(/Backup \d{8}_\d{6} done[\s\S]*Backup \d{8}_\d{6} done/);
    });

    it('a failing backup job is backup.failed with its last line', async () => {
      explainFailure();
      await env.onInstance('mv /opt/torrust/storage/backup/etc/backup.sh /opt/torrust/storage/backup/etc/backup.sh.off');
      try {
        const result = await env.ttd('backup', flavour.name, '--json');
        expect(result.code, result.stdout + result.stderr).toBe(1);
        const error = (resultOf(result.stdout) as { error: { code: string; message: string; stderr_tail: string[] } }).error;
        expect(error.code).toBe('backup.failed');
        expect(error.stderr_tail.join('\n')).toMatch(/backup\.sh|No such file/);
        noSecrets(result.stdout + result.stderr);
      } finally {
        await env.onInstance('mv /opt/torrust/storage/backup/etc/backup.sh.off /opt/torrust/storage/backup/etc/backup.sh');
      }
    });

    it('restore refuses without --yes, or from a backup the host does not have, and changes nothing', async () => {
      explainFailure();
      const result = await env.ttd('restore', flavour.name, '--from', backupId);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--yes');
      const unknown = await env.ttd('restore', flavour.name, '--from', '19990101_000000', '--yes', '--json');
      expect(unknown.code, unknown.stdout + unknown.stderr).toBe(2);
      const error = (resultOf(unknown.stdout) as { error: { code: string; available: string[]; fix: string } }).error;
      expect(error.code).toBe('backup.not_found');
      expect(error.available).toContain(backupId);
      expect(error.fix).toContain(backupId);
      expect((await rows()).split('\n')).toEqual(ROWS_IN_BACKUP);
      expect(await health()).toBe('healthy');
    });

    it('restore: after the table is damaged, the rows are back and the tracker is healthy', async () => {
      explainFailure();
      const mode = flavour.driver === 'sqlite' ? await env.onInstance('stat -c "%u:%g %a" /opt/torrust/storage/tracker/lib/database/tracker.db') : '';
      await flavour.sql(env, 'DELETE FROM torrents WHERE id = 1; UPDATE torrents SET completed = 0; DROP TABLE torrents;');
      await expect(rows()).rejects.toThrow(/torrents/);

      const result = await env.ttd('restore', flavour.name, '--from', backupId, '--yes');
      expect(result.code, result.stdout + result.stderr).toBe(0);
      noSecrets(result.stdout + result.stderr);
      expect(result.stderr).toContain(`Restored backup ${backupId}`);
      expect((await rows()).split('\n')).toEqual(ROWS_IN_BACKUP);
      expect(await health()).toBe('healthy');
      if (flavour.driver === 'sqlite') {
        expect(await env.onInstance('stat -c "%u:%g %a" /opt/torrust/storage/tracker/lib/database/tracker.db')).toBe(mode);
        expect(await env.onInstance('ls -a /opt/torrust/storage/tracker/lib/database')).not.toMatch(/ttd-/);
      } else {
        expect(await env.onInstance(`cd /opt/torrust && docker compose exec -T mysql sh -c 'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mariadb -uroot --batch --skip-column-names -e "SHOW DATABASES"'`)).not.toMatch(/ttd_restore/);
      }
      expect(await env.onInstance('test -e /opt/torrust/.ttd-restore && echo left || echo gone')).toBe('gone');
      const history = (env.record() as unknown as { history: { command: string; outcome: string }[] }).history.at(-1);
      expect(history).toMatchObject({ command: `restore --from ${backupId}`, outcome: 'succeeded' });
    });

    it('a restore from a corrupt dump is refused before anything changes', async () => {
      explainFailure();
      await flavour.sql(env, `${marker(3, 'c'.repeat(40), 1)};`);
      const before = await rows();
      expect(before.split('\n')).toEqual([...ROWS_IN_BACKUP, ROW_AFTER_BACKUP]);
      const startedAt = await env.onInstance('docker inspect --format "{{.State.StartedAt}}" tracker');
      // A backup whose dump is cut short (its config archive is the good one).
      const corrupt = '20000101_000000';
      await env.onInstance([
        'cd /opt/torrust/storage/backup',
        `head -c 200 ${flavour.dump(backupId)} > ${flavour.dump(corrupt)}`,
        `cp config/config_${backupId}.tar.gz config/config_${corrupt}.tar.gz`,
      ].join(' && '));

      const result = await env.ttd('restore', flavour.name, '--from', corrupt, '--yes', '--json');
      expect(result.code, result.stdout + result.stderr).toBe(1);
      const error = (resultOf(result.stdout) as { error: { code: string; message: string; step: string; rolled_back: boolean } }).error;
      expect(error.code).toBe('restore.failed');
      expect(error.step).toBe('check-backup');
      expect(error.message).toContain('is not a whole gzip file');
      expect(error.message).toContain('Nothing was changed');
      expect(error.rolled_back).toBe(false);
      expect(await rows()).toBe(before);
      // The tracker was never stopped.
      expect(await env.onInstance('docker inspect --format "{{.State.StartedAt}}" tracker')).toBe(startedAt);
      expect(await health()).toBe('healthy');
    });

    it('a restore whose config breaks the tracker is rolled back: the data and config from before are in place and the tracker is healthy', async () => {
      explainFailure();
      const before = await rows();
      const configBefore = await env.onInstance('sha256sum /opt/torrust/storage/tracker/etc/tracker.toml');
      // A backup with the good dump, and a config archive whose tracker.toml the tracker cannot read.
      const broken = '20000102_000000';
      await env.onInstance([
        'set -e',
        'cd /opt/torrust/storage/backup',
        `cp ${flavour.dump(backupId)} ${flavour.dump(broken)}`,
        'work=$(mktemp -d)',
        'mkdir -p "$work/data/storage/tracker/etc"',
        'printf "[core\\nthis is not toml\\n" > "$work/data/storage/tracker/etc/tracker.toml"',
        `tar -czf config/config_${broken}.tar.gz -C "$work" data/storage/tracker/etc/tracker.toml`,
        'rm -rf "$work"',
      ].join('\n'));

      const result = await env.ttd('restore', flavour.name, '--from', broken, '--yes', '--json');
      expect(result.code, result.stdout + result.stderr).toBe(1);
      noSecrets(result.stdout + result.stderr);
      const error = (resultOf(result.stdout) as { error: { code: string; message: string; step: string; rolled_back: boolean; tracker_healthy: boolean } }).error;
      expect(error.code, JSON.stringify(error)).toBe('restore.failed');
      expect(error.step).toBe('wait-healthy');
      expect(error.rolled_back).toBe(true);
      expect(error.tracker_healthy).toBe(true);
      expect(error.message).toContain('back in place');
      // Every step that changed something was put back, last first.
      const undone = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; step?: string })
        .filter((line) => line.type === 'step.undo.succeeded').map((line) => line.step);
      expect(undone).toEqual(['start-tracker', 'swap-config', 'swap-database', 'stop-tracker', 'stage-config', 'stage-database']);

      expect(await rows()).toBe(before);
      expect(await env.onInstance('sha256sum /opt/torrust/storage/tracker/etc/tracker.toml')).toBe(configBefore);
      expect(await health()).toBe('healthy');
      expect(await env.onInstance('test -e /opt/torrust/.ttd-restore && echo left || echo gone')).toBe('gone');
      const test = await env.ttd('test', flavour.name);
      expect(test.code, test.stdout + test.stderr).toBe(0);
    });
  });
}
