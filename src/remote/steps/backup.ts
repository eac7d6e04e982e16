import { shellQuote } from '../../shell/quote.js';
import { BACKUP_ARCHIVES, BACKUP_ID, backupFilePath, CONFIG_ARCHIVE, parseBackupFilePath } from '../../stack/backup-files.js';
import { databaseModule } from '../../stack/databases.js';
import { SQLITE_DIR } from './release.js';
import { DEPLOY_DIR, DIAGNOSIS_MARKER } from './step.js';

/**
 * `backup` and `restore`: the command lines run on the host (as root), built
 * here and never run here (Kamal's commands style), so each can be read and
 * tested as text. The backup itself is the script the cron job runs; restore
 * is a list of steps, each with the command that puts back what it changed.
 */

export const BACKUP_DIR = `${DEPLOY_DIR}/storage/backup`;
export const MAINTENANCE_BACKUP_SCRIPT = '/usr/local/bin/maintenance-backup.sh';
/** Where restore stages the config archive and keeps the files it replaced, until it is done. */
export const RESTORE_WORK_DIR = `${DEPLOY_DIR}/.ttd-restore`;
/** MySQL databases restore loads the dump into, and moves the current tables to, until it is done. */
export const MYSQL_INCOMING = 'ttd_restore_incoming';
export const MYSQL_PREVIOUS = 'ttd_restore_previous';

/** The file-name contract lives in src/stack/backup-files.ts: every database's dump, then the config archive. */
export const BACKUP_KINDS = BACKUP_ARCHIVES.map((archive) => archive.kind);
export type BackupKind = string;
export { BACKUP_ID };

/** Runs a backup now: the script the cron job runs (compose's one-shot backup service). */
export function runBackupCommand(): string {
  return MAINTENANCE_BACKUP_SCRIPT;
}

/** Every backup file: `kind/name<TAB>size<TAB>mtime` per line; nothing (and exit 0) when there are none yet. */
export function listBackupsCommand(): string {
  return `cd ${BACKUP_DIR} 2>/dev/null || exit 0; find ${BACKUP_KINDS.join(' ')} -maxdepth 1 -type f -printf '%p\\t%s\\t%T@\\n' 2>/dev/null; true`;
}

export interface BackupFile {
  readonly kind: BackupKind;
  /** Relative to the backup directory: sqlite/sqlite_20250601_030000.db.gz. */
  readonly path: string;
  readonly sizeBytes: number;
  readonly id: string;
}

export interface Backup {
  readonly id: string;
  /** The stamp read as UTC. */
  readonly at: Date;
  readonly sizeBytes: number;
  readonly files: readonly BackupFile[];
}

/** The output of listBackupsCommand as files; lines that are not backup files (a stray file someone left) are skipped. */
export function parseBackupListing(text: string): BackupFile[] {
  const files: BackupFile[] = [];
  for (const line of text.split('\n')) {
    const [path = '', size = '', _mtime] = line.trim().split('\t');
    const parsed = parseBackupFilePath(path);
    if (!parsed || !/^\d+$/.test(size)) continue;
    files.push({ kind: parsed.archive.kind, path, sizeBytes: Number(size), id: parsed.stamp });
  }
  return files;
}

/** Files grouped by backup id, newest first; within a backup, database before config. */
export function groupBackups(files: readonly BackupFile[]): Backup[] {
  const byId = new Map<string, BackupFile[]>();
  for (const file of files) byId.set(file.id, [...(byId.get(file.id) ?? []), file]);
  return [...byId.entries()]
    .sort(([a], [b]) => b.localeCompare(a))
    .map(([id, group]) => ({
      id,
      at: stampDate(id),
      sizeBytes: group.reduce((sum, file) => sum + file.sizeBytes, 0),
      files: [...group].sort((a, b) => BACKUP_KINDS.indexOf(a.kind) - BACKUP_KINDS.indexOf(b.kind)),
    }));
}

/** 20250601_030000 → 2025-06-01T03:00:00Z. */
export function stampDate(id: string): Date {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})$/.exec(id) ?? [];
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

/** The id backup.sh announces in its last line ("... Backup 20250601_030000 done"). */
export function backupIdFromOutput(output: string): string | undefined {
  const matches = [...output.matchAll(/Backup (\d{8}_\d{6}) done/g)];
  return matches.at(-1)?.[1];
}

// ---------------------------------------------------------------------------
// restore

export interface RestoreTarget {
  readonly id: string;
  readonly driver: 'sqlite3' | 'mysql';
  /** The SQLite file name, or the MySQL database name. */
  readonly databaseName: string;
  /** Whether the backup has a config archive. */
  readonly withConfig: boolean;
  /** How long the tracker may take to become healthy again. */
  readonly healthWaitSeconds: number;
}

