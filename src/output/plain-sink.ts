import { recordLines } from '../domain/dns-records.js';
import type { EngineEvent, EventSink } from '../plan/events.js';
import { attemptText } from './attempt-text.js';

export interface PlainSinkOptions {
  readonly write: (line: string) => void;
  /** 0 steps only, 1 step commands, 2 plus the last output lines of each step, 3 every output line. Quiet shows failures only. */
  readonly verbosity: number;
  readonly quiet: boolean;
}

/** Append-only lines for logs and pipes (stderr when it is not a terminal). */
export function plainSink(options: PlainSinkOptions): EventSink {
  const { write, verbosity, quiet } = options;
  const titles = new Map<string, string>();
  return (event: EngineEvent) => {
    if (event.type === 'step.started') titles.set(event.step, event.title);
    const title = 'step' in event ? (titles.get(event.step) ?? event.step) : '';
    if (quiet) {
      if (event.type === 'step.undo.failed') write(`✗ undo of ${title} failed: ${event.error}`);
      return;
    }
    switch (event.type) {
      case 'lock.acquired':
        if (event.took_over_from) write(`⚠ took over the lock left by pid ${event.took_over_from.pid} ('${event.took_over_from.command}', since ${event.took_over_from.since}), which is no longer running`);
        return;
      case 'stage.started':
        write(`▸ ${event.stage}`);
        return;
      case 'step.started':
        if (verbosity >= 1) write(`  … ${event.title}`);
        return;
      case 'step.command':
        if (verbosity >= 1) write(`    $ ${event.command}`);
        return;
      case 'step.output':
        if (verbosity >= 2) write(`    │ ${event.line}`);
        return;
      case 'step.attempt':
        write(`    ${attemptText(event)}`);
        return;
      case 'stop.requested':
        write(event.message);
        return;
      case 'step.succeeded':
        write(`  ✓ ${title}`);
        return;
      case 'step.skipped':
        write(`  ↷ ${title} (${event.reason})`);
        return;
      case 'step.failed':
        // The error is the command's headline, printed once after the steps.
        write(`  ✗ ${title}`);
        return;
      case 'step.warned':
        write(`  ⚠ ${title}: ${event.error}`);
        return;
      case 'step.undo.started':
        if (verbosity >= 1) write(`  … undo: ${title}`);
        return;
      case 'step.undo.succeeded':
        write(`  ↶ undone: ${title}`);
        return;
      case 'step.undo.failed':
        write(`  ✗ undo of ${title} failed: ${event.error}`);
        return;
      case 'step.notice':
        write(`  ${event.level === 'warning' ? '⚠' : 'ℹ'} ${event.message}`);
        return;
      case 'dns.records':
        for (const line of recordLines(event.records)) write(`    ${line}`);
        return;
      case 'state.changed':
        if (verbosity >= 1) write(`  state: ${event.from} → ${event.to}`);
        return;
      case 'stage.finished':
      case 'plan.started':
      case 'plan.finished':
        return;
    }
  };
}
