// @module-tag needs-validators
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EnvironmentConfigSchema } from '../../src/config/schema.js';
import { renderArtifacts } from '../../src/render/render.js';
import { backupFilePath, CONFIG_ARCHIVE, type BackupArchive } from '../../src/stack/backup-files.js';
import { databaseModule } from '../../src/stack/databases.js';
import { temporaryDirectory } from '../support/cli.js';
import { minimalConfig } from '../support/configs.js';

const ETC = 'opt/torrust/storage/backup/etc';
const SQLITE_DUMP = databaseModule('sqlite3').dump;

/**
 * The rendered SQLite backup job, run by bash on this machine: its container paths mapped under
 * `root` the way the compose file mounts them (/data/storage is ./storage, /backups is
 * ./storage/backup, /etc/backup is ./storage/backup/etc).
 */
function backupJob() {
  const root = temporaryDirectory('ttd-backup-job-');
  const storage = join(root, 'storage');
  const mapped = (text: string) => text.replaceAll('/etc/backup/', `${storage}/backup/etc/`).replaceAll('/data/storage/', `${storage}/`).replaceAll('/backups', `${storage}/backup`);
  const artifacts = renderArtifacts(EnvironmentConfigSchema.parse(minimalConfig({ backup: {} })), {});
  for (const name of ['backup.sh', 'backup.conf', 'backup-paths.txt']) {
    const path = join(storage, 'backup/etc', name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, mapped(artifacts.get(`${ETC}/${name}`)!.content));
  }
  const database = join(storage, 'tracker/lib/database/tracker.db');
  mkdirSync(dirname(database), { recursive: true });
  execFileSync('sqlite3', [database, "CREATE TABLE torrents (id INTEGER PRIMARY KEY, info_hash TEXT); INSERT INTO torrents VALUES (1, 'aaaa');"]);
  const run = () => {
    const result = spawnSync('bash', [join(storage, 'backup/etc/backup.sh')], { encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    return /Backup (\d{8}_\d{6}) done/.exec(result.stdout)![1]!;
  };
  const file = (archive: BackupArchive, stamp: string) => join(storage, 'backup', backupFilePath(archive, stamp));
  return { run, file };
}

const stampOf = (at: Date) => at.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);

describe('the rendered backup job (SQLite)', () => {
  it('writes an online copy of the database and the config archive, both stamped with its id', () => {
    const job = backupJob();
    const id = job.run();
    const copy = join(dirname(job.file(SQLITE_DUMP, id)), 'restored.db');
    writeFileSync(copy, gunzipSync(readFileSync(job.file(SQLITE_DUMP, id))));
    expect(execFileSync('sqlite3', [copy, 'SELECT id, info_hash FROM torrents;'], { encoding: 'utf8' }).trim()).toBe('1|aaaa');
    expect(execFileSync('tar', ['-tzf', job.file(CONFIG_ARCHIVE, id)], { encoding: 'utf8' })).toContain('backup.conf');
  });

  it('never reuses the id of a backup already there: it waits for a free second instead of overwriting', () => {
    const job = backupJob();
    // Backups stamped with this second and the next two: a run now would have reused one of them.
    const now = Date.now();
    const taken = [0, 1, 2].map((offset) => stampOf(new Date(now + offset * 1000)));
    for (const stamp of taken) {
      mkdirSync(dirname(job.file(SQLITE_DUMP, stamp)), { recursive: true });
      writeFileSync(job.file(SQLITE_DUMP, stamp), `earlier backup ${stamp}`);
    }
    const id = job.run();
    expect(taken).not.toContain(id);
    for (const stamp of taken) expect(readFileSync(job.file(SQLITE_DUMP, stamp), 'utf8')).toBe(`earlier backup ${stamp}`);
    expect(readFileSync(job.file(SQLITE_DUMP, id)).length).toBeGreaterThan(0);
    expect(id > taken.at(-1)!).toBe(true);
  });
});
