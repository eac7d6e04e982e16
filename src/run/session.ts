import type { CommandContext, CommandInput } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';
import { listrSink } from '../output/listr-sink.js';
import { logFileSink } from '../output/log-sink.js';
import { NdjsonWriter } from '../output/ndjson-sink.js';
import { plainSink } from '../output/plain-sink.js';
import { fanOut, masking, type EventSink } from './events.js';

/**
 * Everything a command that runs a plan shares: where events go (listr2 tree,
 * plain lines, NDJSON, the log file), secret masking, and Ctrl-C: the first
 * asks the executor to stop at the next safe point, the second aborts.
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
  /** data/<env>: where the log file goes; none in a dry run. */
  readonly environmentDirectory: string | undefined;
  readonly command: string;
  readonly stderr?: NodeJS.WriteStream;
  readonly stdout?: NodeJS.WritableStream;
}

export function openSession(context: CommandContext, options: SessionOptions): EngineSession {
  const stderr = options.stderr ?? process.stderr;
  const stdout = options.stdout ?? process.stdout;
  const sinks: EventSink[] = [];
  let drawn: () => Promise<void> = async () => undefined;
  const json = context.json ? new NdjsonWriter((text) => stdout.write(text)) : undefined;
  const quiet = context.quiet === true;

  if (json) {
    sinks.push(json.sink);
  } else if (quiet) {
    sinks.push(plainSink({ write: (line) => stderr.write(`${line}\n`), verbosity: 0, quiet: true }));
  } else if (stderr.isTTY === true && context.env['TERM'] !== 'dumb') {
    const tree = listrSink({ verbosity: context.verbosity, stream: stderr });
    sinks.push(tree.sink);
    drawn = () => tree.finished();
  } else {
    sinks.push(plainSink({ write: (line) => stderr.write(`${line}\n`), verbosity: context.verbosity, quiet: false }));
  }
  let logFile: string | undefined;
  if (options.environmentDirectory !== undefined) {
    const log = logFileSink(options.environmentDirectory, options.command);
    sinks.push(log.sink);
    logFile = log.path;
  }

  const abort = new AbortController();
  let stop = false;
  const onInterrupt = () => {
    if (stop) {
      abort.abort(new DeployerError('interrupted', 'Aborted by a second Ctrl-C'));
      return;
    }
    stop = true;
    stderr.write('\nStopping at the next safe point (Ctrl-C again to abort now)…\n');
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);

  return {
    emit: masking(options.secrets, fanOut(sinks)),
    json,
    signal: abort.signal,
    logFile,
    stopRequested: () => stop,
    close: async () => {
      await drawn();
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
    },
  };
}

/** --lock-wait SECONDS: a whole, non-negative number. */
export function lockWaitOf(input: CommandInput): number {
  const raw = input.options['lockWait'];
  if (raw === undefined) return 0;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new DeployerError('usage.invalid', `--lock-wait must be a whole number of seconds, not '${String(raw)}'`, { fix: 'pass for example --lock-wait 60' });
  }
  return seconds;
}

/**
 * In --json mode a failure is the last NDJSON line ({"type":"result","ok":false,...})
 * so stdout stays one JSON object per line; in text mode the error goes to the
 * usual error report.
 */
export async function withJsonResult(context: CommandContext, command: string, body: (json: NdjsonWriter | undefined) => Promise<number>): Promise<number> {
  const json = context.json ? new NdjsonWriter((text) => process.stdout.write(text)) : undefined;
  try {
    return await body(json);
  } catch (error) {
    if (!json) throw error;
    const deployerError = error instanceof DeployerError ? error : new DeployerError('internal', `Unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    json.line({ type: 'result', ok: false, exit_code: deployerError.exitCode, command, error: deployerError.toJSON() });
    return deployerError.exitCode;
  }
}
