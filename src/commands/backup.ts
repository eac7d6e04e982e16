import type { CommandContext, CommandHandler } from '../cli/context.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { DeployerError } from '../domain/errors.js';
import { backupListPlan, backupPlan, LIST_AFTER_BACKUP_STEP, LIST_BACKUPS_STEP, LIST_OFFSITE_STEP, RUN_BACKUP_STEP } from '../plan/day-two.js';
import { parseSnapshots, type OffsiteBackup } from '../remote/steps/offsite.js';
import { backupIdFromOutput, groupBackups, parseBackupListing, runBackupCommand, type Backup, type BackupFile } from '../remote/steps/backup.js';
import { BUILT_IN } from '../run/implementations.js';
import { addressFromConfig } from '../domain/instance-address.js';
import { knownCause, outputOf, runOperation, runReadPlan } from '../run/operation.js';
import { printDryRun } from '../run/plan-command.js';
import type { RemoteConnector } from '../run/ports.js';
import { preflight } from '../run/preflight.js';
import { lockWaitOf, withJsonResult } from '../run/session.js';
import { formatBytes, formatUtc } from '../status/format.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import { configFromRecord } from '../state/snapshot-config.js';
import { requireEnvironmentRecord } from '../state/store.js';
import { hasReachedRunning } from '../domain/states.js';

/** How long a day-two command keeps trying to reach SSH: the host is up, so not long. */
export const DAY_TWO_CONNECT_DEADLINE_MS = 30_000;

/** An environment a day-two command can reach: its config, secrets and address, and the connector to its host. */
export interface ReachableEnvironment {
  readonly name: string;
  readonly record: EnvironmentRecord;
  readonly config: EnvironmentConfig;
  readonly secrets: readonly string[];
  readonly address: string;
  readonly connect: RemoteConnector | undefined;
}

/**
 * The environment, refused unless it has backups configured, has been deployed
 * (reached running: the backup job and the stack must be on the host), its SSH key
 * can be used and, for a command that takes the lock, no one holds it. The dry run
 * checks the same, so it fails as the real command would.
 */
export async function backupEnvironment(context: CommandContext, name: string, command: string, lock: { readonly waitSeconds: number } | undefined): Promise<ReachableEnvironment> {
  const record = await requireEnvironmentRecord(context.workingDir, name);
  const { config, secrets } = configFromRecord(record, context.env);
  if (!config.backup) {
    throw new DeployerError('backup.not_configured', `Environment '${name}' has no [backup] section in its config, so there is no backup job on the host for ${command} to use`, {
      where: `data/${name}/environment.json ([backup])`,
      fix: `add a [backup] section to the config (ttd init --backup asks for one) and deploy it: ttd deploy envs/${name}.toml`,
    });
  }
  const address = record.instance.address ?? addressFromConfig(config);
  if (!address || !hasReachedRunning(record)) {
    throw new DeployerError('environment.wrong_state', `${command} needs a deployed, running environment; '${name}' is ${record.state}${address ? '' : ' and has no instance address yet'}`, {
      where: `data/${name}/environment.json`,
      fix: `ttd deploy ${name}`,
    });
  }
  await preflight(context.workingDir, name, config, context.env, lock);
  const connect = BUILT_IN.connect(config, record, { connectDeadlineMs: DAY_TWO_CONNECT_DEADLINE_MS });
  return { name, record, config, secrets, address, connect };
}

/** The backups on the host, newest first, read by a read plan (no lock). */
export async function listBackups(context: CommandContext, environment: ReachableEnvironment): Promise<Backup[]> {
  return (await listAllBackups(context, environment, false)).local;
}

/** The backups on the host and, when `offsite` (the config has [backup.remote]), in the repository; newest first. */
export async function listAllBackups(context: CommandContext, environment: ReachableEnvironment, offsite: boolean): Promise<{ local: Backup[]; offsite: OffsiteBackup[] }> {
  const listing = outputOf(LIST_BACKUPS_STEP);
  const snapshots = outputOf(LIST_OFFSITE_STEP);
  const tap = (event: Parameters<typeof listing.tap>[0]) => [listing, snapshots].forEach((output) => output.tap(event));
  const { result } = await runReadPlan(context, { environment: environment.name, secrets: environment.secrets, connect: environment.connect, address: environment.address, plan: backupListPlan(environment.name, offsite), tap });
  if (result.outcome === 'interrupted') throw new DeployerError('interrupted', 'Stopped by Ctrl-C while listing the backups');
  if (result.outcome === 'failed') {
    const cause = knownCause(result.cause);
    if (cause) throw cause;
    if (result.step.id === LIST_OFFSITE_STEP) {
      const tail = (result.output ?? []).filter((line) => line.trim() !== '');
      throw new DeployerError('backup.remote_failed', `Listing the off-host repository from ${environment.address} failed: ${tail.at(-1) ?? result.error}`, {
        where: 'backup.remote.repository',
        fix: `check that the repository is reachable from the host and the password is right (on the host: sudo ttd-restic snapshots); ttd backup verify ${environment.name} checks it`,
        data: { stderr_tail: tail.slice(-10) },
      });
    }
    throw new DeployerError('ssh.command_failed', `Listing the backups on ${environment.address} failed: ${result.error}`, { where: environment.address, fix: `check that the stack was deployed (ttd status ${environment.name})` });
  }
  return { local: groupBackups(parseBackupListing(listing.lines.join('\n'))), offsite: offsite ? parseSnapshots(snapshots.lines.join('\n')) : [] };
}

