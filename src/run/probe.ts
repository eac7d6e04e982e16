import type { Plan } from '../plan/types.js';
import type { EventSink } from '../plan/events.js';
import { Executor } from './executor.js';
import type { RemoteHost } from './ports.js';

export interface ProbeRequest {
  /** A read plan of one stage; `step` is the step whose stdout is the answer. */
  readonly plan: Plan;
  readonly step: string;
  /** An open connection the caller keeps: the probe does not close it. */
  readonly remote: RemoteHost;
  readonly address: string;
  readonly workingDir: string;
  /** Where the probe's events go (status: the log file, masked). */
  readonly emit: EventSink;
  /** Aborts the probe (its time is up). */
  readonly signal: AbortSignal;
}

/**
 * A read plan asked again and again on one connection (status's probe, every refresh),
 * run by the one executor: the command line it sends is the one the dry run prints,
 * its events are masked and logged. No lock, nothing recorded. Resolves with what the
 * step printed; rejects with why it failed.
 */
export async function runProbe(request: ProbeRequest): Promise<string> {
  const { remote } = request;
  const borrowed: RemoteHost = { hostKey: remote.hostKey, exec: (script, options) => remote.exec(script, options), close: async () => undefined };
  const lines: string[] = [];
  const executor = new Executor({
    workingDir: request.workingDir,
    provider: undefined,
    connect: async () => borrowed,
    address: request.address,
    emit: (event) => {
      if (event.type === 'step.output' && event.step === request.step) lines.push(event.line);
      request.emit(event);
    },
    record: async () => undefined,
    signal: request.signal,
    stopRequested: () => false,
  });
  try {
    for (const stage of request.plan.stages) {
      const outcome = await executor.runStage(stage);
      if (outcome.outcome === 'interrupted') throw new Error('the probe was stopped');
      if (outcome.outcome === 'failed') throw outcome.cause ?? new Error(outcome.error);
    }
  } finally {
    await executor.close();
  }
  return lines.map((line) => `${line}\n`).join('');
}
