import { shellQuote } from '../../render/quote.js';
import { BACKUP_ARCHIVES, BACKUP_ID, backupFilePath, CONFIG_ARCHIVE, parseBackupFilePath } from '../../stack/backup-files.js';
import { databaseModule } from '../../stack/databases.js';
import { compose, fail } from '../../stack/restore-shell.js';
import type { DatabaseRestoreTarget } from '../../stack/types.js';
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
  readonly driver: string;
  /** The SQLite file name, or the server database's name. */
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

/** What the database's module needs to restore this backup. */
function databaseTarget(target: RestoreTarget): DatabaseRestoreTarget {
  const dumpFile = restoreFiles(target).database;
  return { id: target.id, databaseName: target.databaseName, dumpFile, dumpPath: `${BACKUP_DIR}/${dumpFile}` };
}

/** Checks, before anything is changed, that the backup is whole and no earlier restore left data behind. */
export function checkBackupCommand(target: RestoreTarget): string {
  const files = restoreFiles(target);
  const database = shellQuote(files.database);
  const lines = ['set -e', `cd ${BACKUP_DIR}`, `[ -f ${database} ] || ${fail(`storage/backup/${files.database} does not exist on the host`)}`];
  const { restore } = databaseModule(target.driver);
  lines.push(...restore.checkDump(databaseTarget(target)));
  if (target.withConfig) {
    const config = shellQuote(files.config);
    lines.push(
      `gzip -t ${config} 2>/dev/null && tar -tzf ${config} >/dev/null 2>&1 || ${fail(`storage/backup/${files.config} is not a readable tar.gz archive`)}`,
      `if tar -tzf ${config} | grep -v '^data/storage/' | grep -q .; then ${fail(`storage/backup/${files.config} holds paths outside data/storage/; it was not written by the backup job`)}; fi`,
      `if tar -tzf ${config} | grep -Eq '(^|/)\\.\\.(/|$)'; then ${fail(`storage/backup/${files.config} holds a path with ..`)}; fi`,
    );
  }
  lines.push(...restore.checkLeftovers(databaseTarget(target)));
  lines.push(`[ ! -e ${RESTORE_WORK_DIR}/previous ] || ${fail(`an earlier restore did not finish and its previous data is still in ${RESTORE_WORK_DIR}/previous: copy its files back under ${DEPLOY_DIR} or remove it, then restore again`)}`);
  return lines.join('\n');
}

export function stageDatabaseStep(target: RestoreTarget): RestoreStep {
  return { id: 'stage-database', ...databaseModule(target.driver).restore.stage(databaseTarget(target)) };
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
  return { id: 'swap-database', ...databaseModule(target.driver).restore.swap(databaseTarget(target)) };
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

/** Where the previous data stays when putting it back failed (restore's error names it). */
export function keptDatabaseWhere(target: RestoreTarget): string {
  return databaseModule(target.driver).restore.keptWhere(databaseTarget(target));
}

export function cleanUpStep(target: RestoreTarget): RestoreStep {
  const commands = [`rm -rf ${RESTORE_WORK_DIR}`, databaseModule(target.driver).restore.cleanUp(databaseTarget(target))];
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
