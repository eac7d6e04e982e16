import { COMMANDS, type CommandSpec } from '../cli/commands.js';
import type { CommandContext, CommandHandler } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';
import { createOutput, PROCESS_STREAMS } from '../output/console.js';
import { JsonTextReader, type JsonRecord, type RecordSink } from './sink.js';

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
  readonly records: readonly JsonRecord[];
  /** The error, as --json prints it, when the command failed. */
  readonly error: Record<string, unknown> | undefined;
}

/**
 * Runs a CLI command's own handler, as `ttd <command> --json --non-interactive`
 * would, and returns the records it reported. `onRecord` sees each as it is
 * reported (for progress). The command's Output writes to the call's sink.
 */
export async function runCommand(scope: ServerScope, request: CommandRequest, onRecord?: RecordSink): Promise<CommandRun> {
  const handler = await handlerOf(request.command);
  const records: JsonRecord[] = [];
  const reader = new JsonTextReader((record) => {
    records.push(record);
    onRecord?.(record);
  });
  const context: CommandContext = {
    // The agent gets everything as JSON; stderr (the server's log) keeps only errors.
    output: createOutput({ json: true, quiet: true, verbosity: 0, color: false, command: request.command, streams: { stdout: reader.write, stderr: PROCESS_STREAMS.stderr } }),
    workingDir: scope.workingDir,
    verbosity: 0,
    quiet: true,
    json: true,
    dryRun: request.dryRun === true,
    interactive: false,
    env: scope.env,
  };
  let exitCode: number;
  let thrown: DeployerError | undefined;
  try {
    exitCode = (await handler(context, { command: request.command, args: request.args ?? {}, options: request.options ?? {} })) ?? 0;
  } catch (error) {
    thrown = asDeployerError(error);
    exitCode = thrown.exitCode;
  }
  reader.end();
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
