import { shellQuote } from '../../shell/quote.js';
import { DEPLOY_DIR } from './step.js';

/**
 * `logs`: the `docker compose logs` command line run on the host. `exec` makes
 * docker the channel's process, so the signal sent when the user stops a
 * --follow reaches it instead of a shell.
 */
export interface LogsRequest {
  readonly service?: string | undefined;
  readonly follow?: boolean;
  /** A Go duration (10m, 1h30m) or a timestamp docker accepts, already checked by `logsOptionProblem`. */
  readonly since?: string | undefined;
  /** Lines from the end of each container's log; undefined: all. */
  readonly tail?: number | undefined;
}

export function logsCommand(request: LogsRequest, deployDir = DEPLOY_DIR): string {
  const parts = ['docker', 'compose', 'logs', '--no-color'];
  if (request.follow) parts.push('--follow');
  if (request.since !== undefined) parts.push('--since', shellQuote(request.since));
  if (request.tail !== undefined) parts.push('--tail', String(request.tail));
  if (request.service !== undefined) parts.push('--', shellQuote(request.service));
  return `cd ${shellQuote(deployDir)} && exec ${parts.join(' ')}`;
}

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Why a --since value is not one docker understands, or undefined. */
export function sinceProblem(since: string): string | undefined {
  if (DURATION.test(since) || TIMESTAMP.test(since) || /^\d+$/.test(since)) return undefined;
  return `'${since}' is neither a duration (10m, 1h30m, 45s) nor a time (2025-01-31, 2025-01-31T13:00:00Z, a Unix timestamp)`;
}

/** --tail as a line count: a whole number, or 'all'. */
export function parseTail(tail: string): number | undefined | Error {
  if (tail === 'all') return undefined;
  if (/^\d+$/.test(tail)) return Number(tail);
  return new Error(`'${tail}' is not a number of lines (a whole number, or all)`);
}