export interface RestoreStep {
  readonly id: string;
  readonly title: string;
  /** Run as root; a non-zero exit is the step failing. */
  readonly command: string;
  /**
   * Puts back what the step changed. Safe to run when the step did not run or
   * failed half way, so it also runs for the step that failed.
   */
  readonly undo?: string;
  /** Once the restored data is live and healthy: a failure here is a warning, nothing is rolled back. */
  readonly afterCommit?: boolean;
  /** What running it changes, in words (the title says it when left out). */
  readonly changes?: string;
}

/** Backup files of one backup, relative to the backup directory. */
export function restoreFiles(target: Pick<RestoreTarget, 'id' | 'driver'>): { database: string; config: string } {
  return {
    database: backupFilePath(databaseModule(target.driver).dump, target.id),
    config: backupFilePath(CONFIG_ARCHIVE, target.id),
  };
}

const compose = (args: string) => `cd ${DEPLOY_DIR} && docker compose ${args}`;
const fail = (message: string) => `{ echo ${shellQuote(message)} >&2; exit 1; }`;

/** A MySQL identifier. */
export function sqlIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A MySQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The MySQL client in the mysql container, as root. The root password never
 * leaves the container: the client reads it from the container's own
 * MYSQL_ROOT_PASSWORD. mysql:8.4 has `mysql`, MariaDB `mariadb`.
 */
export function mysqlClient(database?: string): string {
  const inner = 'export MYSQL_PWD="$MYSQL_ROOT_PASSWORD"; exec "$(command -v mariadb || command -v mysql)" -uroot --batch --skip-column-names "$@"';
  return `docker compose exec -T mysql sh -c ${shellQuote(inner)} mysql-client${database === undefined ? '' : ` ${shellQuote(`--database=${database}`)}`}`;
}

/** SQL piped into the mysql container's client, from the deploy directory. */
export function mysqlStatements(sql: string): string {
  return `cd ${DEPLOY_DIR} && printf '%s\\n' ${shellQuote(sql)} | ${mysqlClient()}`;
}

/** How many base tables a database has (0 when it does not exist). */
function tableCount(database: string): string {
  return `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ${sqlString(database)}`;
}

/**
 * One atomic RENAME TABLE: every table of `database` to `outgoing`, every table
 * of `incoming` to `database`. With `unlessOutgoingHasTables`, it does nothing
 * when `outgoing` is not empty: used to undo a swap, it finds the restored
 * database still full when the swap never happened.
 */
export function swapTablesSql(database: string, incoming: string, outgoing: string, options: { unlessOutgoingHasTables?: boolean } = {}): string {
  const moves = (from: string, to: string) =>
    `SELECT GROUP_CONCAT(CONCAT(${sqlString(`${sqlIdentifier(from)}.`)}, '\`', REPLACE(table_name, '\`', '\`\`'), '\` TO ', ${sqlString(`${sqlIdentifier(to)}.`)}, '\`', REPLACE(table_name, '\`', '\`\`'), '\`') SEPARATOR ', ') FROM information_schema.tables WHERE table_schema = ${sqlString(from)} AND table_type = 'BASE TABLE'`;
  const guard = options.unlessOutgoingHasTables ? `(${tableCount(outgoing)}) > 0 OR ` : '';
  return [
    'SET SESSION group_concat_max_len = 1048576;',
    `SET @ttd_out = (${moves(database, outgoing)});`,
    `SET @ttd_in = (${moves(incoming, database)});`,
    `SET @ttd_swap = IF(${guard}(@ttd_out IS NULL AND @ttd_in IS NULL), 'DO 0', CONCAT('RENAME TABLE ', CONCAT_WS(', ', @ttd_out, @ttd_in)));`,
    'PREPARE ttd_swap FROM @ttd_swap;',
    'EXECUTE ttd_swap;',
    'DEALLOCATE PREPARE ttd_swap;',
  ].join('\n');
}

