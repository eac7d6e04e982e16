import { shellQuote } from '../../shell/quote.js';
import { BACKUP_ARCHIVES, parseBackupFilePath } from '../../stack/backup-files.js';
import { RESTIC_WRAPPER, SNAPSHOT_TAG } from '../../stack/backup-remote.js';
import { BACKUP_DIR } from './backup.js';

/**
 * The off-host side of backups ([backup.remote]): command lines run on the host
 * as root through ttd-restic (which reads the repository, password file and
 * credentials from root's 0600 files), built here and never run here.
 */

const restic = RESTIC_WRAPPER;
const idTag = (id: string) => `id:${id}`;

/** The repository's backup snapshots as restic's JSON; `[]` when the repository was never written to. */
export function listSnapshotsCommand(): string {
  return [
    'err=$(mktemp)',
    `if out=$(${restic} snapshots --json --no-lock --tag ${SNAPSHOT_TAG} 2>"$err"); then rm -f "$err"; printf '%s\\n' "$out"; exit 0; fi`,
    // A repository nothing was copied to yet is an empty list, not an error; anything else (unreachable, wrong password) is.
    `if grep -Eq 'Is there a repository|repository does not exist' "$err"; then rm -f "$err"; echo '[]'; exit 0; fi`,
    'cat "$err" >&2; rm -f "$err"; exit 1',
  ].join('\n');
}

export interface OffsiteBackup {
  /** The backup id (YYYYMMDD_HHMMSS) its files carry. */
  readonly id: string;
  /** restic's snapshot id. */
  readonly snapshot: string;
  readonly shortId: string;
  /** The environment whose host made it (restic's hostname). */
  readonly host: string;
  /** When the copy was made. */
  readonly at: Date;
  /** The backup's files, relative to the backup directory (sqlite/sqlite_<id>.db.gz). */
  readonly files: readonly { readonly kind: string; readonly path: string }[];
}

interface ResticSnapshot {
  readonly id?: unknown;
  readonly short_id?: unknown;
  readonly time?: unknown;
  readonly hostname?: unknown;
  readonly tags?: unknown;
  readonly paths?: unknown;
}

/** restic's `snapshots --json` as backups, newest first; snapshots this deployer did not make are left out. */
export function parseSnapshots(text: string): OffsiteBackup[] {
  const start = text.indexOf('[');
  if (start === -1) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start, text.lastIndexOf(']') + 1));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const backups: OffsiteBackup[] = [];
  for (const snapshot of parsed as ResticSnapshot[]) {
    const tags = Array.isArray(snapshot.tags) ? snapshot.tags.filter((tag): tag is string => typeof tag === 'string') : [];
    const id = tags.find((tag) => tag.startsWith('id:'))?.slice(3);
    if (id === undefined || typeof snapshot.id !== 'string' || typeof snapshot.time !== 'string') continue;
    const paths = Array.isArray(snapshot.paths) ? snapshot.paths.filter((path): path is string => typeof path === 'string') : [];
    const files = paths
      .map((path) => path.startsWith(`${BACKUP_DIR}/`) ? path.slice(BACKUP_DIR.length + 1) : path)
      .flatMap((path) => {
        const file = parseBackupFilePath(path);
        return file ? [{ kind: file.archive.kind, path }] : [];
      })
      .sort((a, b) => BACKUP_ARCHIVES.findIndex((archive) => archive.kind === a.kind) - BACKUP_ARCHIVES.findIndex((archive) => archive.kind === b.kind));
    backups.push({ id, snapshot: snapshot.id, shortId: typeof snapshot.short_id === 'string' ? snapshot.short_id : snapshot.id.slice(0, 8), host: typeof snapshot.hostname === 'string' ? snapshot.hostname : '', at: new Date(snapshot.time), files });
  }
  return backups.sort((a, b) => b.id.localeCompare(a.id) || b.at.getTime() - a.at.getTime());
}

/**
 * Puts the files of off-host backup `id` back under the backup directory: restic
 * restores the snapshot into a private directory beside it, the files are moved
 * into place, the directory removed. Files already there are kept as they are.
 */
export function fetchBackupCommand(id: string, snapshot: string | undefined): string {
  const selector = snapshot === undefined ? `latest --tag ${shellQuote(idTag(id))}` : shellQuote(snapshot);
  return [
    'set -e',
    `t=$(mktemp -d ${BACKUP_DIR}/.ttd-fetch.XXXXXX)`,
    'trap \'rm -rf "$t"\' EXIT',
    `${restic} restore ${selector} --target "$t"`,
    `found=0`,
    `for f in "$t"${BACKUP_DIR}/*/*; do [ -f "$f" ] || continue; kind=$(basename "$(dirname "$f")"); install -d -m 0750 ${BACKUP_DIR}/"$kind"; [ -e ${BACKUP_DIR}/"$kind"/"$(basename "$f")" ] || mv "$f" ${BACKUP_DIR}/"$kind"/; found=$((found + 1)); done`,
    `[ "$found" -gt 0 ] || { echo ${shellQuote(`the off-host snapshot of backup ${id} holds no backup files`)} >&2; exit 1; }`,
    `echo "fetched $found files of backup ${id} from the repository"`,
  ].join('\n');
}

/** `backup verify`: the repository's own check (structure and, with a data subset, contents). */
export function checkRepositoryCommand(): string {
  return `${restic} check --read-data-subset=10%`;
}

/** `backup verify`: the newest backup restored into a temporary directory, its files tested, the directory removed. */
export function testRestoreCommand(): string {
  return [
    'set -e',
    't=$(mktemp -d)',
    'trap \'rm -rf "$t"\' EXIT',
    `${restic} restore latest --tag ${SNAPSHOT_TAG} --target "$t" >/dev/null`,
    'n=0',
    'for f in $(find "$t" -type f -name \'*.gz\'); do gzip -t "$f" || { echo "$(basename "$f") is not a whole gzip file" >&2; exit 1; }; n=$((n + 1)); done',
    '[ "$n" -gt 0 ] || { echo \'the newest snapshot restored no backup files\' >&2; exit 1; }',
    `echo "test restore: $n files of $(find "$t" -type f -name '*.gz' -printf '%f\\n' | sed -n 's/.*_\\([0-9]\\{8\\}_[0-9]\\{6\\}\\)\\..*/\\1/p' | sort -u | tail -n 1) restored and readable"`,
  ].join('\n');
}
