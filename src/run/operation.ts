import type { RunContext } from './context.js';
import { DeployerError, isErrorCode } from '../domain/errors.js';
import type { Plan } from '../plan/types.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import { environmentDir } from '../state/store.js';
import type { EventSink } from '../plan/events.js';
import { Executor, type StageOutcome } from './executor.js';
import { runLifecycle, type LifecycleResult } from './lifecycle.js';
import type { RemoteConnector } from './ports.js';
import { openSession, type EngineSession } from './session.js';

/**
 * The day-two commands (backup, restore, upgrade and the reads of backup list,
 * logs and status) run their plans here, through the same executor, sinks, log
 * file and masking as the stage commands.
 */
interface OperationBase {
  readonly environment: string;
  readonly secrets: readonly string[];
  readonly connect: RemoteConnector | undefined;
  readonly address: string;
  /** Sees every event before it is masked, to read what a step printed (a listing, a backup id). */
  readonly tap?: EventSink;
}

export interface OperationRequest extends OperationBase {
  /** The command as typed: recorded in the lock and the history. */
  readonly command: string;
  readonly plan: (record: EnvironmentRecord) => Plan;
  readonly lockWaitSeconds: number;
  readonly afterSuccess?: (record: EnvironmentRecord) => EnvironmentRecord;
}

export interface ReadRequest extends OperationBase {
  readonly plan: Plan;
  /** The step whose output the command prints as its result (through `tap`): the progress view leaves it out. */
  readonly resultStep?: string;
}

export interface OperationRun<T> {
  readonly result: T;
  readonly logFile: string | undefined;
}

function sessionFor(context: RunContext, request: OperationBase & { readonly resultStep?: string }): { session: EngineSession; emit: EventSink } {
  const session = openSession(context, { secrets: request.secrets, environmentDirectory: environmentDir(context.workingDir, request.environment), ...(request.resultStep === undefined ? {} : { resultStep: request.resultStep }) });
  const tap = request.tap;
  return { session, emit: tap ? (event) => (tap(event), session.emit(event)) : session.emit };
}

/** A plan that changes the host: the lock, the state's history and the host key it records. */
export async function runOperation(context: RunContext, request: OperationRequest): Promise<OperationRun<LifecycleResult>> {
  const { session, emit } = sessionFor(context, request);
  try {
    const result = await runLifecycle({
      workingDir: context.workingDir,
      environment: request.environment,
      command: request.command,
      plan: request.plan,
      ...(request.afterSuccess ? { afterSuccess: request.afterSuccess } : {}),
      provider: undefined,
      connect: request.connect,
      fallbackAddress: request.address,
      lockWaitSeconds: request.lockWaitSeconds,
      secrets: request.secrets,
      emit,
      signal: session.signal,
      stopRequested: () => session.stopRequested(),
    });
    return { result, logFile: session.logFile };
  } finally {
    await session.close();
  }
}

/** A plan that only reads: no lock, nothing recorded (not even the host key), its own log file all the same. */
export async function runReadPlan(context: RunContext, request: ReadRequest): Promise<OperationRun<StageOutcome>> {
  const { session, emit } = sessionFor(context, request);
  const { plan } = request;
  const executor = new Executor({
    workingDir: context.workingDir,
    provider: undefined,
    connect: request.connect,
    address: request.address,
    emit,
    record: async () => undefined,
    signal: session.signal,
    stopRequested: () => session.stopRequested(),
  });
  let outcome: StageOutcome = { outcome: 'succeeded' };
  try {
    emit({ type: 'plan.started', environment: plan.environment, command: plan.command, stages: plan.stages.map((stage) => ({ stage: stage.stage, steps: stage.steps.map(({ id, title, kind }) => ({ id, title, kind })) })) });
    for (const stage of plan.stages) {
      emit({ type: 'stage.started', stage: stage.stage });
      outcome = await executor.runStage(stage);
      emit({ type: 'stage.finished', stage: stage.stage, outcome: outcome.outcome });
      if (outcome.outcome !== 'succeeded') break;
    }
    emit({ type: 'plan.finished', outcome: outcome.outcome });
  } finally {
    await executor.close();
    await session.close();
  }
  return { result: outcome, logFile: session.logFile };
}

/**
 * A step that failed for a reason the SSH layer knows (host key changed, key refused,
 * host unreachable) is that error; otherwise the command's own.
 */
export function knownCause(cause: Record<string, unknown> | DeployerError | undefined): DeployerError | undefined {
  if (!cause) return undefined;
  if (cause instanceof DeployerError) return cause;
  const { code, message, where, fix, ...data } = cause;
  if (typeof code !== 'string' || !isErrorCode(code)) return undefined;
  return new DeployerError(code, String(message), { ...(typeof where === 'string' ? { where } : {}), ...(typeof fix === 'string' ? { fix } : {}), data });
}

/** An interrupted run as the error the user sees. */
export function interruptedError(what: string, logFile: string | undefined): DeployerError {
  return new DeployerError('interrupted', `${what} was stopped by Ctrl-C; what it had changed was put back`, { fix: `run it again when you are ready${logFile ? `; the full log is in ${logFile}` : ''}` });
}

/** The output lines a step printed, read from the events through a tap. */
export function outputOf(step: string): { readonly tap: EventSink; readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    tap: (event) => {
      if (event.type === 'step.output' && event.step === step) lines.push(event.line);
    },
  };
}