/** Checks, before anything is changed, that the backup is whole and no earlier restore left data behind. */
export function checkBackupCommand(target: RestoreTarget): string {
  const files = restoreFiles(target);
  const database = shellQuote(files.database);
  const lines = ['set -e', `cd ${BACKUP_DIR}`, `[ -f ${database} ] || ${fail(`storage/backup/${files.database} does not exist on the host`)}`];
  lines.push(`gzip -t ${database} 2>/dev/null || ${fail(`storage/backup/${files.database} is not a whole gzip file (corrupted or cut short)`)}`);
  if (target.driver === 'mysql') {
    lines.push(`gzip -dc ${database} | tail -n 1 | grep -q '^-- Dump completed' || ${fail(`storage/backup/${files.database} is not a complete mysqldump (its last line is not "-- Dump completed")`)}`);
  } else {
    lines.push(`[ "$(gzip -dc ${database} | head -c 15)" = 'SQLite format 3' ] || ${fail(`storage/backup/${files.database} does not hold a SQLite database`)}`);
  }
  if (target.withConfig) {
    const config = shellQuote(files.config);
    lines.push(
      `gzip -t ${config} 2>/dev/null && tar -tzf ${config} >/dev/null 2>&1 || ${fail(`storage/backup/${files.config} is not a readable tar.gz archive`)}`,
      `if tar -tzf ${config} | grep -v '^data/storage/' | grep -q .; then ${fail(`storage/backup/${files.config} holds paths outside data/storage/; it was not written by the backup job`)}; fi`,
      `if tar -tzf ${config} | grep -Eq '(^|/)\\.\\.(/|$)'; then ${fail(`storage/backup/${files.config} holds a path with ..`)}; fi`,
    );
  }
  const leftover = 'an earlier restore did not finish and its previous data is still in';
  if (target.driver === 'sqlite3') {
    const previous = shellQuote(`${SQLITE_DIR}/.ttd-previous-${target.databaseName}`);
    lines.push(`[ ! -e ${previous} ] || ${fail(`${leftover} ${SQLITE_DIR}/.ttd-previous-${target.databaseName}: move it back or remove it, then restore again`)}`);
  } else {
    lines.push(
      `n=$(${mysqlStatements(`${tableCount(MYSQL_PREVIOUS)};`)}) || ${fail('the MySQL server in the mysql container does not answer (is the stack running? ttd status)')}`,
      `[ "$n" = 0 ] || ${fail(`${leftover} the MySQL database ${MYSQL_PREVIOUS}: move its tables back or drop it, then restore again`)}`,
    );
  }
  lines.push(`[ ! -e ${RESTORE_WORK_DIR}/previous ] || ${fail(`${leftover} ${RESTORE_WORK_DIR}/previous: copy its files back under ${DEPLOY_DIR} or remove it, then restore again`)}`);
  return lines.join('\n');
}

/** The SQLite file, its staged copy and the place the current one is moved to. */
function sqlitePaths(databaseName: string) {
  return {
    live: `${SQLITE_DIR}/${databaseName}`,
    staged: `${SQLITE_DIR}/.ttd-restore-${databaseName}`,
    previous: `${SQLITE_DIR}/.ttd-previous-${databaseName}`,
    /** The staged copy as the backup container sees it (./storage is /data/storage there). */
    stagedInContainer: `/data/storage/tracker/lib/database/.ttd-restore-${databaseName}`,
  };
}

const SQLITE_COMPANIONS = ['', '-wal', '-shm', '-journal'];

export function stageDatabaseStep(target: RestoreTarget): RestoreStep {
  const dump = shellQuote(`${BACKUP_DIR}/${restoreFiles(target).database}`);
  if (target.driver === 'sqlite3') {
    const paths = sqlitePaths(target.databaseName);
    const [live, staged] = [shellQuote(paths.live), shellQuote(paths.staged)];
    const check = `${compose('--profile backup run --rm --no-deps -T --entrypoint sqlite3 backup')} ${shellQuote(`file:${paths.stagedInContainer}?immutable=1`)} 'PRAGMA integrity_check;'`;
    return {
      id: 'stage-database',
      title: `Unpack the SQLite copy next to ${target.databaseName} and check it`,
      command: [
        'set -e',
        `rm -f ${staged}`,
        `gzip -dc ${dump} > ${staged}`,
        `if [ -e ${live} ]; then chown --reference=${live} ${staged}; chmod --reference=${live} ${staged}; else chown 1000:1000 ${staged}; chmod 0644 ${staged}; fi`,
        'err=$(mktemp)',
        `result=$(${check} 2>"$err") || { cat "$err" >&2; rm -f "$err"; ${fail('sqlite3 (in the backup image) could not check the restored copy')}; }`,
        'rm -f "$err"',
        `result=$(printf '%s' "$result" | tr -d '\\r')`,
        `[ "$result" = ok ] || { echo "$result" | head -n 5 >&2; ${fail('the SQLite database in the backup fails its integrity check')}; }`,
      ].join('\n'),
      undo: `rm -f ${staged}`,
    };
  }
  const incoming = sqlIdentifier(MYSQL_INCOMING);
  const previous = sqlIdentifier(MYSQL_PREVIOUS);
  return {
    id: 'stage-database',
    title: `Load the dump into the MySQL database ${MYSQL_INCOMING} and check it`,
    command: [
      'set -e',
      mysqlStatements(`DROP DATABASE IF EXISTS ${incoming}; CREATE DATABASE ${incoming}; DROP DATABASE IF EXISTS ${previous}; CREATE DATABASE ${previous};`),
      // MariaDB's mysqldump starts with a line MySQL's client refuses ("enable the sandbox mode"); it changes nothing else.
      `gzip -dc ${dump} | sed '1{/enable the sandbox mode/d;}' | { cd ${DEPLOY_DIR} && ${mysqlClient(MYSQL_INCOMING)}; } || ${fail('the MySQL server refused the dump (its error is above)')}`,
      `echo "tables restored: $(${mysqlStatements(`${tableCount(MYSQL_INCOMING)};`)})"`,
    ].join('\n'),
    // The previous database is dropped only while it is empty: when its tables could not be moved back, they stay.
    undo: [
      `n=$(${mysqlStatements(`${tableCount(MYSQL_PREVIOUS)};`)})`,
      `if [ "$n" = 0 ]; then ${mysqlStatements(`DROP DATABASE IF EXISTS ${incoming}; DROP DATABASE IF EXISTS ${previous};`)}; else ${fail(`the MySQL database ${MYSQL_PREVIOUS} still holds the previous tables; it is kept`)}; fi`,
    ].join('\n'),
  };
}

