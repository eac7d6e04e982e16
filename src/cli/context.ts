import { join, resolve } from 'node:path';
import { Chalk } from 'chalk';
import { NO_LOG, openCommandLog, type CommandLog, type LogFormat } from '../output/command-log.js';
import { colorWanted, createOutput, PROCESS_STREAMS, stderrTerminal, type Output } from '../output/console.js';

/** Flags every command accepts (DESIGN.md, plus the Rust deployer's spellings). */
export interface GlobalOptions {
  readonly verbose: number;
  readonly quiet?: boolean;
  readonly json?: boolean;
  readonly outputFormat?: 'json' | 'text';
  readonly dryRun?: boolean;
  readonly nonInteractive?: boolean;
  readonly workingDir?: string;
  readonly color: boolean;
  readonly logDir?: string;
  readonly logOutput?: 'file-only' | 'file-and-stderr';
  readonly logFileFormat?: LogFormat;
  readonly logStderrFormat?: LogFormat;
}

export interface CommandContext {
  readonly output: Output;
  /** Absolute; data/ and envs/ live under it. */
  readonly workingDir: string;
  readonly verbosity: number;
  /** -q: errors and results only. */
  readonly quiet?: boolean;
  readonly json: boolean;
  readonly dryRun: boolean;
  /** Prompts are allowed: a terminal on both ends and no --non-interactive. */
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
}

export interface CommandInput {
  /** The command as typed, for example "create template". */
  readonly command: string;
  readonly args: Readonly<Record<string, string | undefined>>;
  readonly options: Readonly<Record<string, unknown>>;
}

/** What a command returns: its exit code (0 when omitted). */
export type CommandHandler = (context: CommandContext, input: CommandInput) => Promise<number | void>;

export function isJson(options: GlobalOptions): boolean {
  return options.json === true || options.outputFormat === 'json';
}

/** The context of `command` (as typed) run from the command line, reporting on the process's streams. */
export function createContext(options: GlobalOptions, command: string, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const json = isJson(options);
  const verbosity = options.quiet ? 0 : options.verbose;
  const workingDir = resolve(options.workingDir ?? process.cwd());
  const color = colorWanted(options.color, env, process.stderr);
  const logToStderr = options.logOutput === 'file-and-stderr';
  // The log's own lines on stderr would tear the task tree: plain progress lines then.
  const terminal = logToStderr ? undefined : stderrTerminal(env);
  const log = options.dryRun === true ? NO_LOG : commandLog(options, command, workingDir, color);
  return {
    output: createOutput({ json, quiet: options.quiet === true, verbosity, command, color, log, ...(terminal ? { terminal } : {}) }),
    workingDir,
    verbosity,
    quiet: options.quiet === true,
    json,
    dryRun: options.dryRun === true,
    interactive: isInteractive(options, env),
    env,
  };
}

export function isInteractive(options: Pick<GlobalOptions, 'nonInteractive'>, env: NodeJS.ProcessEnv): boolean {
  const ci = (env['CI'] ?? '') !== '' && env['CI'] !== 'false';
  return !options.nonInteractive && !ci && process.stdin.isTTY === true && process.stdout.isTTY === true && env['TERM'] !== 'dumb';
}

/**
 * The Rust deployer's logging flags: --log-dir (default <working dir>/data/logs, or
 * data/<env>/logs for a command on an environment), --log-output file-and-stderr,
 * --log-file-format (default compact) and --log-stderr-format (default pretty).
 * A dry run changes nothing anywhere, so it writes no log.
 */
function commandLog(options: GlobalOptions, command: string, workingDir: string, color: boolean): CommandLog {
  return openCommandLog({
    command,
    directory: options.logDir === undefined ? undefined : resolve(options.logDir),
    defaultDirectory: join(workingDir, 'data', 'logs'),
    fileFormat: options.logFileFormat ?? 'compact',
    ...(options.logOutput === 'file-and-stderr' ? { stderr: { write: PROCESS_STREAMS.stderr, format: options.logStderrFormat ?? 'pretty', color: new Chalk({ level: color ? 1 : 0 }) } } : {}),
  });
}
