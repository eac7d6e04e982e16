import type { CommandHandler } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';
import { maskSecrets } from '../domain/mask-secrets.js';
import { BACKUP_ID, MYSQL_PREVIOUS, RESTORE_WORK_DIR, restoreFiles, restoreSteps, type RestoreStep, type RestoreTarget } from '../remote/commands/backup.js';
import { SQLITE_DIR } from '../remote/commands/release.js';
import { DIAGNOSIS_MARKER } from '../remote/commands/step.js';
import { confirmOrRefuse } from '../run/confirm.js';
import { lockWaitOf, withJsonResult } from '../run/session.js';
import { RemoteCommandError } from '../ssh/errors.js';
import { formatBytes, formatUtc } from '../status/format.js';
import { requireEnvironmentRecord, saveEnvironmentRecord } from '../state/store.js';
import { backupEnvironment, backupJson, listBackups, withLock } from './backup.js';

/** How long the tracker may take to be healthy again after a restore (and after a rollback). */
export const HEALTH_WAIT_SECONDS = 180;

export interface StepFailure {
  readonly step: RestoreStep;
  readonly error: unknown;
}

export interface RestoreOutcome {
  readonly ok: boolean;
  /** The step that failed (the restore was rolled back from there). */
  readonly failed?: StepFailure;
  /** Undo commands that failed during the rollback. */
  readonly undoFailures: readonly StepFailure[];
  /** Steps after the commit that failed: the restore stands, something was left behind. */
  readonly warnings: readonly StepFailure[];
}

export interface StepEvents {
  started?(step: RestoreStep, phase: 'do' | 'undo'): void;
  finished?(step: RestoreStep, phase: 'do' | 'undo', error: unknown): void;
}

/**
 * Runs the restore steps in order. When one fails (or `stopRequested` says the
 * user pressed Ctrl-C), the undo of every step that ran, the failed one
 * included, runs last first; an undo that fails is recorded and the rest still
 * run (each undo is guarded, so it never removes data another undo left behind).
 */
export async function runRestoreSteps(steps: readonly RestoreStep[], run: (command: string, step: RestoreStep, phase: 'do' | 'undo') => Promise<unknown>, events: StepEvents = {}, stopRequested: () => boolean = () => false): Promise<RestoreOutcome> {
  const ran: RestoreStep[] = [];
  const warnings: StepFailure[] = [];
  let failed: StepFailure | undefined;
  for (const step of steps) {
    if (!step.afterCommit && stopRequested()) {
      failed = { step, error: new DeployerError('interrupted', 'Stopped by Ctrl-C before this step') };
      break;
    }
    ran.push(step);
    events.started?.(step, 'do');
    try {
      await run(step.command, step, 'do');
      events.finished?.(step, 'do', undefined);
    } catch (error) {
      events.finished?.(step, 'do', error);
      if (step.afterCommit) {
        warnings.push({ step, error });
        continue;
      }
      failed = { step, error };
      break;
    }
  }
  if (!failed) return { ok: true, undoFailures: [], warnings };
  const undoFailures: StepFailure[] = [];
  for (const step of [...ran].reverse()) {
    if (step.undo === undefined) continue;
    events.started?.(step, 'undo');
    try {
      await run(step.undo, step, 'undo');
      events.finished?.(step, 'undo', undefined);
    } catch (error) {
      events.finished?.(step, 'undo', error);
      undoFailures.push({ step, error });
    }
  }
  return { ok: false, failed, undoFailures, warnings };
}

/** The steps before the tracker is stopped change nothing the tracker uses. */
const CHANGES_NOTHING_LIVE = new Set(['check-backup', 'stage-database', 'stage-config']);
/** Steps whose undo puts the previous data back. */
const PUTS_DATA_BACK = new Set(['swap-database', 'swap-config']);

/** Why a step failed, in a line: the step's own message when it printed one, otherwise the error's. */
export function reasonOf(error: unknown, secrets: readonly string[]): { reason: string; diagnosis: string[] } {
  if (error instanceof RemoteCommandError) {
    const tail = error.stderrTail.map((line) => maskSecrets(line, secrets));
    const marker = tail.findIndex((line) => line.startsWith(DIAGNOSIS_MARKER));
    const before = marker === -1 ? tail : tail.slice(0, marker);
    const diagnosis = marker === -1 ? [] : [tail[marker]!.slice(DIAGNOSIS_MARKER.length).trim(), ...tail.slice(marker + 1)];
    const reason = before.filter((line) => line.trim() !== '').at(-1) ?? `exited with status ${error.exitStatus ?? error.signal ?? 'unknown'}`;
    return { reason, diagnosis };
  }
  return { reason: maskSecrets(error instanceof Error ? error.message : String(error), secrets), diagnosis: [] };
}

/** Where the previous data is kept when putting it back failed. */
function keptWhere(target: RestoreTarget): string {
  const database = target.driver === 'mysql' ? `the MySQL database ${MYSQL_PREVIOUS} (its tables are the previous ones)` : `${SQLITE_DIR}/.ttd-previous-${target.databaseName}`;
  return `${database}${target.withConfig ? ` and ${RESTORE_WORK_DIR}/previous (the previous config files)` : ''}`;
}