export function stageConfigStep(target: RestoreTarget): RestoreStep {
  const archive = shellQuote(`${BACKUP_DIR}/${restoreFiles(target).config}`);
  return {
    id: 'stage-config',
    title: 'Unpack the config archive',
    command: ['set -e', `install -d -m 0700 ${RESTORE_WORK_DIR}`, `rm -rf ${RESTORE_WORK_DIR}/incoming`, `install -d -m 0700 ${RESTORE_WORK_DIR}/incoming`, `tar -xzf ${archive} -C ${RESTORE_WORK_DIR}/incoming`].join('\n'),
    undo: `[ -e ${RESTORE_WORK_DIR}/previous ] || rm -rf ${RESTORE_WORK_DIR}`,
  };
}

export function stopTrackerStep(target: RestoreTarget): RestoreStep {
  return {
    id: 'stop-tracker',
    title: 'Stop the tracker',
    command: compose('stop tracker'),
    undo: `${startTrackerCommand()}\n${waitHealthyCommand(target.healthWaitSeconds)}`,
  };
}

export function swapDatabaseStep(target: RestoreTarget): RestoreStep {
  if (target.driver === 'sqlite3') {
    const paths = sqlitePaths(target.databaseName);
    const [live, staged, previous] = [paths.live, paths.staged, paths.previous];
    return {
      id: 'swap-database',
      title: `Put the restored ${target.databaseName} in place (the current one is kept aside)`,
      command: [
        'set -e',
        `[ -e ${shellQuote(staged)} ] || ${fail('the staged copy is gone')}`,
        ...SQLITE_COMPANIONS.map((suffix) => `if [ -e ${shellQuote(live + suffix)} ]; then mv -f ${shellQuote(live + suffix)} ${shellQuote(previous + suffix)}; fi`),
        `mv -f ${shellQuote(staged)} ${shellQuote(live)}`,
      ].join('\n'),
      undo: [
        'set -e',
        `if [ -e ${shellQuote(previous)} ]; then`,
        ...SQLITE_COMPANIONS.map((suffix) => `  rm -f ${shellQuote(live + suffix)}; if [ -e ${shellQuote(previous + suffix)} ]; then mv -f ${shellQuote(previous + suffix)} ${shellQuote(live + suffix)}; fi`),
        'fi',
      ].join('\n'),
    };
  }
  return {
    id: 'swap-database',
    title: `Swap the restored tables into ${target.databaseName} (the current ones move to ${MYSQL_PREVIOUS})`,
    command: mysqlStatements(swapTablesSql(target.databaseName, MYSQL_INCOMING, MYSQL_PREVIOUS)),
    // Back: the restored tables return to the (empty) incoming database, the previous ones to their place;
    // when incoming still holds tables, the swap never happened and there is nothing to undo.
    undo: mysqlStatements(swapTablesSql(target.databaseName, MYSQL_PREVIOUS, MYSQL_INCOMING, { unlessOutgoingHasTables: true })),
  };
}

