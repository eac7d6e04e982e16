import type { EventSink } from '../plan/events.js';
import type { Output } from './console.js';
import { listrSink } from './listr-sink.js';
import { NdjsonWriter } from './ndjson-sink.js';
import { plainSink } from './plain-sink.js';

export interface EventView {
  readonly sink: EventSink;
  /** Resolves once the view has drawn its last line. */
  finished(): Promise<void>;
}

/**
 * How the engine's events are shown, by the reporter's mode: NDJSON on stdout
 * with --json, failures only with -q, the task tree on a terminal, plain lines
 * otherwise.
 */
export function eventView(output: Output): EventView {
  const done = async () => undefined;
  if (output.json) return { sink: new NdjsonWriter(output).sink, finished: done };
  if (output.quiet) return { sink: plainSink({ write: output.progress, verbosity: 0, quiet: true }), finished: done };
  if (output.terminal) {
    const tree = listrSink({ verbosity: output.verbosity, stream: output.terminal });
    return { sink: tree.sink, finished: () => tree.finished() };
  }
  return { sink: plainSink({ write: output.progress, verbosity: output.verbosity, quiet: false }), finished: done };
}
