import { DeployerError, isErrorCode } from '../domain/errors.js';
import { stageCommandOf, type LifecycleResult } from './lifecycle.js';

/** A failed or interrupted run as the error the user sees (the state already records it). */
export function outcomeError(result: LifecycleResult, logFile: string | undefined): DeployerError | undefined {
  const { stopped, record } = result;
  if (result.outcome === 'succeeded' || !stopped) return undefined;
  const stage = result.plan.stages.find((candidate) => candidate.stage === stopped.stage);
  const stageCommand = stage ? stageCommandOf(stage.stage, result.plan.command) : stopped.stage;
  const rerun = `ttd ${stageCommand} ${record.name} (or ttd deploy ${record.name})`;
  const where = stopped.title ? `${stopped.stage}: ${stopped.title}` : stopped.stage;
  const log = logFile ? ` The full log is in ${logFile}` : '';
  if (result.outcome === 'interrupted') {
    return new DeployerError('interrupted', `Stopped at a safe point in ${where}; environment '${record.name}' is ${record.state}`, {
      where,
      fix: `run ${rerun} to resume.${log}`,
      data: { state: record.state, stopped },
    });
  }
  // The cause, when a step knows it (ssh.host_key_changed, apt.failed, ...), is the error's
  // code, so scripts can branch on it, and its fix is the one fix shown.
  const causeCode = stopped.cause?.['code'];
  const code = typeof causeCode === 'string' && isErrorCode(causeCode) ? causeCode : 'step.failed';
  const causeFix = stopped.cause?.['fix'];
  const fix =
    typeof causeFix === 'string' && causeFix !== ''
      ? `${causeFix.replace(/[.;:,\s]+$/, '')}${/\bresumes?\b/.test(causeFix) ? '' : `; then run ${rerun}: finished steps are skipped`}.${log}`
      : `fix the cause, then run ${rerun}: finished steps are skipped.${log}`;
  return new DeployerError(code, `${where} failed: ${stopped.error}`, {
    where,
    fix,
    data: { state: record.state, stopped },
  });
}
