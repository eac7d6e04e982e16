import type { CommandContext, CommandHandler } from '../cli/context.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { DeployerError } from '../domain/errors.js';
import { maskSecrets } from '../domain/mask-secrets.js';
import {
  backupIdFromOutput,
  groupBackups,
  listBackupsCommand,
  parseBackupListing,
  runBackupCommand,
  type Backup,
  type BackupFile,
} from '../remote/commands/backup.js';
import { addressFromConfig } from '../run/lifecycle.js';
import { lockWaitOf, withJsonResult } from '../run/session.js';
import { RemoteCommandError } from '../ssh/errors.js';
import type { SshSession } from '../ssh/session.js';
import { formatBytes, formatUtc } from '../status/format.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import { acquireLock, type HeldLock } from '../state/lock.js';
import { configFromRecord } from '../state/snapshot-config.js';
import { requireEnvironmentRecord } from '../state/store.js';
import { hostConnectOptions } from './host-access.js';

/** An environment a day-two command can reach: its config, secrets and address, and a way to open SSH to it. */
export interface ReachableEnvironment {
  readonly name: string;
  readonly record: EnvironmentRecord;
  readonly config: EnvironmentConfig;
  readonly secrets: readonly string[];
  readonly address: string;
  open(): Promise<SshSession>;
}

/**
 * The environment, refused unless it has backups configured and has been
 * deployed (reached running): the backup job and the stack must be on the host.
 */
export async function backupEnvironment(context: CommandContext, name: string, command: string): Promise<ReachableEnvironment> {
  const record = await requireEnvironmentRecord(context.workingDir, name);
  const { config, secrets } = configFromRecord(record, context.env);
  if (!config.backup) {
    throw new DeployerError('backup.not_configured', `Environment '${name}' has no [backup] section in its config, so there is no backup job on the host for ${command} to use`, {
      where: `data/${name}/environment.json ([backup])`,
      fix: `add a [backup] section to the config (ttd init --backup asks for one) and deploy it: ttd deploy envs/${name}.toml`,
    });
  }
  const address = record.instance.address ?? addressFromConfig(config);
  if (!address || record.reached !== 'running' || record.state === 'destroyed') {
    throw new DeployerError('environment.wrong_state', `${command} needs a deployed, running environment; '${name}' is ${record.state}${address ? '' : ' and has no instance address yet'}`, {
      where: `data/${name}/environment.json`,
      fix: `ttd deploy ${name}`,
    });
  }
  const open = async () => {
    const { SshSession } = await import('../ssh/session.js');
    return SshSession.open(hostConnectOptions(context, config, record, address, secrets));
  };
  return { name, record, config, secrets, address, open };
}

/** The backups on the host, newest first. */
export async function listBackups(session: SshSession): Promise<Backup[]> {
  return groupBackups(parseBackupListing((await session.sudo(listBackupsCommand())).stdout));
}

export async function withLock<T>(context: CommandContext, name: string, command: string, lockWaitSeconds: number, body: (lock: HeldLock) => Promise<T>): Promise<T> {
  const lock = await acquireLock(context.workingDir, name, { command, waitSeconds: lockWaitSeconds });
  try {
    return await body(lock);
  } finally {
    await lock.release();
  }
}

export function backupJson(backup: Backup): Record<string, unknown> {
  return {
    id: backup.id,
    at: backup.at.toISOString(),
    size_bytes: backup.sizeBytes,
    files: backup.files.map((file) => ({ kind: file.kind, path: `storage/backup/${file.path}`, size_bytes: file.sizeBytes })),
  };
}

function filesText(files: readonly BackupFile[], indent: string): string[] {
  const width = Math.max(...files.map((file) => file.path.length));
  return files.map((file) => `${indent}${`storage/backup/${file.path}`.padEnd(width + 'storage/backup/'.length)}  ${formatBytes(file.sizeBytes).padStart(9)}`);
}

/** `backup list`'s text: one block per backup, newest first. */
export function backupListText(name: string, backups: readonly Backup[]): string {
  if (backups.length === 0) return `No backups of '${name}' on the host yet (ttd backup ${name} makes one now)`;
  const lines = [`${backups.length} backup${backups.length === 1 ? '' : 's'} of '${name}' on the host, newest first:`];
  for (const backup of backups) {
    lines.push('', `${backup.id}  ${formatUtc(backup.at.getTime())}  ${formatBytes(backup.sizeBytes)}`, ...filesText(backup.files, '  '));
  }
  lines.push('', `Restore one with: ttd restore ${name} --from ID`);
  return lines.join('\n');
}

