/**
 * The backup file-name contract, in one place: backup.sh writes these names,
 * `backup list` and `restore` parse and pick them, `status` finds the newest.
 * A backup is the files of one run, all stamped YYYYMMDD_HHMMSS (UTC):
 * <kind>/<kind>_<stamp>.<extension>, one database dump and one config archive.
 */
import { DATABASES } from './databases.js';

export interface BackupArchive {
  readonly kind: string;
  readonly extension: string;
}

export const CONFIG_ARCHIVE: BackupArchive = { kind: 'config', extension: 'tar.gz' };

/** Every kind of file a backup holds: each database's dump, then the config archive. */
export const BACKUP_ARCHIVES: readonly BackupArchive[] = [...DATABASES.map((database) => database.dump), CONFIG_ARCHIVE];

/** A backup id is the stamp backup.sh gives every file of one run: YYYYMMDD_HHMMSS (UTC). */
export const BACKUP_ID = /^\d{8}_\d{6}$/;

/** Relative to the backup directory: sqlite/sqlite_20250601_030000.db.gz. `stamp` may be a shell expression. */
export function backupFilePath(archive: BackupArchive, stamp: string): string {
  return `${archive.kind}/${archive.kind}_${stamp}.${archive.extension}`;
}

/** The archive and stamp of a backup file path; undefined for any other file (a stray file someone left). */
export function parseBackupFilePath(path: string): { archive: BackupArchive; stamp: string } | undefined {
  for (const archive of BACKUP_ARCHIVES) {
    const [head, tail] = backupFilePath(archive, '\n').split('\n') as [string, string];
    const stamp = path.startsWith(head) && path.endsWith(tail) ? path.slice(head.length, path.length - tail.length) : '';
    if (BACKUP_ID.test(stamp)) return { archive, stamp };
  }
  return undefined;
}
