import { Chalk, type ChalkInstance } from 'chalk';

/**
 * Where a command's words go. stdout holds results only (text, or one JSON
 * document with --json); everything else goes to stderr, filtered by -q and -v.
 */
export interface Output {
  readonly json: boolean;
  readonly verbosity: number;
  readonly color: ChalkInstance;
  /** The command's result on stdout: text in text mode, ignored with --json. */
  result(text: string): void;
  /** The command's result on stdout as JSON; ignored in text mode. */
  resultJson(value: unknown): void;
  success(text: string): void;
  info(text: string): void;
  warn(text: string): void;
  error(text: string): void;
  /** Shown from -v on. */
  detail(text: string): void;
  /** Shown from -vvv on. */
  debug(text: string): void;
}

export interface OutputOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbosity: number;
  readonly color: boolean;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
}

export function createOutput(options: OutputOptions): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const color = new Chalk({ level: options.color ? 1 : 0 });
  const line = (stream: NodeJS.WritableStream, text: string) => stream.write(text.endsWith('\n') ? text : `${text}\n`);
  const chatty = !options.quiet;

  return {
    json: options.json,
    verbosity: options.verbosity,
    color,
    result: (text) => {
      if (!options.json) line(stdout, text);
    },
    resultJson: (value) => {
      // One line, so every command's --json output is also valid NDJSON.
      if (options.json) line(stdout, JSON.stringify(value));
    },
    success: (text) => chatty && line(stderr, `${color.green('✓')} ${text}`),
    info: (text) => chatty && line(stderr, text),
    warn: (text) => chatty && line(stderr, `${color.yellow('⚠')} ${text}`),
    error: (text) => line(stderr, `${color.red('✗')} ${text}`),
    detail: (text) => chatty && options.verbosity >= 1 && line(stderr, color.dim(text)),
    debug: (text) => chatty && options.verbosity >= 3 && line(stderr, color.dim(text)),
  };
}

/** Colour unless --no-color, NO_COLOR, or a stream that is not a terminal (FORCE_COLOR forces it). */
export function colorWanted(flag: boolean, env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): boolean {
  if (!flag || (env['NO_COLOR'] ?? '') !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}