export function swapConfigStep(): RestoreStep {
  const work = RESTORE_WORK_DIR;
  return {
    id: 'swap-config',
    title: 'Put the restored config files in place (the current ones are kept aside)',
    command: [
      'set -e',
      `mkdir -p ${work}/previous`,
      `: > ${work}/created`,
      `cd ${work}/incoming/data`,
      'find storage -type f | while IFS= read -r f; do',
      `  t=${DEPLOY_DIR}/"$f"`,
      `  if [ -e "$t" ]; then mkdir -p ${work}/previous/"$(dirname "$f")"; cp -p "$t" ${work}/previous/"$f"; chown --reference="$t" "$f"; chmod --reference="$t" "$f";`,
      `  else mkdir -p "$(dirname "$t")"; echo "$f" >> ${work}/created; fi`,
      '  cp -p "$f" "$t.ttd-new"; mv -f "$t.ttd-new" "$t"',
      'done',
    ].join('\n'),
    undo: [
      'set -e',
      `[ -d ${work}/previous ] || exit 0`,
      `cd ${work}/previous`,
      `find storage -type f | while IFS= read -r f; do t=${DEPLOY_DIR}/"$f"; cp -p "$f" "$t.ttd-old"; mv -f "$t.ttd-old" "$t"; done`,
      `if [ -f ${work}/created ]; then while IFS= read -r f; do rm -f ${DEPLOY_DIR}/"$f"; done < ${work}/created; fi`,
      `rm -rf ${work}`,
    ].join('\n'),
  };
}

export function startTrackerCommand(): string {
  return compose('up --detach --no-deps tracker');
}

/**
 * Waits for Docker's health status of the tracker container: healthy (or running,
 * for an image without a health check) passes; unhealthy, restarting or exited
 * fails at once with the tracker's last log lines as the diagnosis.
 */
export function waitHealthyCommand(seconds: number): string {
  return [
    'waited=0',
    'while :; do',
    `  s=$(docker inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' tracker 2>/dev/null) || s='missing'`,
    '  case "$s" in',
    "    'running healthy'|'running none') echo \"tracker: $s\"; exit 0 ;;",
    "    'running unhealthy'|restarting*|exited*|dead*|missing) break ;;",
    '  esac',
    `  [ "$waited" -ge ${seconds} ] && break`,
    '  sleep 2; waited=$((waited + 2))',
    'done',
    `echo "the tracker did not become healthy within ${seconds} s (docker: $s)" >&2`,
    `echo '${DIAGNOSIS_MARKER} the tracker'"'"'s last log lines:' >&2`,
    `${compose('logs --no-color --no-log-prefix --tail 15 tracker')} 2>&1 | sed 's/^/    /' >&2`,
    'exit 1',
  ].join('\n');
}

export function startTrackerStep(): RestoreStep {
  return { id: 'start-tracker', title: 'Start the tracker', command: startTrackerCommand(), undo: compose('stop tracker') };
}

export function waitHealthyStep(target: RestoreTarget): RestoreStep {
  return { id: 'wait-healthy', title: 'Wait until the tracker is healthy', command: waitHealthyCommand(target.healthWaitSeconds) };
}

export function cleanUpStep(target: RestoreTarget): RestoreStep {
  const commands = [`rm -rf ${RESTORE_WORK_DIR}`];
  if (target.driver === 'sqlite3') {
    const paths = sqlitePaths(target.databaseName);
    commands.push(`rm -f ${SQLITE_COMPANIONS.map((suffix) => shellQuote(paths.previous + suffix)).join(' ')} ${shellQuote(paths.staged)}`);
  } else {
    commands.push(mysqlStatements(`DROP DATABASE IF EXISTS ${sqlIdentifier(MYSQL_PREVIOUS)}; DROP DATABASE IF EXISTS ${sqlIdentifier(MYSQL_INCOMING)};`));
  }
  return { id: 'clean-up', title: 'Remove the data the restore replaced', command: commands.join('\n'), afterCommit: true };
}

/**
 * Restore in order: check (nothing changed), stage (nothing live changed), stop
 * the tracker, swap, start, wait for health, clean up. A failure before the
 * clean-up runs the undo of every step that ran, the failed one included, last
 * first: the previous data goes back and the tracker is started again.
 */
export function restoreSteps(target: RestoreTarget): RestoreStep[] {
  return [
    { id: 'check-backup', title: `Check backup ${target.id}`, command: checkBackupCommand(target) },
    stageDatabaseStep(target),
    ...(target.withConfig ? [stageConfigStep(target)] : []),
    stopTrackerStep(target),
    swapDatabaseStep(target),
    ...(target.withConfig ? [swapConfigStep()] : []),
    startTrackerStep(),
    waitHealthyStep(target),
    cleanUpStep(target),
  ];
}
