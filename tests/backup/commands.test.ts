import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  backupIdFromOutput,
  checkBackupCommand,
  groupBackups,
  listBackupsCommand,
  parseBackupListing,
  restoreSteps,
  runBackupCommand,
  stampDate,
  waitHealthyCommand,
  type RestoreTarget,
} from '../../src/remote/steps/backup.js';
import { mysqlClient, sqlIdentifier, sqlString, swapTablesSql } from '../../src/stack/mysql-restore.js';

const sqliteTarget: RestoreTarget = { id: '20250601_030000', driver: 'sqlite3', databaseName: 'tracker.db', withConfig: true, healthWaitSeconds: 60 };
const mysqlTarget: RestoreTarget = { id: '20250601_030000', driver: 'mysql', databaseName: 'torrust_tracker', withConfig: true, healthWaitSeconds: 60 };

/** dash (Debian's sh, what `sudo sh -c` runs) parses it without running it. */
function parsesAsSh(script: string): void {
  execFileSync('dash', ['-n', '-c', script]);
}

describe('backup command lines', () => {
  it('runs the script the cron job runs', () => {
    expect(runBackupCommand()).toBe('/usr/local/bin/maintenance-backup.sh');
  });

  it('lists every backup file with its size, and nothing (exit 0) before the first backup', () => {
    const command = listBackupsCommand();
    expect(command).toContain('cd /opt/torrust/storage/backup 2>/dev/null || exit 0');
    expect(command).toContain('find sqlite mysql postgresql config -maxdepth 1 -type f');
    parsesAsSh(command);
  });

  it('groups the listing by backup id, newest first, database before config, skipping files that are not backups', () => {
    const listing = [
      'config/config_20250601_030000.tar.gz\t310\t1748746800.1',
      'sqlite/sqlite_20250601_030000.db.gz\t2048\t1748746800.0',
      'sqlite/sqlite_20250602_030000.db.gz\t4096\t1748833200.0',
      'config/config_20250602_030000.tar.gz\t300\t1748833200.0',
      'sqlite/notes.txt\t5\t1748833200.0',
      'mysql/sqlite_20250602_030000.db.gz\t5\t1748833200.0',
      '',
    ].join('\n');
    const backups = groupBackups(parseBackupListing(listing));
    expect(backups.map((backup) => backup.id)).toEqual(['20250602_030000', '20250601_030000']);
    expect(backups[0]).toMatchObject({ sizeBytes: 4396, at: new Date('2025-06-02T03:00:00Z') });
    expect(backups[1]!.files.map((file) => [file.kind, file.path, file.sizeBytes])).toEqual([
      ['sqlite', 'sqlite/sqlite_20250601_030000.db.gz', 2048],
      ['config', 'config/config_20250601_030000.tar.gz', 310],
    ]);
  });

  it('reads the id backup.sh announces, and the stamp as UTC', () => {
    expect(backupIdFromOutput('2025-06-01T03:00:00Z Backup started\n2025-06-01T03:00:01Z Backup 20250601_030000 done\n')).toBe('20250601_030000');
    expect(backupIdFromOutput('Backup failed')).toBeUndefined();
    expect(stampDate('20251231_235958').toISOString()).toBe('2025-12-31T23:59:58.000Z');
  });
});

