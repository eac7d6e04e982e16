import type { CommandHandler } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';
import { restorePlan } from '../plan/day-two.js';
import { BACKUP_ID, keptDatabaseWhere, RESTORE_WORK_DIR, restoreFiles, type RestoreTarget } from '../remote/steps/backup.js';
import { databaseModule } from '../stack/databases.js';
import { DIAGNOSIS_MARKER } from '../remote/steps/step.js';
import { confirmOrRefuse } from '../run/confirm.js';
import type { LifecycleResult } from '../run/lifecycle.js';
import { interruptedError, knownCause, runOperation } from '../run/operation.js';
import { printDryRun } from '../run/plan-command.js';
import { lockWaitOf, withJsonResult } from '../run/session.js';
import { formatBytes, formatUtc } from '../status/format.js';
import { backupEnvironment, backupJson, listBackups } from './backup.js';

/** How long the tracker may take to be healthy again after a restore (and after a rollback). */
export const HEALTH_WAIT_SECONDS = 180;

/** A step that failed, or an undo that did: what it printed last (secrets masked) says why. */
export interface FailedStep {
  readonly step: string;
  readonly title: string;
  readonly error: string;
  readonly output?: readonly string[];
}

/** How a restore or upgrade that did not succeed ended: the step that failed and the undos that failed after it. */
export interface Rollback {
  readonly failed: FailedStep;
  readonly undoFailures: readonly FailedStep[];
}

/** The rollback a run through the executor reports, when it did not succeed. */
export function rollbackOf(result: LifecycleResult): Rollback | undefined {
  const stopped = result.stopped;
  if (result.outcome === 'succeeded' || !stopped) return undefined;
  return {
    failed: { step: stopped.step ?? 'between steps', title: stopped.title ?? 'between steps', error: stopped.error, ...(stopped.output ? { output: stopped.output } : {}) },
    undoFailures: stopped.undo_failures ?? [],
  };
}

/** The steps before the tracker is stopped change nothing the tracker uses. */
const CHANGES_NOTHING_LIVE = new Set(['check-backup', 'stage-database', 'stage-config']);
/** Steps whose undo puts the previous data back. */
const PUTS_DATA_BACK = new Set(['swap-database', 'swap-config']);

/** Why a step failed, in a line: the last line it printed before its diagnosis, otherwise the error. */
export function reasonOf(failure: FailedStep): { reason: string; diagnosis: string[] } {
  const tail = failure.output ?? [];
  const marker = tail.findIndex((line) => line.startsWith(DIAGNOSIS_MARKER));
  const before = marker === -1 ? tail : tail.slice(0, marker);
  const diagnosis = marker === -1 ? [] : [tail[marker]!.slice(DIAGNOSIS_MARKER.length).trim(), ...tail.slice(marker + 1)];
  const reason = before.filter((line) => line.trim() !== '').at(-1) ?? failure.error;
  return { reason, diagnosis };
}

/** Where the previous data is kept when putting it back failed. */
function keptWhere(target: RestoreTarget): string {
  return `${keptDatabaseWhere(target)}${target.withConfig ? ` and ${RESTORE_WORK_DIR}/previous (the previous config files)` : ''}`;
}

