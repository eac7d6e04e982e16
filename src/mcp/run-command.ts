import { COMMANDS, type CommandSpec } from '../cli/commands.js';
import type { CommandContext, CommandHandler } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';
import { createOutput } from '../output/console.js';
import { collectingStdout } from './stdout.js';

/** Where the server works: the `mcp` command's working directory and environment variables. */
export interface ServerScope {
  readonly workingDir: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface CommandRequest {
  /** The command path as typed, for example "deploy" or "create environment". */
  readonly command: string;
  readonly args?: Readonly<Record<string, string | undefined>>;
  readonly options?: Readonly<Record<string, unknown>>;
  readonly dryRun?: boolean;
}

export interface CommandRun {
  readonly exitCode: number;
  /** The JSON documents the command printed with --json, in order (NDJSON lines or one document). */
  readonly records: readonly Record<string, unknown>[];
  /** The error, as --json prints it, when the command failed. */
  readonly error: Record<string, unknown> | undefined;
}

/**
 * Runs a CLI command's own handler, as `ttd <command> --json --non-interactive`
 * would, and returns what it printed on stdout as parsed JSON. `onRecord` sees
 * each NDJSON line as it is printed (for progress).
 */
export async function runCommand(scope: ServerScope, request: CommandRequest, onRecord?: (record: Record<string, unknown>) => void): Promise<CommandRun> {
  const handler = await handlerOf(request.command);
  const context: CommandContext = {
    // The agent gets everything as JSON; stderr (the server's log) keeps only errors.
    output: createOutput({ json: true, quiet: true, verbosity: 0, color: false, command: request.command }),
    workingDir: scope.workingDir,
    verbosity: 0,
    quiet: true,
    json: true,
    dryRun: request.dryRun === true,
    interactive: false,
    env: scope.env,
  };
  let text = '';
  let pending = '';
  const collect = (chunk: string) => {
    text += chunk;
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const record = parseObject(line);
      if (record && onRecord) onRecord(record);
      newline = pending.indexOf('\n');
    }
  };
  let exitCode: number;
  let thrown: DeployerError | undefined;
  try {
    exitCode = (await collectingStdout(collect, () => handler(context, { command: request.command, args: request.args ?? {}, options: request.options ?? {} }))) ?? 0;
  } catch (error) {
    thrown = asDeployerError(error);
    exitCode = thrown.exitCode;
  }
  const records = recordsOf(text);
  const failed = [...records].reverse().find((record) => record['type'] === 'result' && record['ok'] === false);
  const error = thrown?.toJSON() ?? (failed?.['error'] as Record<string, unknown> | undefined);
  return { exitCode, records, error };
}

export function asDeployerError(error: unknown): DeployerError {
  if (error instanceof DeployerError) return error;
  return new DeployerError('internal', `Unexpected error: ${error instanceof Error ? error.message : String(error)}`, {
    fix: 'run the same command with the CLI and -vvv for the stack trace, and report it if it persists',
  });
}

async function handlerOf(path: string): Promise<CommandHandler> {
  let specs: readonly CommandSpec[] = COMMANDS;
  let spec: CommandSpec | undefined;
  for (const name of path.split(' ')) {
    spec = specs.find((candidate) => candidate.name === name);
    specs = spec?.subcommands ?? [];
  }
  if (!spec?.load) throw new Error(`no command ${path} in the command table`);
  return (await spec.load()).default;
}

/** One pretty-printed document, or one document per line. */
function recordsOf(text: string): Record<string, unknown>[] {
  const whole = parseObject(text);
  if (whole) return [whole];
  return text.split('\n').flatMap((line) => {
    const record = parseObject(line);
    return record ? [record] : [];
  });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