/** The error for a restore that did not succeed. */
export function restoreError(name: string, target: RestoreTarget, outcome: RestoreOutcome, secrets: readonly string[]): DeployerError {
  const failed = outcome.failed!;
  const { reason, diagnosis } = reasonOf(failed.error, secrets);
  const undoFailures = outcome.undoFailures.map(({ step, error }) => ({ step: step.id, reason: reasonOf(error, secrets).reason }));
  const data = {
    backup_id: target.id,
    step: failed.step.id,
    reason,
    ...(diagnosis.length > 0 ? { diagnosis } : {}),
    undo_failures: undoFailures,
  };
  const where = `restore step ${failed.step.id} (${failed.step.title})`;
  const diagnosisText = diagnosis.length > 0 ? `\n  ${diagnosis.join('\n  ')}` : '';
  if (outcome.undoFailures.some(({ step }) => PUTS_DATA_BACK.has(step.id))) {
    return new DeployerError('restore.rollback_failed', `Restoring backup ${target.id} of '${name}' failed at "${failed.step.title}": ${reason}; putting the previous data back failed too: ${undoFailures.map((failure) => `${failure.step}: ${failure.reason}`).join('; ')}${diagnosisText}`, {
      where,
      fix: `the previous data is kept on the host in ${keptWhere(target)}: put it back by hand (ttd status ${name} and ttd logs ${name} tracker show the tracker), then remove it; a later restore refuses to start while it is there`,
      data: { ...data, rolled_back: false },
    });
  }
  const nothingLive = CHANGES_NOTHING_LIVE.has(failed.step.id);
  const trackerUndo = outcome.undoFailures.find(({ step }) => step.id === 'stop-tracker');
  const trackerHealthy = trackerUndo === undefined;
  const after = nothingLive
    ? 'Nothing was changed: the tracker kept running on its data.'
    : `The data from before the restore is back in place and the tracker was started again${trackerHealthy ? ' (healthy)' : `, but it is not healthy: ${reasonOf(trackerUndo.error, secrets).reason}`}.`;
  const fix = failed.step.id === 'check-backup' || failed.step.id === 'stage-database'
    ? `the backup ${target.id} cannot be restored as it is; pick another one (ttd backup list ${name}), or make a fresh one (ttd backup ${name})`
    : trackerHealthy
      ? `read the reason${diagnosis.length > 0 ? ' and the tracker\'s last log lines' : ''} above, fix the cause, and run the restore again`
      : `look at the tracker: ttd logs ${name} tracker --tail 50 and ttd status ${name}`;
  return new DeployerError('restore.failed', `Restoring backup ${target.id} of '${name}' failed at "${failed.step.title}": ${reason}${diagnosisText}\n  ${after}`, {
    where,
    fix,
    data: { ...data, rolled_back: !nothingLive, tracker_healthy: trackerHealthy },
  });
}

/**
 * `restore ENV --from ID [--yes]`: puts the database and config of a backup back
 * on the host. It checks the backup and stages it (nothing the tracker uses is
 * touched), stops the tracker, swaps the restored data in while keeping the
 * current data aside, starts the tracker and waits for Docker to call it
 * healthy. Any failure puts the previous data back and starts the tracker again.
 */
