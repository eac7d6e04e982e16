import { DEPLOY_DIR } from '../remote/steps/step.js';
import { BACKUP_ARCHIVES } from '../stack/backup-files.js';
import { OFFSITE_FAILED_FILE, OFFSITE_LAST_FILE } from '../stack/backup-remote.js';
import { parseComposePs, type ComposeContainer } from './compose-ps.js';
import { parseUtcOffset } from './cron-next.js';

/**
 * Everything `status` asks the host, in one read-only shell script run in one SSH
 * round trip per refresh: the clock, `docker compose ps`, the tracker container's
 * addresses (for the SSH-forwarded stats fallback) and the newest backup file.
 * Each part is introduced by a marker line, so one failing part leaves the others readable.
 */

const MARK = '@@ttd-status';
const BACKUP_DIRS = BACKUP_ARCHIVES.map((archive) => `storage/backup/${archive.kind}`);

export function hostProbeScript(deployDir = DEPLOY_DIR): string {
  const find = `find ${BACKUP_DIRS.join(' ')} -type f -printf '%T@ %s %p\\n' 2>/dev/null`;
  return [
    `echo '${MARK} clock'; date '+%s %z'`,
    `cd ${deployDir} 2>/dev/null || { echo '${MARK} no-deploy-dir'; exit 0; }`,
    `echo '${MARK} ps'; docker compose ps --all --format json 2>&1; echo "${MARK} ps-exit $?"`,
    `echo '${MARK} tracker-ip'; id=$(docker compose ps -q tracker 2>/dev/null); [ -n "$id" ] && docker inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$id" 2>/dev/null`,
    // The backup files belong to root (written by the backup container); sudo -n when it is allowed.
    `echo '${MARK} backup'; { sudo -n ${find} || ${find}; } | sort -n | tail -n 1`,
    // The last off-host copy and the last failed one ([backup.remote]): "<epoch> <backup id>", world-readable.
    `echo '${MARK} offsite'; cat ${OFFSITE_LAST_FILE} 2>/dev/null`,
    `echo '${MARK} offsite-failed'; cat ${OFFSITE_FAILED_FILE} 2>/dev/null`,
    `echo '${MARK} end'`,
  ].join('\n');
}

export interface BackupFile {
  readonly at: Date;
  readonly sizeBytes: number;
  /** Relative to the deploy directory, for example storage/backup/sqlite/sqlite_20250101_030000.db.gz. */
  readonly path: string;
}

export interface HostProbe {
  /** The host's clock and UTC offset in minutes, when `date` answered. */
  readonly clock: { readonly at: Date; readonly utcOffsetMinutes: number } | undefined;
  /** False when /opt/torrust does not exist: nothing was released yet. */
  readonly deployed: boolean;
  readonly containers: readonly ComposeContainer[];
  /** Why the containers are unknown (docker missing, compose failing), when they are. */
  readonly composeError: string | undefined;
  readonly trackerAddresses: readonly string[];
  readonly lastBackup: BackupFile | undefined;
  /** The last off-host copy and the last failed one, from the backup job's records. */
  readonly offsite: { readonly last: OffsiteCopy | undefined; readonly failed: OffsiteCopy | undefined };
}

export interface OffsiteCopy {
  readonly at: Date;
  readonly id: string;
}

/** `<epoch seconds> <backup id>`, as maintenance-backup.sh writes it. */
export function parseOffsiteLine(line: string): OffsiteCopy | undefined {
  const match = /^(\d+)\s+(\d{8}_\d{6})$/.exec(line.trim());
  return match ? { at: new Date(Number(match[1]) * 1000), id: match[2]! } : undefined;
}

export function parseHostProbe(output: string): HostProbe {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  let psExit: number | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith(`${MARK} `)) {
      const [name = '', value] = line.slice(MARK.length + 1).trim().split(' ');
      if (name === 'ps-exit') {
        psExit = Number(value);
        current = undefined;
        continue;
      }
      current = [];
      sections.set(name, current);
      continue;
    }
    current?.push(line);
  }
  const text = (name: string) => (sections.get(name) ?? []).join('\n').trim();

  const [seconds, offset] = text('clock').split(/\s+/);
  const utcOffsetMinutes = parseUtcOffset(offset ?? '');
  const clock = seconds && /^\d+$/.test(seconds) && utcOffsetMinutes !== undefined ? { at: new Date(Number(seconds) * 1000), utcOffsetMinutes } : undefined;
  const deployed = !sections.has('no-deploy-dir');

  let containers: ComposeContainer[] = [];
  let composeError: string | undefined;
  if (!deployed) {
    composeError = `${DEPLOY_DIR} does not exist on the host (nothing released yet)`;
  } else if (!sections.has('ps')) {
    composeError = 'the host did not run docker compose ps';
  } else if (psExit !== 0) {
    const lines = text('ps').split('\n').filter((line) => line.trim() !== '');
    composeError = `docker compose ps failed (exit ${psExit ?? 'unknown'}): ${lines.at(-1) ?? 'no output'}`;
  } else {
    try {
      containers = parseComposePs(text('ps'));
    } catch (error) {
      composeError = `docker compose ps answered something unreadable: ${(error as Error).message}`;
    }
  }

  return {
    clock,
    deployed,
    containers,
    composeError,
    trackerAddresses: text('tracker-ip').split(/\s+/).filter((address) => /^[0-9a-f.:]+$/i.test(address)),
    lastBackup: parseBackupLine(text('backup')),
    offsite: { last: parseOffsiteLine(text('offsite')), failed: parseOffsiteLine(text('offsite-failed')) },
  };
}

/** A `find -printf '%T@ %s %p'` line: mtime with fraction, size, path. */
export function parseBackupLine(line: string): BackupFile | undefined {
  const match = /^(\d+)(?:\.\d+)?\s+(\d+)\s+(.+)$/.exec(line.trim());
  if (!match) return undefined;
  return { at: new Date(Number(match[1]) * 1000), sizeBytes: Number(match[2]), path: (match[3] ?? '').replace(/^\.\//, '') };
}
