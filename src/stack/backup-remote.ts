import { z } from 'zod';
import { validated } from '../config/schema-parts.js';
import { repositoryKind } from './backup-repository.js';

/**
 * `[backup.remote]`: the off-host copy of every backup, in a restic repository the
 * host reaches (SFTP, restic's REST server, S3). restic encrypts with `password`
 * before anything leaves the host.
 */

export { parseSftpRepository, REMOTE_PASSWORD_VARIABLE, repositoryKind, type RepositoryKind, type SftpTarget } from './backup-repository.js';

const REPOSITORY_FIX = 'write sftp:user@host:/path, rest:https://host:8000/path or s3:https://endpoint/bucket (restic\'s repository syntax)';

function repositoryProblem(value: string): string | undefined {
  const kind = repositoryKind(value);
  return kind === 'sftp' || kind === 'rest' || kind === 's3' ? undefined : kind;
}

const keep = (what: string) => z.number().int().min(1, `${what} must be at least 1`).optional();

export const DEFAULT_REMOTE_RETENTION = { keep_daily: 7, keep_weekly: 4, keep_monthly: 6 } as const;

export const BackupRemoteRetention = z.strictObject({
  keep_daily: keep('keep_daily').describe('Daily snapshots to keep (restic forget --keep-daily).'),
  keep_weekly: keep('keep_weekly').describe('Weekly snapshots to keep (restic forget --keep-weekly).'),
  keep_monthly: keep('keep_monthly').describe('Monthly snapshots to keep (restic forget --keep-monthly).'),
}).describe('How many off-host snapshots restic keeps after each backup (restic forget --prune). Defaults: 7 daily, 4 weekly, 6 monthly.');

/** Variable names restic (and the S3/REST clients inside it) read from its environment. */
const CREDENTIAL_NAME = /^[A-Z][A-Z0-9_]*$/;

export const BackupRemoteSection = z.strictObject({
  repository: validated(repositoryProblem, 'backup.remote.repository', REPOSITORY_FIX)
    .describe('The restic repository backups are copied to: sftp:user@host:/path, rest:https://host:8000/path or s3:https://endpoint/bucket. A user:password in a rest: URL is best a ${VAR}.'),
  password: z.string().min(1, 'backup.remote.password must not be empty').describe('The repository\'s encryption password (restic). Write it as a ${VAR}: whoever has it and the repository can read every backup; without it, no backup can be restored.'),
  ssh_private_key_path: z.string().min(1).optional().describe('For an sftp: repository: the private key (on this machine) the host logs in to the repository server with; uploaded to the host with mode 0600.'),
  credentials: z.record(z.string().regex(CREDENTIAL_NAME, 'credential names are environment variable names such as AWS_ACCESS_KEY_ID'), z.string()).optional()
    .describe('Environment variables restic needs for the repository, such as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for s3:; values best written as ${VAR}. They reach the host in a 0600 file.'),
  retention: BackupRemoteRetention.optional(),
}).describe('Copy every backup off the host, encrypted, to a restic repository; survives the server.');

export type BackupRemote = z.infer<typeof BackupRemoteSection>;

/** The retention with the defaults filled in. */
export function remoteRetention(remote: BackupRemote): { keep_daily: number; keep_weekly: number; keep_monthly: number } {
  return { ...DEFAULT_REMOTE_RETENTION, ...Object.fromEntries(Object.entries(remote.retention ?? {}).filter(([, value]) => value !== undefined)) };
}

/** Secrets of the remote besides its password: credential values and a password inside a rest:/s3: URL. */
export function remoteExtraSecrets(remote: BackupRemote | undefined): string[] {
  if (remote === undefined) return [];
  const values = Object.values(remote.credentials ?? {});
  const url = /^(?:rest|s3):(.*)$/.exec(remote.repository)?.[1];
  if (url !== undefined) {
    try {
      const password = decodeURIComponent(new URL(url).password);
      if (password !== '') values.push(password, new URL(url).password);
    } catch {
      // not a URL: validation reports it
    }
  }
  return values.filter((value) => value !== '' && value !== 'unset-variable');
}

/** Where the repository's settings live on the host: root's only (0700 directory, 0600 files). */
export const RESTIC_DIR = '/etc/torrust/restic';
export const RESTIC_ENV_FILE = `${RESTIC_DIR}/env`;
export const RESTIC_PASSWORD_FILE = `${RESTIC_DIR}/password`;
export const RESTIC_SSH_KEY_FILE = `${RESTIC_DIR}/ssh_key`;
export const RESTIC_SSH_CONFIG_FILE = `${RESTIC_DIR}/ssh_config`;
/** restic with the repository's settings: every off-host command on the host runs through it. */
export const RESTIC_WRAPPER = '/usr/local/bin/ttd-restic';
/** The newest off-host copy (`<epoch> <backup id>`) and the last failed one (`<epoch> <backup id>`), for status. */
export const OFFSITE_STATE_DIR = '/var/lib/torrust/offsite';
export const OFFSITE_LAST_FILE = `${OFFSITE_STATE_DIR}/last`;
export const OFFSITE_FAILED_FILE = `${OFFSITE_STATE_DIR}/failed`;
/** Every snapshot a backup makes carries this tag, and `id:<backup id>`. */
export const SNAPSHOT_TAG = 'ttd-backup';