const restore: CommandHandler = async (context, input) =>
  withJsonResult(context, 'restore', async (json) => {
    const name = input.args['env'] ?? '';
    const from = input.options['from'];
    if (typeof from !== 'string' || from === '') {
      throw new DeployerError('usage.invalid', 'restore needs the backup to restore: --from BACKUP-ID', { where: '--from', fix: `list the backups with ttd backup list ${name || 'ENV'}, then pass one: ttd restore ${name || 'ENV'} --from 20250601_030000 --yes` });
    }
    if (!BACKUP_ID.test(from)) {
      throw new DeployerError('usage.invalid', `--from '${from}' is not a backup id (the stamp of a backup: YYYYMMDD_HHMMSS, for example 20250601_030000)`, { where: '--from', fix: `list the backups with ttd backup list ${name}` });
    }
    const lockWaitSeconds = lockWaitOf(input);
    const environment = await backupEnvironment(context, name, 'restore');
    const driver = environment.config.tracker.core.database.driver;
    const databaseName = environment.config.tracker.core.database.database_name;
    const planned = (withConfig: boolean): RestoreTarget => ({ id: from, driver, databaseName, withConfig, healthWaitSeconds: HEALTH_WAIT_SECONDS });

    if (context.dryRun) {
      const steps = restoreSteps(planned(true));
      json?.line({ type: 'result', ok: true, exit_code: 0, command: 'restore', dry_run: true, environment: name, instance_ip: environment.address, backup_id: from, steps: steps.map(({ id, title, command, undo }) => ({ id, title, command, ...(undo === undefined ? {} : { undo }) })) });
      context.output.result([`Would restore backup ${from} on ${environment.address}, running as root (the config step only when the backup has a config archive):`, ...steps.flatMap((step) => [`  ${step.id}: ${step.title}`, ...step.command.split('\n').map((line) => `      ${line}`)])].join('\n'));
      return 0;
    }
    // Without a terminal, refuse before connecting; on one, ask once the backup is known to exist.
    if (input.options['yes'] !== true && !context.interactive) await confirmOrRefuse(context, `Restore backup ${from} over the data of '${name}'?`, '--yes');

    return withLock(context, name, `restore --from ${from}`, lockWaitSeconds, async () => {
      const session = await environment.open();
      const startedAt = new Date().toISOString();
      let stop = false;
      const onInterrupt = () => {
        stop = true;
        process.stderr.write('\nStopping after the current step; what was changed is put back…\n');
      };
      try {
        const backups = await listBackups(session);
        const chosen = backups.find((candidate) => candidate.id === from);
        const files = restoreFiles({ id: from, driver });
        const dump = chosen?.files.find((file) => file.path === files.database);
        if (!chosen || !dump) {
          const available = backups.filter((candidate) => candidate.files.some((file) => file.kind === (driver === 'mysql' ? 'mysql' : 'sqlite'))).map((candidate) => candidate.id);
          throw new DeployerError('backup.not_found', chosen
            ? `Backup ${from} of '${name}' has no ${driver === 'mysql' ? 'MySQL dump' : 'SQLite copy'} (storage/backup/${files.database}); it holds ${chosen.files.map((file) => file.path).join(', ')}`
            : `There is no backup ${from} of '${name}' on the host`, {
            where: `${environment.address}:/opt/torrust/storage/backup`,
            fix: available.length > 0 ? `pick one of ${available.slice(0, 10).join(', ')}${available.length > 10 ? ', …' : ''} (ttd backup list ${name})` : `there are no backups of the database yet: make one with ttd backup ${name}`,
            data: { available },
          });
        }
        if (input.options['yes'] !== true) {
          await confirmOrRefuse(context, `Restore backup ${from} (${formatUtc(chosen.at.getTime())}, ${formatBytes(chosen.sizeBytes)}) over the current database${chosen.files.some((file) => file.kind === 'config') ? ' and config' : ''} of '${name}'? The tracker stops for the swap.`, '--yes');
        }
        const target = planned(chosen.files.some((file) => file.path === files.config));
        const steps = restoreSteps(target);
        process.on('SIGINT', onInterrupt);
        const outcome = await runRestoreSteps(steps, (command) => session.sudo(command, { onLine: (_stream, line) => context.output.debug(`    ${line}`) }), {
          started: (step, phase) => {
            if (phase === 'do') context.output.info(`→ ${step.title}`);
            else context.output.warn(`Putting back: ${step.title}`);
            if (json) stepLine({ phase, id: step.id, title: step.title, status: 'started' });
          },
          finished: (step, phase, error) => {
            if (error !== undefined) context.output.detail(`  ✗ ${step.id} (${phase}): ${reasonOf(error, environment.secrets).reason}`);
            if (json) stepLine({ phase, id: step.id, status: error === undefined ? 'done' : 'failed', ...(error === undefined ? {} : { error: reasonOf(error, environment.secrets).reason }) });
          },
        }, () => stop);
        const finishedAt = new Date().toISOString();
        const failure = outcome.ok ? undefined : restoreError(name, target, outcome, environment.secrets);
        await recordHistory(context.workingDir, name, { command: `restore --from ${from}`, started_at: startedAt, finished_at: finishedAt, outcome: outcome.ok ? 'succeeded' : 'failed', ...(failure ? { error: failure.message.split('\n')[0]! } : {}) });
        if (failure) throw failure;
        for (const warning of outcome.warnings) context.output.warn(`${warning.step.title} failed: ${reasonOf(warning.error, environment.secrets).reason}`);
        json?.line({ type: 'result', ok: true, exit_code: 0, command: 'restore', environment: name, backup: backupJson(chosen), tracker: 'healthy', warnings: outcome.warnings.map(({ step, error }) => ({ step: step.id, reason: reasonOf(error, environment.secrets).reason })) });
        context.output.success(`Restored backup ${from} of '${name}' (${formatUtc(chosen.at.getTime())}): ${target.withConfig ? 'database and config' : 'database'} in place, tracker healthy`);
        return 0;
      } finally {
        process.off('SIGINT', onInterrupt);
        await session.close();
      }
    });
  });

/** --json: each step as it starts and ends, before the result line. */
function stepLine(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ type: 'restore.step', ...fields, at: new Date().toISOString() })}\n`);
}

async function recordHistory(workingDir: string, name: string, entry: { command: string; started_at: string; finished_at: string; outcome: 'succeeded' | 'failed'; error?: string }): Promise<void> {
  const record = await requireEnvironmentRecord(workingDir, name);
  await saveEnvironmentRecord(workingDir, { ...record, history: [...record.history, entry] });
}

export default restore;
