import { listBackupsCommand, restoreSteps, runBackupCommand, type RestoreStep, type RestoreTarget } from '../remote/steps/backup.js';
import { checkRepositoryCommand, fetchBackupCommand, listSnapshotsCommand, testRestoreCommand } from '../remote/steps/offsite.js';
import { prepareCommand, removeWorkDirUnlessPrevious, STAGED_COMPOSE, upgradeSteps, type UpgradeTarget } from '../remote/steps/upgrade.js';
import type { RenderedFile } from './stages.js';
import type { Operation, Plan, RemoteCommandStep, Step } from './types.js';

/** The day-two commands as plans: one stage each, run as root on the host. */

function asRoot(step: RestoreStep): RemoteCommandStep {
  return {
    kind: 'remote',
    id: step.id,
    title: step.title,
    changes: step.changes ?? step.title,
    command: step.command,
    check: undefined,
    sudo: true,
    ...(step.undo === undefined ? {} : { undo: step.undo }),
    ...(step.afterCommit ? { afterCommit: true } : {}),
  };
}

function operationPlan(environment: string, operation: Operation, steps: readonly Step[]): Plan {
  return { environment, command: operation, stages: [{ stage: operation, command: operation, steps }], gaps: [] };
}

export const LIST_BACKUPS_STEP = 'list-backups';
export const RUN_BACKUP_STEP = 'run-backup';
export const LIST_AFTER_BACKUP_STEP = 'list-backups-after';

const listStep = (id: string, title: string): RemoteCommandStep => asRoot({ id, title, command: listBackupsCommand(), changes: 'nothing (it reads)' });

export const LIST_OFFSITE_STEP = 'list-offsite';
export const FETCH_BACKUP_STEP = 'fetch-backup';
export const CHECK_REPOSITORY_STEP = 'check-repository';
export const TEST_RESTORE_STEP = 'test-restore';

const listOffsiteStep = (): RemoteCommandStep => asRoot({ id: LIST_OFFSITE_STEP, title: 'List the backups in the off-host repository (restic snapshots)', command: listSnapshotsCommand(), changes: 'nothing (it reads)' });

/** `backup list`: the backup files on the host and, with [backup.remote], the snapshots in the repository. */
export function backupListPlan(environment: string, offsite = false): Plan {
  return operationPlan(environment, 'backup list', [listStep(LIST_BACKUPS_STEP, 'List the backups on the host'), ...(offsite ? [listOffsiteStep()] : [])]);
}

/** `backup verify`: restic's check of the repository, then the newest backup restored into a temporary directory and tested. */
export function backupVerifyPlan(environment: string): Plan {
  return operationPlan(environment, 'backup verify', [
    asRoot({ id: CHECK_REPOSITORY_STEP, title: 'Check the off-host repository (restic check, 10% of the data read back)', command: checkRepositoryCommand(), changes: 'nothing (it reads; restic takes the repository\'s lock while it checks)' }),
    asRoot({ id: TEST_RESTORE_STEP, title: 'Restore the newest backup into a temporary directory and test its files', command: testRestoreCommand(), changes: 'nothing (a temporary directory, removed after)' }),
  ]);
}

/** `backup`: the backup job now, with the listing before and after to tell which files it wrote. */
export function backupPlan(environment: string): Plan {
  return operationPlan(environment, 'backup', [
    listStep(LIST_BACKUPS_STEP, 'List the backups on the host'),
    asRoot({ id: RUN_BACKUP_STEP, title: 'Run the backup job (the script the cron job runs)', command: runBackupCommand(), changes: 'a new backup under /opt/torrust/storage/backup' }),
    listStep(LIST_AFTER_BACKUP_STEP, 'List the backups again, to find the new one'),
  ]);
}

/** `restore`: check, stage, stop, swap, start, wait, clean up; every step before the clean-up is undone on failure. */
export function restorePlan(environment: string, target: RestoreTarget, fetch?: { readonly snapshot: string | undefined }): Plan {
  const fetchStep = fetch === undefined ? [] : [asRoot({ id: FETCH_BACKUP_STEP, title: `Fetch backup ${target.id} from the off-host repository`, command: fetchBackupCommand(target.id, fetch.snapshot), changes: `the files of backup ${target.id} under /opt/torrust/storage/backup` })];
  return operationPlan(environment, 'restore', [...fetchStep, ...restoreSteps(target).map(asRoot)]);
}

export const PREPARE_UPGRADE_STEP = 'prepare';
export const UPLOAD_COMPOSE_STEP = 'upload-compose';

/**
 * `upgrade`: an empty work directory (its undo removes it, unless it keeps the previous
 * file of a rollback that failed), the new docker-compose.yml uploaded there, then the
 * upgrade steps.
 */
export function upgradePlan(environment: string, target: UpgradeTarget, compose: RenderedFile & { readonly host: NonNullable<RenderedFile['host']> }, images: readonly string[]): Plan {
  return operationPlan(environment, 'upgrade', [
    asRoot({ id: PREPARE_UPGRADE_STEP, title: 'Check no earlier upgrade was left half done; make an empty work directory', command: prepareCommand(), undo: removeWorkDirUnlessPrevious(), changes: 'the work directory /opt/torrust/.ttd-upgrade' }),
    { kind: 'upload', id: UPLOAD_COMPOSE_STEP, title: 'Upload the new docker-compose.yml to the work directory', changes: `the images it names: ${images.join(', ')}`, target: STAGED_COMPOSE, content: compose.content, mode: compose.mode, owner: compose.host.owner },
    ...upgradeSteps(target).map(asRoot),
  ]);
}

export const READ_LOGS_STEP = 'read-logs';

/** `logs`: docker compose logs, as the deploy user (in the docker group), streamed. */
export function logsPlan(environment: string, command: string): Plan {
  return operationPlan(environment, 'logs', [{ kind: 'remote', id: READ_LOGS_STEP, title: 'Read the logs of the stack (docker compose logs)', changes: 'nothing (it reads)', command, check: undefined, sudo: false }]);
}

export const STATUS_PROBE_STEP = 'probe-host';

/** `status`: one read-only probe of the host per refresh; the tracker's API is read from here, or through an SSH forward. */
export function statusPlan(environment: string, probe: string): Plan {
  return operationPlan(environment, 'status', [{ kind: 'remote', id: STATUS_PROBE_STEP, title: 'Read the clock, the containers, the tracker address and the newest backup', changes: 'nothing (it reads)', command: probe, check: undefined, sudo: false }]);
}
