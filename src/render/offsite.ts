import type { EnvironmentConfig } from '../config/schema.js';
import {
  OFFSITE_FAILED_FILE,
  OFFSITE_LAST_FILE,
  OFFSITE_STATE_DIR,
  remoteRetention,
  repositoryKind,
  RESTIC_DIR,
  RESTIC_ENV_FILE,
  RESTIC_PASSWORD_FILE,
  RESTIC_SSH_CONFIG_FILE,
  RESTIC_SSH_KEY_FILE,
  RESTIC_WRAPPER,
  SNAPSHOT_TAG,
  type BackupRemote,
} from '../stack/backup-remote.js';
import { BACKUP_DIR } from '../remote/steps/backup.js';
import type { CommentSyntax, PendingHeader } from './header.js';
import { shellQuote } from '../shell/quote.js';
import { renderTemplate } from './template.js';

/** The files of `[backup.remote]`: restic's wrapper, its 0600 settings and, for sftp:, the key and ssh config. */

type Add = (path: string, mode: number, syntax: CommentSyntax | undefined, drivenBy: readonly string[], body: (head: PendingHeader) => string, owner?: string) => void;

const SECRET = 0o600;
const PUBLIC = 0o644;
const EXECUTABLE = 0o755;
const rel = (path: string) => path.slice(1);

export function addRemoteFiles(remote: BackupRemote, add: Add, sshKey: string | undefined): void {
  const sftp = repositoryKind(remote.repository) === 'sftp';
  add(rel(RESTIC_WRAPPER), EXECUTABLE, '#', ['backup.remote'], (head) =>
    renderTemplate('ttd-restic', { header: head, envFile: RESTIC_ENV_FILE, sshConfig: sftp ? RESTIC_SSH_CONFIG_FILE : undefined, sh: shellQuote }),
  );
  add(rel(RESTIC_ENV_FILE), SECRET, '#', ['backup.remote.repository', 'backup.remote.credentials'], (head) =>
    renderTemplate('restic.env', {
      header: head,
      wrapper: RESTIC_WRAPPER,
      repository: remote.repository,
      passwordFile: RESTIC_PASSWORD_FILE,
      credentials: Object.entries(remote.credentials ?? {}).sort(([a], [b]) => a.localeCompare(b)),
      sh: shellQuote,
    }),
  );
  // restic reads the whole file as the password (trailing newline trimmed): no header.
  add(rel(RESTIC_PASSWORD_FILE), SECRET, undefined, [], () => `${remote.password}\n`);
  if (sftp) {
    add(rel(RESTIC_SSH_CONFIG_FILE), PUBLIC, '#', ['backup.remote.repository'], (head) =>
      renderTemplate('restic-ssh-config', { header: head, keyFile: RESTIC_SSH_KEY_FILE, knownHosts: `${RESTIC_DIR}/known_hosts` }),
    );
    if (remote.ssh_private_key_path !== undefined) {
      // A private key has no comment syntax: no header.
      add(rel(RESTIC_SSH_KEY_FILE), SECRET, undefined, [], () => `${sshKey?.trim() || `REPLACE_WITH_THE_CONTENTS_OF ${remote.ssh_private_key_path}`}\n`);
    }
  }
}

/** How long the backup job waits for the repository to answer before the copy counts as failed. */
export const REPOSITORY_PROBE_SECONDS = 60;

/** What maintenance-backup.sh needs to copy a backup off the host; `remote: false` without [backup.remote]. */
export function offsiteScriptValues(config: EnvironmentConfig): Record<string, unknown> {
  const remote = config.backup?.remote;
  if (remote === undefined) return { remote: false };
  const retention = remoteRetention(remote);
  return {
    remote: true,
    restic: RESTIC_WRAPPER,
    environment: config.environment.name,
    tag: SNAPSHOT_TAG,
    backupDir: BACKUP_DIR,
    stateDir: OFFSITE_STATE_DIR,
    lastFile: OFFSITE_LAST_FILE,
    failedFile: OFFSITE_FAILED_FILE,
    probeSeconds: REPOSITORY_PROBE_SECONDS,
    retentionFlags: `--keep-daily ${retention.keep_daily} --keep-weekly ${retention.keep_weekly} --keep-monthly ${retention.keep_monthly}`,
    retentionText: `${retention.keep_daily} daily, ${retention.keep_weekly} weekly, ${retention.keep_monthly} monthly`,
    sh: shellQuote,
  };
}
