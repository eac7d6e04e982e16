import { join, resolve } from 'node:path';
import { DeployerError } from '../domain/errors.js';
import { NO_LOG, openCommandLog, type CommandLog, type LogFormat } from '../output/command-log.js';
import { colorWanted, createOutput, PROCESS_STREAMS, stderrTerminal, type Output } from '../output/console.js';
import { terminalStyles } from '../output/styles.js';

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
  /** A terminal that cannot draw screens (TERM=dumb): the wizard asks in plain lines. */
  readonly plainPrompts?: boolean;
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

/** Makes JSON the default result format, for scripts written for the Rust deployer (whose default is JSON). */
export const OUTPUT_FORMAT_VARIABLE = 'TORRUST_TD_OUTPUT_FORMAT';

/**
 * --json or --output-format decide; without them TORRUST_TD_OUTPUT_FORMAT does, except for
 * the wizard (init, or no command at all), which is for people at a terminal, not scripts.
 */
export function isJson(options: Pick<GlobalOptions, 'json' | 'outputFormat'>, command: string, env: NodeJS.ProcessEnv): boolean {
  if (options.json === true) return true;
  if (options.outputFormat !== undefined) return options.outputFormat === 'json';
  return command !== 'init' && command !== '' && env[OUTPUT_FORMAT_VARIABLE]?.trim().toLowerCase() === 'json';
}

/** A value of TORRUST_TD_OUTPUT_FORMAT that is neither json nor text is a usage error, not silently text. */
export function checkOutputFormatVariable(env: NodeJS.ProcessEnv): void {
  const value = env[OUTPUT_FORMAT_VARIABLE];
  if (value === undefined || value.trim() === '' || ['json', 'text'].includes(value.trim().toLowerCase())) return;
  throw new DeployerError('usage.invalid', `${OUTPUT_FORMAT_VARIABLE}=${value} is not an output format`, {
    where: OUTPUT_FORMAT_VARIABLE,
    fix: `set it to json or text (or unset it: text is the default); --json and -o text|json win over it`,
  });
}

/** The context of `command` (as typed) run from the command line, reporting on the process's streams. */
export function createContext(options: GlobalOptions, command: string, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const json = isJson(options, command, env);
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
    plainPrompts: isPlainTerminal(options, env),
    env,
  };
}

export function isInteractive(options: Pick<GlobalOptions, 'nonInteractive'>, env: NodeJS.ProcessEnv): boolean {
  return promptsAllowed(options, env) && env['TERM'] !== 'dumb';
}

/** A person at a terminal that cannot draw (TERM=dumb: Emacs shells, some IDE consoles): plain line prompts. */
export function isPlainTerminal(options: Pick<GlobalOptions, 'nonInteractive'>, env: NodeJS.ProcessEnv): boolean {
  return promptsAllowed(options, env) && env['TERM'] === 'dumb';
}

function promptsAllowed(options: Pick<GlobalOptions, 'nonInteractive'>, env: NodeJS.ProcessEnv): boolean {
  const ci = (env['CI'] ?? '') !== '' && env['CI'] !== 'false';
  return !options.nonInteractive && !ci && process.stdin.isTTY === true && process.stdout.isTTY === true;
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
    ...(options.logOutput === 'file-and-stderr' ? { stderr: { write: PROCESS_STREAMS.stderr, format: options.logStderrFormat ?? 'pretty', color: terminalStyles(color) } } : {}),
  });
}
