import { describe, expect, it } from 'vitest';
import { restoreError, runRestoreSteps } from '../../src/commands/restore.js';
import { restoreSteps, type RestoreStep, type RestoreTarget } from '../../src/remote/commands/backup.js';
import { RemoteCommandError } from '../../src/ssh/errors.js';

const target: RestoreTarget = { id: '20250601_030000', driver: 'sqlite3', databaseName: 'tracker.db', withConfig: true, healthWaitSeconds: 60 };
const mysqlTarget: RestoreTarget = { ...target, driver: 'mysql', databaseName: 'torrust_tracker' };
const SECRET = 'SuperSecretRootPassword42';

function remoteFailure(lines: readonly string[]): RemoteCommandError {
  return new RemoteCommandError({ address: '203.0.113.10', command: 'step', exitStatus: 1, signal: null, stderrTail: lines, secrets: [SECRET] });
}

/**
 * A host that runs nothing: it records each command (as "do <step>" or "undo <step>")
 * and fails the ones it is told to.
 */
function fakeHost(failing: Record<string, Error>) {
  const ran: string[] = [];
  const run = async (_command: string, step: RestoreStep, phase: 'do' | 'undo') => {
    const name = `${phase} ${step.id}`;
    ran.push(name);
    const error = failing[name];
    if (error) throw error;
  };
  return { ran, run };
}

describe('runRestoreSteps', () => {
  const steps = restoreSteps(target);

  it('runs every step in order when all succeed, and undoes nothing', async () => {
    const host = fakeHost({});
    const outcome = await runRestoreSteps(steps, host.run);
    expect(outcome).toMatchObject({ ok: true, undoFailures: [], warnings: [] });
    expect(host.ran).toEqual(steps.map((step) => `do ${step.id}`));
  });

  it('a tracker that does not come up after the swap: every step that ran is undone, last first, the failed one included', async () => {
    const host = fakeHost({ 'do wait-healthy': remoteFailure(['the tracker did not become healthy within 60 s (docker: restarting starting)', '==> diagnosis: the tracker\'s last log lines:', '    ERROR bad config']) });
    const outcome = await runRestoreSteps(steps, host.run);
    expect(outcome.ok).toBe(false);
    expect(host.ran.slice(steps.length - 1)).toEqual(['undo start-tracker', 'undo swap-config', 'undo swap-database', 'undo stop-tracker', 'undo stage-config', 'undo stage-database']);
    expect(host.ran).not.toContain('do clean-up');

    const error = restoreError('demo', target, outcome, [SECRET]);
    expect(error.code).toBe('restore.failed');
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('failed at "Wait until the tracker is healthy": the tracker did not become healthy within 60 s');
    expect(error.message).toContain('ERROR bad config');
    expect(error.message).toContain('The data from before the restore is back in place and the tracker was started again (healthy)');
    expect(error.data).toMatchObject({ step: 'wait-healthy', rolled_back: true, tracker_healthy: true, diagnosis: ["the tracker's last log lines:", '    ERROR bad config'] });
  });

  it('a corrupt backup fails its check: nothing ran after it, nothing to undo, and the error says nothing was changed', async () => {
    const host = fakeHost({ 'do check-backup': remoteFailure(['storage/backup/sqlite/sqlite_20250601_030000.db.gz is not a whole gzip file (corrupted or cut short)']) });
    const outcome = await runRestoreSteps(steps, host.run);
    expect(host.ran).toEqual(['do check-backup']);
    const error = restoreError('demo', target, outcome, []);
    expect(error.code).toBe('restore.failed');
    expect(error.message).toContain('is not a whole gzip file');
    expect(error.message).toContain('Nothing was changed');
    expect(error.fix).toContain('ttd backup list demo');
    expect(error.data).toMatchObject({ step: 'check-backup', rolled_back: false });
  });

  it('a failed staging undoes the staging only', async () => {
    const host = fakeHost({ 'do stage-config': remoteFailure(['tar: Unexpected EOF in archive']) });
    await runRestoreSteps(steps, host.run);
    expect(host.ran).toEqual(['do check-backup', 'do stage-database', 'do stage-config', 'undo stage-config', 'undo stage-database']);
  });

  it('when putting the previous data back fails, the error is restore.rollback_failed and names where the previous data is kept', async () => {
    const host = fakeHost({
      'do start-tracker': remoteFailure(['Error response from daemon: driver failed']),
      'undo swap-database': remoteFailure([`ERROR 1045 (28000): Access denied for user 'root' using password ${SECRET}`]),
    });
    const outcome = await runRestoreSteps(restoreSteps(mysqlTarget), host.run);
    // The other undos still run: each is guarded and keeps what another one left.
    expect(host.ran.filter((name) => name.startsWith('undo'))).toEqual(['undo start-tracker', 'undo swap-config', 'undo swap-database', 'undo stop-tracker', 'undo stage-config', 'undo stage-database']);
    const error = restoreError('demo', mysqlTarget, outcome, [SECRET]);
    expect(error.code).toBe('restore.rollback_failed');
    expect(error.fix).toContain('the MySQL database ttd_restore_previous');
    expect(error.fix).toContain('/opt/torrust/.ttd-restore/previous');
    expect(JSON.stringify(error.toJSON())).not.toContain(SECRET);
    expect(error.data).toMatchObject({ rolled_back: false, undo_failures: [{ step: 'swap-database', reason: expect.stringContaining('Access denied') }] });
  });

  it('when the tracker does not come back after the rollback, the data is back and the error says the tracker is not healthy', async () => {
    const host = fakeHost({
      'do wait-healthy': remoteFailure(['the tracker did not become healthy within 60 s (docker: running unhealthy)']),
      'undo stop-tracker': remoteFailure(['the tracker did not become healthy within 60 s (docker: exited 1)']),
    });
    const error = restoreError('demo', target, await runRestoreSteps(steps, host.run), []);
    expect(error.code).toBe('restore.failed');
    expect(error.message).toContain('back in place and the tracker was started again, but it is not healthy: the tracker did not become healthy within 60 s (docker: exited 1)');
    expect(error.fix).toContain('ttd logs demo tracker');
    expect(error.data).toMatchObject({ rolled_back: true, tracker_healthy: false });
  });

  it('a failed clean-up after the tracker is healthy is a warning: the restore stands', async () => {
    const host = fakeHost({ 'do clean-up': remoteFailure(['rm: cannot remove']) });
    const outcome = await runRestoreSteps(steps, host.run);
    expect(outcome.ok).toBe(true);
    expect(outcome.warnings.map((warning) => warning.step.id)).toEqual(['clean-up']);
    expect(host.ran.some((name) => name.startsWith('undo'))).toBe(false);
  });

  it('Ctrl-C stops before the next step and puts back what was changed', async () => {
    let stop = false;
    const host = fakeHost({});
    const outcome = await runRestoreSteps(steps, async (command, step, phase) => {
      await host.run(command, step, phase);
      if (step.id === 'swap-database') stop = true;
    }, {}, () => stop);
    expect(outcome.ok).toBe(false);
    expect(outcome.failed?.step.id).toBe('swap-config');
    expect(host.ran.filter((name) => name.startsWith('undo'))).toEqual(['undo swap-database', 'undo stop-tracker', 'undo stage-config', 'undo stage-database']);
  });
});
