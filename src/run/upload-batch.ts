import { randomBytes } from 'node:crypto';
import { remoteCommandLine } from '../plan/command-line.js';
import type { UploadStep } from '../plan/types.js';
import { shellQuote } from '../shell/quote.js';
import { markerParser, type BatchMarker } from './remote-batch.js';

/**
 * Every upload of a run of upload steps in one round trip: the contents travel on the
 * command's standard input (one base64 line per file, so secrets never reach a command
 * line), and one root script stages them, compares each with the file in place (content,
 * mode and, when the step names one, owner) and puts only the different ones in place,
 * each written beside its target and renamed over it. Marker lines, as in the remote
 * batch, say which files were skipped, started, put in place or failed.
 */
export interface UploadBatch {
  readonly command: string;
  readonly stdin: string;
  /** What each file's placing runs, for the step.command event. */
  readonly placing: (index: number) => string;
  parse(line: string): BatchMarker | undefined;
}

export function uploadBatch(steps: readonly UploadStep[], nonce = randomBytes(6).toString('hex')): UploadBatch {
  const tag = `@@ttd-${nonce}`;
  const mark = (event: string, index: number | string, extra = '') => `echo "${tag} ${event} ${index}${extra}"`;
  const placing = (index: number, staged: string) => {
    const step = steps[index]!;
    const target = shellQuote(step.target);
    const partial = shellQuote(`${step.target}.ttd-upload`);
    const mode = step.mode.toString(8).padStart(4, '0');
    const [user, group = user] = step.owner === undefined ? [] : step.owner.split(':');
    const owner = user === undefined ? '' : ` -o ${shellQuote(user)} -g ${shellQuote(group!)}`;
    const ownedBy = user === undefined ? '' : ` -user ${shellQuote(user)} -group ${shellQuote(group!)}`;
    return {
      same: `cmp -s ${staged} ${target} && test -n "$(find ${target} -maxdepth 0 -perm ${mode}${ownedBy} 2>/dev/null)"`,
      place: `install -D -m ${mode}${owner} ${staged} ${partial} && mv -f ${partial} ${target}`,
    };
  };
  const lines = [
    'exec 2>&1',
    'stage=$(mktemp -d) || exit 1',
    `trap 'rm -rf "$stage"' EXIT`,
    `for i in ${steps.map((_, index) => index).join(' ')}; do IFS= read -r data && printf '%s' "$data" | base64 -d > "$stage/$i" || { ${mark('fail', '$i', ' 1')}; exit 1; }; done`,
  ];
  steps.forEach((_, index) => {
    const { same, place } = placing(index, `"$stage/${index}"`);
    lines.push(`if ${same}; then ${mark('skip', index)}; else ${mark('start', index)}; { ${place}; } || { rc=$?; ${mark('fail', index, ' $rc')}; exit $rc; }; ${mark('done', index)}; fi`);
  });
  return {
    command: remoteCommandLine(`${lines.join('\n')}\n`, true),
    stdin: steps.map((step) => `${Buffer.from(step.content).toString('base64')}\n`).join(''),
    placing: (index) => placing(index, '<staged>').place,
    parse: markerParser(tag, steps),
  };
}
