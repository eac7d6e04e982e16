import type { CommandHandler } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';
import { FETCH_BACKUP_STEP, restorePlan } from '../plan/day-two.js';
import { BACKUP_ID, keptDatabaseWhere, RESTORE_WORK_DIR, restoreFiles, type RestoreTarget } from '../remote/steps/backup.js';
import { databaseModule } from '../stack/databases.js';
import { DIAGNOSIS_MARKER } from '../remote/steps/step.js';
import { confirmOrRefuse } from '../run/confirm.js';
import type { LifecycleResult } from '../run/lifecycle.js';
import { interruptedError, knownCause, runOperation } from '../run/operation.js';
import { printDryRun } from '../run/plan-command.js';
import { lockWaitOf, withJsonResult } from '../run/session.js';
import { formatUtc } from '../status/format.js';
import { backupEnvironment, backupJson, listAllBackups, offsiteJson } from './backup.js';

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
const CHANGES_NOTHING_LIVE = new Set(['fetch-backup', 'check-backup', 'stage-database', 'stage-config']);
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
    const fromRepository = input.options['fromRepository'] === true;
    const given = input.options['from'];
    const from = typeof given === 'string' && given !== '' ? given : fromRepository ? 'latest' : undefined;
    if (from === undefined) {
      throw new DeployerError('usage.invalid', 'restore needs the backup to restore: --from BACKUP-ID, --from latest, or --from-repository', { where: '--from', fix: `list the backups with ttd backup list ${name || 'ENV'}, then pass one: ttd restore ${name || 'ENV'} --from 20250601_030000 --yes` });
    }
    if (from !== 'latest' && !BACKUP_ID.test(from)) {
      throw new DeployerError('usage.invalid', `--from '${from}' is not a backup id (the stamp of a backup: YYYYMMDD_HHMMSS, for example 20250601_030000) nor latest`, { where: '--from', fix: `list the backups with ttd backup list ${name}` });
    }
    const lockWaitSeconds = lockWaitOf(input);
    const environment = await backupEnvironment(context, name, 'restore', { waitSeconds: lockWaitSeconds });
    const offsite = environment.config.backup?.remote !== undefined;
    if (fromRepository && !offsite) {
      throw new DeployerError('backup.not_configured', `restore --from-repository needs an off-host repository, and '${name}' has no [backup.remote] section`, {
        where: `data/${name}/environment.json ([backup.remote])`,
        fix: 'add the [backup.remote] of the environment whose backups you want (the same repository and password) to this config, deploy it, then restore again',
      });
    }
    const driver = environment.config.tracker.core.database.driver;
    const databaseName = environment.config.tracker.core.database.database_name;
    const planned = (id: string, withConfig: boolean): RestoreTarget => ({ id, driver, databaseName, withConfig, healthWaitSeconds: HEALTH_WAIT_SECONDS });

    // The dry run shows the config step too: the real restore runs it when the backup has a config archive.
    if (context.dryRun) return printDryRun(context, restorePlan(name, planned(from === 'latest' ? 'latest' : from, true), fromRepository ? { snapshot: undefined } : undefined));
    // Without a terminal, refuse before connecting; on one, ask once the backup is known to exist.
    if (input.options['yes'] !== true && !context.interactive) await confirmOrRefuse(context, `Restore backup ${from} over the data of '${name}'?`, '--yes');

    const listed = await listAllBackups(context, environment, offsite);
    const kind = databaseModule(driver).dump.kind;
    const local = fromRepository ? [] : listed.local.filter((candidate) => candidate.files.some((file) => file.kind === kind));
    const remote = listed.offsite.filter((candidate) => candidate.files.some((file) => file.kind === kind));
    const id = from === 'latest' ? [...local.map((candidate) => candidate.id), ...remote.map((candidate) => candidate.id)].sort().at(-1) : from;
    const chosenLocal = local.find((candidate) => candidate.id === id);
    const chosenRemote = chosenLocal ? undefined : remote.find((candidate) => candidate.id === id);
    if (id === undefined || (!chosenLocal && !chosenRemote)) {
      const available = [...new Set([...local, ...remote].map((candidate) => candidate.id))].sort().reverse();
      const where = fromRepository ? 'in the off-host repository' : offsite ? 'on the host or in the off-host repository' : 'on the host';
      const other = listed.local.find((candidate) => candidate.id === id);
      throw new DeployerError('backup.not_found', other
        ? `Backup ${id} of '${name}' has no ${databaseModule(driver).restore.dumpLabel}; it holds ${other.files.map((file) => file.path).join(', ')}`
        : id === undefined ? `There is no backup of the ${driver} database ${where}` : `There is no backup ${id} of '${name}' ${where}`, {
        where: fromRepository ? 'backup.remote.repository' : `${environment.address}:/opt/torrust/storage/backup`,
        fix: available.length > 0 ? `pick one of ${available.slice(0, 10).join(', ')}${available.length > 10 ? ', …' : ''} (ttd backup list ${name})` : fromRepository ? 'check that [backup.remote] names the repository (and password) the lost environment wrote to: ttd backup list shows what it holds' : `there are no backups of the database yet: make one with ttd backup ${name}`,
        data: { available },
      });
    }
    const chosenFiles = chosenLocal ? chosenLocal.files : chosenRemote!.files;
    const at = chosenLocal ? chosenLocal.at : chosenRemote!.at;
    const source = chosenLocal ? 'the host' : `the off-host repository (snapshot ${chosenRemote!.shortId} from ${chosenRemote!.host})`;
    if (input.options['yes'] !== true) {
      await confirmOrRefuse(context, `Restore backup ${id} (${formatUtc(at.getTime())}, from ${source}) over the current database${chosenFiles.some((file) => file.kind === 'config') ? ' and config' : ''} of '${name}'? The tracker stops for the swap.`, '--yes');
    }
    const files = restoreFiles({ id, driver });
    const target = planned(id, chosenFiles.some((file) => file.path === files.config));
    const fetch = chosenRemote ? { snapshot: chosenRemote.snapshot } : undefined;
    const { result, logFile } = await runOperation(context, {
      command: `restore --from ${id}${fetch ? ' (from the off-host repository)' : ''}`,
      environment: name,
      secrets: environment.secrets,
      connect: environment.connect,
      address: environment.address,
      lockWaitSeconds,
      plan: () => restorePlan(name, target, fetch),
    });
    const rollback = rollbackOf(result);
    if (rollback) {
      const cause = rollback.failed.step === 'check-backup' ? knownCause(result.stopped?.cause) : undefined;
      if (cause) throw cause;
      if (rollback.failed.step === FETCH_BACKUP_STEP) {
        const tail = (rollback.failed.output ?? []).filter((line) => line.trim() !== '');
        throw new DeployerError('backup.remote_failed', `Fetching backup ${id} from the off-host repository failed: ${tail.at(-1) ?? rollback.failed.error}. Nothing was changed: the tracker kept running on its data.`, {
          where: 'backup.remote.repository',
          fix: `check that the host reaches the repository and the password is right: ttd backup verify ${name}`,
          data: { backup_id: id, step: rollback.failed.step, stderr_tail: tail.slice(-10) },
        });
      }
      if (result.outcome === 'interrupted' && rollback.undoFailures.length === 0) throw interruptedError(`The restore of backup ${id} of '${name}'`, logFile);
      throw restoreError(name, target, result.outcome === 'interrupted' ? { ...rollback, failed: { ...rollback.failed, error: 'stopped by Ctrl-C before this step', output: [] } } : rollback);
    }
    json?.line({ type: 'result', ok: true, exit_code: 0, command: 'restore', environment: name, backup: chosenLocal ? backupJson(chosenLocal) : offsiteJson(chosenRemote!), source: chosenLocal ? 'host' : 'repository', tracker: 'healthy', warnings: result.warnings.map(({ step, error }) => ({ step, reason: error })), log_file: logFile ?? null });
    context.output.success(`Restored backup ${id} of '${name}' (${formatUtc(at.getTime())}, from ${source}): ${target.withConfig ? 'database and config' : 'database'} in place, tracker healthy`);
    return 0;
  });

export default restore;
