import { maskSecrets, maskSecretsDeep } from '../domain/mask-secrets.js';
import { NO_LOG, type CommandLog } from './command-log.js';
import { terminalStyles, type Styles } from './styles.js';

/** One line of --json output: an object that says what it is. */
export interface JsonRecord {
  readonly type: string;
}

/**
 * The one reporter: every word a command prints goes through it. stdout holds
 * results only (text, or with --json one JSON object per line, each with a
 * `type`, the last one the `result`); everything else goes to stderr, filtered
 * by -q and -v. Every line is masked first: secrets given to `addSecrets` never
 * reach a stream.
 */
export interface Output {
  readonly json: boolean;
  readonly verbosity: number;
  readonly quiet: boolean;
  /** Colour or not, as decided once for the command (--no-color, NO_COLOR, a terminal). */
  readonly color: Styles;
  /** The command as typed, named in the result line. */
  readonly command: string;
  /** stderr when it is a terminal the task tree may draw on (the process's own streams only). */
  readonly terminal: NodeJS.WriteStream | undefined;
  /** The command's result on stdout: text in text mode, ignored with --json. */
  result(text: string): void;
  /** With --json, the result line: `fields` with type, ok, exit_code and command; ignored in text mode. */
  resultJson(fields: Record<string, unknown>, exitCode?: number): void;
  /**
   * With --json, one line on stdout; ignored in text mode. A `result` record ends the output.
   * Logged too, unless `logged` says the log has it already (an engine event).
   */
  record(record: JsonRecord, options?: { readonly logged?: boolean }): void;
  /** When stdout has more queued than it can take: resolves once it drained (a stream reader pauses meanwhile). */
  stdoutDrained(): Promise<void> | undefined;
  /** Whether the result line has been printed. */
  readonly ended: boolean;
  success(text: string): void;
  info(text: string): void;
  warn(text: string): void;
  error(text: string): void;
  /** Shown from -v on. */
  detail(text: string): void;
  /** Shown from -vvv on. */
  debug(text: string): void;
  /** A line on stderr that the caller has already filtered (event sinks, the Ctrl-C notice). */
  progress(text: string): void;
  /** Secret values to mask in everything printed from now on (and in `mask`). */
  addSecrets(values: readonly string[]): void;
  /** A value with every known secret masked in each of its strings. */
  mask<T>(value: T): T;
  /** The command's log file: every line printed here is in it (masked), shown or not. */
  readonly log: CommandLog;
}

/** Where the reporter's lines end up: the process's streams, or a sink of its own (the MCP server's). */
export interface OutputStreams {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Backpressure: a promise of stdout's drain when it is full (none: never full). */
  readonly stdoutDrained?: () => Promise<void> | undefined;
}

export interface OutputOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbosity: number;
  readonly color: boolean;
  readonly command?: string;
  /** Default: process.stdout and process.stderr, looked up at each write. */
  readonly streams?: OutputStreams;
  readonly terminal?: NodeJS.WriteStream;
  /** Default: none (the MCP server's calls, tests). */
  readonly log?: CommandLog;
}

export const PROCESS_STREAMS: OutputStreams = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stdoutDrained: () => (process.stdout.writableNeedDrain ? new Promise((drained) => process.stdout.once('drain', () => drained())) : undefined),
};

/** Secrets shorter than this are not masked: they would blank out ordinary words. */
const SHORTEST_SECRET = 4;

export function createOutput(options: OutputOptions): Output {
  const streams = options.streams ?? PROCESS_STREAMS;
  const color = terminalStyles(options.color);
  const secrets: string[] = [];
  const mask = <T>(value: T): T => (secrets.length === 0 ? value : maskSecretsDeep(value, secrets));
  const log = options.log ?? NO_LOG;
  const masked = (text: string) => (secrets.length === 0 ? text : maskSecrets(text, secrets));
  const line = (write: (text: string) => void, text: string) => {
    const shown = masked(text);
    write(shown.endsWith('\n') ? shown : `${shown}\n`);
  };
  /** A line for the log file, shown or not; `shown` prints it. */
  const logged = (level: string, text: string, shown: boolean, write: (text: string) => void = streams.stderr) => {
    log.write({ type: 'output', level, text: masked(text) });
    if (shown) line(write, text);
  };
  const chatty = !options.quiet;
  const command = options.command ?? '';
  let ended = false;

  const record = (value: JsonRecord, { logged = false }: { logged?: boolean } = {}) => {
    if (!logged) log.write(mask(value));
    if (!options.json) return;
    // One object per line, so every command's --json output is NDJSON.
    line(streams.stdout, JSON.stringify(mask(value)));
    if (value.type === 'result') ended = true;
  };

  return {
    json: options.json,
    verbosity: options.verbosity,
    quiet: options.quiet,
    color,
    command,
    terminal: options.terminal,
    get ended() {
      return ended;
    },
    result: (text) => logged('result', text, !options.json, streams.stdout),
    resultJson: (fields, exitCode = 0) => {
      const result = { type: 'result', ok: exitCode === 0, exit_code: exitCode, command, ...fields };
      record(result);
    },
    record,
    stdoutDrained: () => streams.stdoutDrained?.(),
    success: (text) => logged('success', `${color.green('✓')} ${text}`, chatty),
    info: (text) => logged('info', text, chatty),
    warn: (text) => logged('warn', `${color.yellow('⚠')} ${text}`, chatty),
    error: (text) => logged('error', `${color.red('✗')} ${text}`, true),
    detail: (text) => logged('detail', color.dim(text), chatty && options.verbosity >= 1),
    debug: (text) => logged('debug', color.dim(text), chatty && options.verbosity >= 3),
    // Event sinks' lines: the log has the events themselves.
    progress: (text) => line(streams.stderr, text),
    addSecrets: (values) => {
      for (const value of values) if (value.length >= SHORTEST_SECRET && !secrets.includes(value)) secrets.push(value);
    },
    mask,
    log,
  };
}

/** Where a yes/no question is asked: stderr, so stdout keeps only results. */
export const PROMPT_STREAM: NodeJS.WritableStream = process.stderr;

/** process.stderr, when the task tree may draw on it. */
export function stderrTerminal(env: NodeJS.ProcessEnv): NodeJS.WriteStream | undefined {
  return process.stderr.isTTY === true && env['TERM'] !== 'dumb' ? process.stderr : undefined;
}

/** Colour unless --no-color, NO_COLOR, or a stream that is not a terminal (FORCE_COLOR forces it). */
export function colorWanted(flag: boolean, env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): boolean {
  if (!flag || (env['NO_COLOR'] ?? '') !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}
