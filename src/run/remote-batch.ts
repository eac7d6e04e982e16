import { randomBytes } from 'node:crypto';
import type { RemoteCommandStep } from '../plan/types.js';
import { remoteCommandLine } from '../plan/command-line.js';

/**
 * Consecutive remote commands run as one script over one round trip. Each
 * step's check and command are wrapped so the script reports, between marker
 * lines only it can print, which steps it skipped, started, finished or failed.
 */

export type BatchMarker =
  | { readonly step: string; readonly event: 'skip' | 'start' | 'done' }
  | { readonly step: string; readonly event: 'fail'; readonly exitCode: number };

export interface Batch {
  readonly script: string;
  /** The marker a line holds, if it is one. */
  parse(line: string): BatchMarker | undefined;
}

export function batchScript(steps: readonly RemoteCommandStep[], nonce = randomBytes(6).toString('hex')): Batch {
  const tag = `@@ttd-${nonce}`;
  const lines = ['exec 2>&1'];
  steps.forEach((step, index) => {
    const mark = (event: string, extra = '') => `echo "${tag} ${event} ${index}${extra}"`;
    const run = `${remoteCommandLine(step.command, step.sudo)} || { rc=$?; ${mark('fail', ' $rc')}; exit $rc; }; ${mark('done')}`;
    lines.push(step.check === undefined
      ? `${mark('start')}; ${run}`
      : `if ${remoteCommandLine(step.check, step.sudo)} >/dev/null 2>&1; then ${mark('skip')}; else ${mark('start')}; ${run}; fi`);
  });
  return {
    script: `${lines.join('\n')}\n`,
    parse: markerParser(tag, steps),
  };
}

/** Reads the marker lines `tag` starts (`<tag> <event> <step index> [exit code]`) a batch script prints. */
export function markerParser(tag: string, steps: readonly { readonly id: string }[]): (line: string) => BatchMarker | undefined {
  return (line) => {
    if (!line.startsWith(`${tag} `)) return undefined;
    const [event, index, code] = line.slice(tag.length + 1).split(' ');
    const step = steps[Number(index)];
    if (!step) return undefined;
    if (event === 'fail') return { step: step.id, event, exitCode: Number(code) };
    if (event === 'skip' || event === 'start' || event === 'done') return { step: step.id, event };
    return undefined;
  };
}