describe('restore steps', () => {
  it('check, stage, stop, swap, start, wait, clean up; the config only when the backup has an archive', () => {
    expect(restoreSteps(sqliteTarget).map((step) => step.id)).toEqual(['check-backup', 'stage-database', 'stage-config', 'stop-tracker', 'swap-database', 'swap-config', 'start-tracker', 'wait-healthy', 'clean-up']);
    expect(restoreSteps({ ...mysqlTarget, withConfig: false }).map((step) => step.id)).toEqual(['check-backup', 'stage-database', 'stop-tracker', 'swap-database', 'start-tracker', 'wait-healthy', 'clean-up']);
  });

  it('every step that changes something has an undo; only the clean-up is after the commit', () => {
    for (const target of [sqliteTarget, mysqlTarget]) {
      for (const step of restoreSteps(target)) {
        const changes = !['check-backup', 'wait-healthy', 'clean-up'].includes(step.id);
        expect(step.undo !== undefined, step.id).toBe(changes);
        expect(step.afterCommit === true, step.id).toBe(step.id === 'clean-up');
      }
    }
  });

  it('every command and undo is a valid sh script', () => {
    for (const target of [sqliteTarget, mysqlTarget]) {
      for (const step of restoreSteps(target)) {
        parsesAsSh(step.command);
        if (step.undo) parsesAsSh(step.undo);
      }
    }
  });

  it('checks the dump is whole before anything: gzip, the mysqldump completion line or the SQLite header, safe archive paths, no leftovers', () => {
    const sqlite = checkBackupCommand(sqliteTarget);
    expect(sqlite).toContain('gzip -t sqlite/sqlite_20250601_030000.db.gz');
    expect(sqlite).toContain("= 'SQLite format 3'");
    expect(sqlite).toContain("grep -v '^data/storage/'");
    expect(sqlite).toContain('/opt/torrust/storage/tracker/lib/database/.ttd-previous-tracker.db');
    const mysql = checkBackupCommand(mysqlTarget);
    expect(mysql).toContain("grep -q '^-- Dump completed'");
    expect(mysql).toContain("table_schema = '\\''ttd_restore_previous'\\''");
    expect(checkBackupCommand({ ...mysqlTarget, withConfig: false })).not.toContain('config_');
  });

  it('SQLite: the copy is staged next to the file with its owner and mode, checked by sqlite3 read-only, and swapped with its journal files', () => {
    const [, stage, , , swap] = restoreSteps(sqliteTarget);
    expect(stage!.command).toContain('gzip -dc /opt/torrust/storage/backup/sqlite/sqlite_20250601_030000.db.gz > /opt/torrust/storage/tracker/lib/database/.ttd-restore-tracker.db');
    expect(stage!.command).toContain('chown --reference=/opt/torrust/storage/tracker/lib/database/tracker.db');
    expect(stage!.command).toContain("'file:/data/storage/tracker/lib/database/.ttd-restore-tracker.db?immutable=1' 'PRAGMA integrity_check;'");
    for (const suffix of ['', '-wal', '-shm', '-journal']) expect(swap!.command).toContain(`mv -f /opt/torrust/storage/tracker/lib/database/tracker.db${suffix} /opt/torrust/storage/tracker/lib/database/.ttd-previous-tracker.db${suffix}`);
    // The undo does nothing unless the current file was moved aside.
    expect(swap!.undo).toMatch(/^set -e\nif \[ -e \/opt\/torrust\/storage\/tracker\/lib\/database\/\.ttd-previous-tracker\.db \]; then/);
  });

  it('MySQL: the dump loads into a staging database through the mysql container, with the root password read there', () => {
    const [, stage, , , swap] = restoreSteps(mysqlTarget);
    expect(stage!.command).toContain("sed '1{/enable the sandbox mode/d;}'");
    expect(stage!.command).toContain(`${mysqlClient('ttd_restore_incoming')}`);
    expect(mysqlClient()).toContain('export MYSQL_PWD="$MYSQL_ROOT_PASSWORD"');
    expect(mysqlClient()).toMatch(/^docker compose exec -T mysql sh -c '/);
    expect(swap!.command).toContain('RENAME TABLE');
    // The previous database is dropped only while it is empty.
    expect(stage!.undo).toContain('if [ "$n" = 0 ]; then');
  });

  it('swaps MySQL tables in one RENAME TABLE, quoting names; the undo does nothing when the swap never happened', () => {
    const sql = swapTablesSql('tracker`db', 'ttd_restore_incoming', 'ttd_restore_previous');
    expect(sql).toContain("CONCAT('`tracker``db`.', '`'");
    expect(sql).toContain("table_schema = 'tracker`db'");
    expect(sql).toContain("IF((@ttd_out IS NULL AND @ttd_in IS NULL), 'DO 0', CONCAT('RENAME TABLE ', CONCAT_WS(', ', @ttd_out, @ttd_in)))");
    const undo = swapTablesSql('tracker', 'ttd_restore_previous', 'ttd_restore_incoming', { unlessOutgoingHasTables: true });
    expect(undo).toContain("IF((SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'ttd_restore_incoming') > 0 OR (@ttd_out IS NULL");
    expect(sqlIdentifier('a`b')).toBe('`a``b`');
    expect(sqlString("it's \\ here")).toBe("'it''s \\\\ here'");
  });

  it('the health wait fails at once on unhealthy, restarting or exited, and shows the tracker\'s last log lines', () => {
    const wait = waitHealthyCommand(90);
    expect(wait).toContain("'running healthy'|'running none') echo \"tracker: $s\"; exit 0 ;;");
    expect(wait).toContain("'running unhealthy'|restarting*|exited*|dead*|missing) break ;;");
    expect(wait).toContain('[ "$waited" -ge 90 ] && break');
    expect(wait).toContain('==> diagnosis:');
    expect(wait).toContain('docker compose logs --no-color --no-log-prefix --tail 15 tracker');
  });
});

describe('the health wait, run by sh against a docker that answers from a script', () => {
  function waitWith(states: readonly string[]): { code: number; stderr: string; stdout: string } {
    // docker inspect answers the next state each time; docker compose logs prints a line.
    const docker = `n=$(cat "$STATE_FILE.n" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$STATE_FILE.n"; if [ "$1" = inspect ]; then sed -n "\${n}p" "$STATE_FILE"; else echo "tracker log line"; fi`;
    const script = `docker() { ${docker}; }\ncd() { :; }\nsleep() { :; }\n${waitHealthyCommand(6)}`;
    const dir = execFileSync('mktemp', ['-d']).toString().trim();
    const stateFile = `${dir}/states`;
    execFileSync('sh', ['-c', `printf '%s\\n' "$@" > ${stateFile}`, 'sh', ...states]);
    try {
      const stdout = execFileSync('dash', ['-c', script], { env: { PATH: process.env['PATH'], STATE_FILE: stateFile }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
      return { code: 0, stderr: '', stdout };
    } catch (error) {
      const failure = error as { status: number; stderr: Buffer; stdout: Buffer };
      return { code: failure.status, stderr: failure.stderr.toString(), stdout: failure.stdout.toString() };
    } finally {
      execFileSync('rm', ['-rf', dir]);
    }
  }

  it('passes once Docker says healthy', () => {
    const result = waitWith(['running starting', 'running starting', 'running healthy']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('tracker: running healthy');
  });

  it('fails at once when the container restarts, with the diagnosis', () => {
    const result = waitWith(['running starting', 'restarting starting', 'running healthy']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('did not become healthy within 6 s (docker: restarting starting)');
    expect(result.stderr).toContain('==> diagnosis:');
  });

  it('fails after the wait when it stays starting', () => {
    const result = waitWith(Array.from({ length: 10 }, () => 'running starting'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(docker: running starting)');
  });
});
