import { resolve } from 'node:path';
import { colorWanted, createOutput, stderrTerminal, type Output } from '../output/console.js';

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
  const terminal = stderrTerminal(env);
  return {
    output: createOutput({ json, quiet: options.quiet === true, verbosity, command, color: colorWanted(options.color, env, process.stderr), ...(terminal ? { terminal } : {}) }),
    workingDir: resolve(options.workingDir ?? process.cwd()),
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