/**
 * `backup ENV`: runs the backup job now (the script the cron job runs, as root)
 * and reports the files it wrote, found by listing the backup directory before
 * and after. `backup list ENV`: the backups on the host, grouped by id.
 */
const backup: CommandHandler = async (context, input) => {
  const listing = input.command === 'backup list';
  return withJsonResult(context, input.command, async (json) => {
    const name = input.args['env'] ?? '';
    const lockWaitSeconds = listing ? 0 : lockWaitOf(input);
    const environment = await backupEnvironment(context, name, listing ? 'backup list' : 'backup');

    if (context.dryRun) {
      const commands = listing ? [listBackupsCommand()] : [listBackupsCommand(), runBackupCommand(), listBackupsCommand()];
      json?.line({ type: 'result', ok: true, exit_code: 0, command: input.command, dry_run: true, environment: name, instance_ip: environment.address, remote_commands: commands });
      context.output.result([`Would run on ${environment.address} as root:`, ...commands.map((command) => `  ${command}`)].join('\n'));
      return 0;
    }

    if (listing) {
      const session = await environment.open();
      try {
        const backups = await listBackups(session);
        json?.line({ type: 'result', ok: true, exit_code: 0, command: 'backup list', environment: name, backups: backups.map(backupJson) });
        context.output.result(backupListText(name, backups));
        return 0;
      } finally {
        await session.close();
      }
    }

    return withLock(context, name, 'backup', lockWaitSeconds, async () => {
      const session = await environment.open();
      try {
        const before = new Set(parseBackupListing((await session.sudo(listBackupsCommand())).stdout).map((file) => `${file.path} ${file.sizeBytes}`));
        context.output.info(`Running the backup job on ${environment.address} (${runBackupCommand()})…`);
        const output: string[] = [];
        try {
          await session.sudo(runBackupCommand(), {
            onLine: (_stream, line) => {
              output.push(line);
              context.output.detail(`  ${line}`);
            },
          });
        } catch (error) {
          if (!(error instanceof RemoteCommandError)) throw error;
          const tail = error.stderrTail.length > 0 ? error.stderrTail : output.slice(-10);
          throw new DeployerError('backup.failed', `The backup job on ${environment.address} ${error.exitStatus === null ? 'was killed' : `exited with status ${error.exitStatus}`}${tail.length > 0 ? `: ${tail.at(-1)}` : ''}`, {
            where: `${environment.address}:${runBackupCommand()}`,
            fix: `run it again with -v to see all of the job's output (or on the host: sudo ${runBackupCommand()}); ttd status ${name} shows whether the database is up`,
            data: { exit_status: error.exitStatus, stderr_tail: tail.map((line) => maskSecrets(line, environment.secrets)) },
          });
        }
        const after = parseBackupListing((await session.sudo(listBackupsCommand())).stdout);
        const fresh = after.filter((file) => !before.has(`${file.path} ${file.sizeBytes}`));
        const id = backupIdFromOutput(output.join('\n')) ?? fresh.map((file) => file.id).sort().at(-1);
        const made = groupBackups(after).find((candidate) => candidate.id === id);
        if (!made) {
          throw new DeployerError('backup.failed', `The backup job on ${environment.address} ended well but no new file appeared under /opt/torrust/storage/backup`, {
            where: environment.address,
            fix: `run it again with -v to see the job's output; check /opt/torrust/storage/backup/etc/backup.conf on the host`,
          });
        }
        json?.line({ type: 'result', ok: true, exit_code: 0, command: 'backup', environment: name, ...backupJson(made) });
        context.output.success(`Backup ${made.id} of '${name}' done: ${made.files.length} file${made.files.length === 1 ? '' : 's'}, ${formatBytes(made.sizeBytes)}`);
        context.output.result([`${made.id}  ${formatUtc(made.at.getTime())}  ${formatBytes(made.sizeBytes)}`, ...filesText(made.files, '  '), `Restore it with: ttd restore ${name} --from ${made.id}`].join('\n'));
        return 0;
      } finally {
        await session.close();
      }
    });
  });
};

export default backup;