export function offsiteJson(backup: OffsiteBackup): Record<string, unknown> {
  return { id: backup.id, at: backup.at.toISOString(), snapshot: backup.shortId, host: backup.host, files: backup.files.map((file) => ({ kind: file.kind, path: file.path })) };
}

/** The off-host part of `backup list`'s text. */
export function offsiteListText(name: string, backups: readonly OffsiteBackup[]): string {
  if (backups.length === 0) return `No backups of '${name}' in the off-host repository yet (the next backup copies one there)`;
  const lines = [`${backups.length} backup${backups.length === 1 ? '' : 's'} in the off-host repository, newest first:`, ''];
  for (const backup of backups) lines.push(`${backup.id}  copied ${formatUtc(backup.at.getTime())}  snapshot ${backup.shortId}  from ${backup.host}  ${backup.files.map((file) => file.kind).join(' + ')}`);
  lines.push('', `Restore one with: ttd restore ${name} --from ID (fetched from the repository when the host no longer has it)`);
  return lines.join('\n');
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
 * and after. `backup list ENV`: the backups on the host, grouped by id (a read: no lock).
 */
const backup: CommandHandler = async (context, input) => {
  const listing = input.command === 'backup list';
  return withJsonResult(context, input.command, async (json) => {
    const name = input.args['env'] ?? '';
    const lockWaitSeconds = listing ? 0 : lockWaitOf(input);
    const environment = await backupEnvironment(context, name, listing ? 'backup list' : 'backup', listing ? undefined : { waitSeconds: lockWaitSeconds });

    const offsite = environment.config.backup?.remote !== undefined;
    if (context.dryRun) return printDryRun(context, listing ? backupListPlan(name, offsite) : backupPlan(name));

    if (listing) {
      const backups = await listAllBackups(context, environment, offsite);
      json?.line({ type: 'result', ok: true, exit_code: 0, command: 'backup list', environment: name, backups: backups.local.map(backupJson), ...(offsite ? { offsite: backups.offsite.map(offsiteJson) } : {}) });
      context.output.result(offsite ? `${backupListText(name, backups.local)}\n\n${offsiteListText(name, backups.offsite)}` : backupListText(name, backups.local));
      return 0;
    }

    const before = outputOf(LIST_BACKUPS_STEP);
    const job = outputOf(RUN_BACKUP_STEP);
    const after = outputOf(LIST_AFTER_BACKUP_STEP);
    const { result, logFile } = await runOperation(context, {
      command: 'backup',
      environment: name,
      secrets: environment.secrets,
      connect: environment.connect,
      address: environment.address,
      lockWaitSeconds,
      plan: () => backupPlan(name),
      tap: (event) => [before, job, after].forEach((output) => output.tap(event)),
    });
    const log = logFile ? ` The full log is in ${logFile}` : '';
    if (result.outcome !== 'succeeded') {
      const stopped = result.stopped;
      const cause = knownCause(stopped?.cause);
      if (cause) throw cause;
      if (result.outcome === 'interrupted') throw new DeployerError('interrupted', `The backup of '${name}' was stopped by Ctrl-C`, { fix: `run ttd backup ${name} again.${log}` });
      const tail = stopped?.output ?? [];
      throw new DeployerError('backup.failed', `The backup job on ${environment.address} failed: ${stopped?.error ?? 'unknown error'}`, {
        where: `${environment.address}:${runBackupCommand()}`,
        fix: `run it again with -vv to see all of the job's output (or on the host: sudo ${runBackupCommand()}); ttd status ${name} shows whether the database is up.${log}`,
        data: { step: stopped?.step, stderr_tail: tail.slice(-10) },
      });
    }
    const known = new Set(parseBackupListing(before.lines.join('\n')).map((file) => `${file.path} ${file.sizeBytes}`));
    const files = parseBackupListing(after.lines.join('\n'));
    const fresh = files.filter((file) => !known.has(`${file.path} ${file.sizeBytes}`));
    const id = backupIdFromOutput(job.lines.join('\n')) ?? fresh.map((file) => file.id).sort().at(-1);
    const made = groupBackups(files).find((candidate) => candidate.id === id);
    if (!made) {
      throw new DeployerError('backup.failed', `The backup job on ${environment.address} ended well but no new file appeared under /opt/torrust/storage/backup`, {
        where: environment.address,
        fix: `run it again with -vv to see the job's output; check /opt/torrust/storage/backup/etc/backup.conf on the host.${log}`,
      });
    }
    const copied = offsite ? job.lines.some((line) => line.includes(`Off-host copy of backup ${made.id} done`)) : undefined;
    json?.line({ type: 'result', ok: true, exit_code: 0, command: 'backup', environment: name, ...backupJson(made), ...(copied === undefined ? {} : { offsite: copied }), log_file: logFile ?? null });
    context.output.success(`Backup ${made.id} of '${name}' done: ${made.files.length} file${made.files.length === 1 ? '' : 's'}, ${formatBytes(made.sizeBytes)}${copied ? ', copied off the host' : ''}`);
    context.output.result([`${made.id}  ${formatUtc(made.at.getTime())}  ${formatBytes(made.sizeBytes)}`, ...filesText(made.files, '  '), `Restore it with: ttd restore ${name} --from ${made.id}`].join('\n'));
    return 0;
  });
};

export default backup;