/** The error for a restore that did not succeed. */
export function restoreError(name: string, target: RestoreTarget, outcome: Rollback): DeployerError {
  const failed = outcome.failed;
  const { reason, diagnosis } = reasonOf(failed);
  const undoFailures = outcome.undoFailures.map((failure) => ({ step: failure.step, reason: reasonOf(failure).reason }));
  const data = {
    backup_id: target.id,
    step: failed.step,
    reason,
    ...(diagnosis.length > 0 ? { diagnosis } : {}),
    undo_failures: undoFailures,
  };
  const where = `restore step ${failed.step} (${failed.title})`;
  const diagnosisText = diagnosis.length > 0 ? `\n  ${diagnosis.join('\n  ')}` : '';
  if (outcome.undoFailures.some(({ step }) => PUTS_DATA_BACK.has(step))) {
    return new DeployerError('restore.rollback_failed', `Restoring backup ${target.id} of '${name}' failed at "${failed.title}": ${reason}; putting the previous data back failed too: ${undoFailures.map((failure) => `${failure.step}: ${failure.reason}`).join('; ')}${diagnosisText}`, {
      where,
      fix: `the previous data is kept on the host in ${keptWhere(target)}: put it back by hand (ttd status ${name} and ttd logs ${name} tracker show the tracker), then remove it; a later restore refuses to start while it is there`,
      data: { ...data, rolled_back: false },
    });
  }
  const nothingLive = CHANGES_NOTHING_LIVE.has(failed.step);
  const trackerUndo = outcome.undoFailures.find(({ step }) => step === 'stop-tracker');
  const trackerHealthy = trackerUndo === undefined;
  const after = nothingLive
    ? 'Nothing was changed: the tracker kept running on its data.'
    : `The data from before the restore is back in place and the tracker was started again${trackerHealthy ? ' (healthy)' : `, but it is not healthy: ${reasonOf(trackerUndo).reason}`}.`;
  const fix = failed.step === 'check-backup' || failed.step === 'stage-database'
    ? `the backup ${target.id} cannot be restored as it is; pick another one (ttd backup list ${name}), or make a fresh one (ttd backup ${name})`
    : trackerHealthy
      ? `read the reason${diagnosis.length > 0 ? ' and the tracker\'s last log lines' : ''} above, fix the cause, and run the restore again`
      : `look at the tracker: ttd logs ${name} tracker --tail 50 and ttd status ${name}`;
  return new DeployerError('restore.failed', `Restoring backup ${target.id} of '${name}' failed at "${failed.title}": ${reason}${diagnosisText}\n  ${after}`, {
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
 * healthy. Any failure (or Ctrl-C) undoes what ran: the previous data goes back
 * and the tracker is started again.
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
    const environment = await backupEnvironment(context, name, 'restore', { waitSeconds: lockWaitSeconds });
    const driver = environment.config.tracker.core.database.driver;
    const databaseName = environment.config.tracker.core.database.database_name;
    const planned = (withConfig: boolean): RestoreTarget => ({ id: from, driver, databaseName, withConfig, healthWaitSeconds: HEALTH_WAIT_SECONDS });

    // The dry run shows the config step too: the real restore runs it when the backup has a config archive.
    if (context.dryRun) return printDryRun(context, restorePlan(name, planned(true)));
    // Without a terminal, refuse before connecting; on one, ask once the backup is known to exist.
    if (input.options['yes'] !== true && !context.interactive) await confirmOrRefuse(context, `Restore backup ${from} over the data of '${name}'?`, '--yes');

    const backups = await listBackups(context, environment);
    const chosen = backups.find((candidate) => candidate.id === from);
    const files = restoreFiles({ id: from, driver });
    const dump = chosen?.files.find((file) => file.path === files.database);
    if (!chosen || !dump) {
      const dumpKind = databaseModule(driver).dump.kind;
      const available = backups.filter((candidate) => candidate.files.some((file) => file.kind === dumpKind)).map((candidate) => candidate.id);
      throw new DeployerError('backup.not_found', chosen
        ? `Backup ${from} of '${name}' has no ${databaseModule(driver).restore.dumpLabel} (storage/backup/${files.database}); it holds ${chosen.files.map((file) => file.path).join(', ')}`
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
    const { result, logFile } = await runOperation(context, {
      command: `restore --from ${from}`,
      environment: name,
      secrets: environment.secrets,
      connect: environment.connect,
      address: environment.address,
      lockWaitSeconds,
      plan: () => restorePlan(name, target),
    });
    const rollback = rollbackOf(result);
    if (rollback) {
      const cause = rollback.failed.step === 'check-backup' ? knownCause(result.stopped?.cause) : undefined;
      if (cause) throw cause;
      if (result.outcome === 'interrupted' && rollback.undoFailures.length === 0) throw interruptedError(`The restore of backup ${from} of '${name}'`, logFile);
      throw restoreError(name, target, result.outcome === 'interrupted' ? { ...rollback, failed: { ...rollback.failed, error: 'stopped by Ctrl-C before this step', output: [] } } : rollback);
    }
    json?.line({ type: 'result', ok: true, exit_code: 0, command: 'restore', environment: name, backup: backupJson(chosen), tracker: 'healthy', warnings: result.warnings.map(({ step, error }) => ({ step, reason: error })), log_file: logFile ?? null });
    context.output.success(`Restored backup ${from} of '${name}' (${formatUtc(chosen.at.getTime())}): ${target.withConfig ? 'database and config' : 'database'} in place, tracker healthy`);
    return 0;
  });

export default restore;
