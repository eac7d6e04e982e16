import { describe, expect, it } from 'vitest';
import { restoreError, rollbackOf } from '../../src/commands/restore.js';
import { restorePlan } from '../../src/plan/day-two.js';
import type { RestoreTarget } from '../../src/remote/steps/backup.js';
import { runOnRunning, scriptedHost } from '../support/scripted-host.js';

const target: RestoreTarget = { id: '20250601_030000', driver: 'sqlite3', databaseName: 'tracker.db', withConfig: true, healthWaitSeconds: 60 };
const mysqlTarget: RestoreTarget = { ...target, driver: 'mysql', databaseName: 'torrust_tracker' };
const SECRET = 'SuperSecretRootPassword42';

/** The restore plan through the one executor against a host that fails the steps (or undos) it is told to. */
async function restoreWith(failing: Record<string, readonly string[]>, options: { restoreTarget?: RestoreTarget; stopAfter?: string } = {}) {
  const plan = restorePlan('demo', options.restoreTarget ?? target);
  const host = scriptedHost(plan, failing);
  const run = await runOnRunning(plan, host.connect, { secrets: [SECRET], ...(options.stopAfter ? { stopAfter: options.stopAfter } : {}) });
  return { ...run, ran: host.ran, rollback: rollbackOf(run.result), steps: plan.stages[0]!.steps };
}

describe('restore through the executor', () => {
  it('runs every step in order when all succeed, and undoes nothing', async () => {
    const { result, ran, steps } = await restoreWith({});
    expect(result.outcome).toBe('succeeded');
    expect(ran).toEqual(steps.map((step) => `do ${step.id}`));
  });

  it('a tracker that does not come up after the swap: every step that ran is undone, last first, the failed one included', async () => {
    const { ran, rollback, steps, events } = await restoreWith({ 'do wait-healthy': ['the tracker did not become healthy within 60 s (docker: restarting starting)', '==> diagnosis: the tracker\'s last log lines:', '    ERROR bad config'] });
    expect(ran.slice(steps.length - 1)).toEqual(['undo start-tracker', 'undo swap-config', 'undo swap-database', 'undo stop-tracker', 'undo stage-config', 'undo stage-database']);
    expect(ran).not.toContain('do clean-up');
    expect(events.filter((event) => event.type === 'step.undo.succeeded')).toHaveLength(6);

    const error = restoreError('demo', target, rollback!);
    expect(error.code).toBe('restore.failed');
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('failed at "Wait until the tracker is healthy": the tracker did not become healthy within 60 s');
    expect(error.message).toContain('ERROR bad config');
    expect(error.message).toContain('The data from before the restore is back in place and the tracker was started again (healthy)');
    expect(error.data).toMatchObject({ step: 'wait-healthy', rolled_back: true, tracker_healthy: true, diagnosis: ["the tracker's last log lines:", '    ERROR bad config'] });
  });

  it('a corrupt backup fails its check: nothing ran after it, nothing to undo, and the error says nothing was changed', async () => {
    const { ran, rollback } = await restoreWith({ 'do check-backup': ['storage/backup/sqlite/sqlite_20250601_030000.db.gz is not a whole gzip file (corrupted or cut short)'] });
    expect(ran).toEqual(['do check-backup']);
    const error = restoreError('demo', target, rollback!);
    expect(error.code).toBe('restore.failed');
    expect(error.message).toContain('is not a whole gzip file');
    expect(error.message).toContain('Nothing was changed');
    expect(error.fix).toContain('ttd backup list demo');
    expect(error.data).toMatchObject({ step: 'check-backup', rolled_back: false });
  });

  it('a failed staging undoes the staging only', async () => {
    const { ran } = await restoreWith({ 'do stage-config': ['tar: Unexpected EOF in archive'] });
    expect(ran).toEqual(['do check-backup', 'do stage-database', 'do stage-config', 'undo stage-config', 'undo stage-database']);
  });

  it('when putting the previous data back fails, the error is restore.rollback_failed and names where the previous data is kept', async () => {
    const { ran, rollback, events } = await restoreWith({
      'do start-tracker': ['Error response from daemon: driver failed'],
      'undo swap-database': [`ERROR 1045 (28000): Access denied for user 'root' using password ${SECRET}`],
    }, { restoreTarget: mysqlTarget });
    // The other undos still run: each is guarded and keeps what another one left.
    expect(ran.filter((name) => name.startsWith('undo'))).toEqual(['undo start-tracker', 'undo swap-config', 'undo swap-database', 'undo stop-tracker', 'undo stage-config', 'undo stage-database']);
    expect(events).toContainEqual({ type: 'step.undo.failed', step: 'swap-database', error: "exited with code 1: ERROR 1045 (28000): Access denied for user 'root' using password ***" });
    const error = restoreError('demo', mysqlTarget, rollback!);
    expect(error.code).toBe('restore.rollback_failed');
    expect(error.fix).toContain('the MySQL database ttd_restore_previous');
    expect(error.fix).toContain('/opt/torrust/.ttd-restore/previous');
    expect(JSON.stringify(error.toJSON())).not.toContain(SECRET);
    expect(JSON.stringify(events)).not.toContain(SECRET);
    expect(error.data).toMatchObject({ rolled_back: false, undo_failures: [{ step: 'swap-database', reason: expect.stringContaining('Access denied') }] });
  });

  it('when the tracker does not come back after the rollback, the data is back and the error says the tracker is not healthy', async () => {
    const { rollback } = await restoreWith({
      'do wait-healthy': ['the tracker did not become healthy within 60 s (docker: running unhealthy)'],
      'undo stop-tracker': ['the tracker did not become healthy within 60 s (docker: exited 1)'],
    });
    const error = restoreError('demo', target, rollback!);
    expect(error.code).toBe('restore.failed');
    expect(error.message).toContain('back in place and the tracker was started again, but it is not healthy: the tracker did not become healthy within 60 s (docker: exited 1)');
    expect(error.fix).toContain('ttd logs demo tracker');
    expect(error.data).toMatchObject({ rolled_back: true, tracker_healthy: false });
  });

  it('a failed clean-up after the tracker is healthy is a warning: the restore stands', async () => {
    const { result, ran } = await restoreWith({ 'do clean-up': ['rm: cannot remove'] });
    expect(result.outcome).toBe('succeeded');
    expect(result.warnings.map((warning) => warning.step)).toEqual(['clean-up']);
    expect(ran.some((name) => name.startsWith('undo'))).toBe(false);
  });

  it('Ctrl-C stops before the next step and puts back what was changed', async () => {
    const { result, ran } = await restoreWith({}, { stopAfter: 'swap-database' });
    expect(result.outcome).toBe('interrupted');
    expect(result.stopped?.step).toBe('swap-config');
    expect(ran.filter((name) => name.startsWith('undo'))).toEqual(['undo swap-database', 'undo stop-tracker', 'undo stage-config', 'undo stage-database']);
  });
});
