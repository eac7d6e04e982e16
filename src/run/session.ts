import type { RunContext } from './context.js';
import { DeployerError } from '../domain/errors.js';
import { eventView } from '../output/event-view.js';
import { NdjsonWriter } from '../output/ndjson-sink.js';
import { reportError } from '../output/report-error.js';
import { fanOut, type EventSink } from '../plan/events.js';

/**
 * Everything a command that runs a plan shares: where events go (the reporter's
 * view of them, and the log file), secret masking, and Ctrl-C: the first asks
 * the executor to stop at the next safe point, the second aborts.
 */
export interface EngineSession {
  readonly emit: EventSink;
  readonly json: NdjsonWriter | undefined;
  readonly signal: AbortSignal;
  readonly logFile: string | undefined;
  stopRequested(): boolean;
  /** Waits for the sinks to draw their last line and removes the Ctrl-C handler. */
  close(): Promise<void>;
}

export interface SessionOptions {
  readonly secrets: readonly string[];
  /** data/<env>: the command's log file goes under it (unless --log-dir); none in a dry run. */
  readonly environmentDirectory: string | undefined;
  /** A step whose output is the command's result (printed by the command): the view does not repeat it; the log has it. */
  readonly resultStep?: string;
}

export const STOP_NOTICE = 'Stopping at the next safe point (Ctrl-C again to abort now)…';

export function openSession(context: RunContext, options: SessionOptions): EngineSession {
  const { output } = context;
  output.addSecrets(options.secrets);
  const view = eventView(output);
  const shown: EventSink = options.resultStep === undefined ? view.sink : (event) => (event.type === 'step.output' && event.step === options.resultStep ? undefined : view.sink(event));
  const sinks: EventSink[] = [shown, (event) => output.log.write(event)];
  const logFile = options.environmentDirectory === undefined ? undefined : output.log.placeIn(options.environmentDirectory);

  // Masked once, here, before any sink (the log file included) sees the event.
  const emit: EventSink = (event) => fanOut(sinks)(output.mask(event));
  const abort = new AbortController();
  let stop = false;
  const onInterrupt = () => {
    if (stop) {
      abort.abort(new DeployerError('interrupted', 'Aborted by a second Ctrl-C'));
      return;
    }
    stop = true;
    // An event, so the tree draws the notice in place instead of a line it would paint over.
    emit({ type: 'stop.requested', message: STOP_NOTICE });
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);

  return {
    emit,
    json: context.json ? new NdjsonWriter(output) : undefined,
    signal: abort.signal,
    logFile,
    stopRequested: () => stop,
    close: async () => {
      await view.finished();
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
    },
  };
}

/** --lock-wait SECONDS: a whole, non-negative number. */
export function lockWaitOf(input: { readonly options: Readonly<Record<string, unknown>> }): number {
  const raw = input.options['lockWait'];
  if (raw === undefined) return 0;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new DeployerError('usage.invalid', `--lock-wait must be a whole number of seconds, not '${String(raw)}'`, { fix: 'pass for example --lock-wait 60' });
  }
  return seconds;
}

/**
 * In --json mode a failure is the result line ({"type":"result","ok":false,...})
 * so stdout stays one JSON object per line; in text mode the error goes to the
 * usual error report.
 */
export async function withJsonResult(context: RunContext, _command: string, body: (json: NdjsonWriter | undefined) => Promise<number>): Promise<number> {
  try {
    return await body(context.json ? new NdjsonWriter(context.output) : undefined);
  } catch (error) {
    if (!context.json) throw error;
    return reportError(context.output, error);
  }
}
