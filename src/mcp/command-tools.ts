import { basename, extname, join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { COMMANDS, type CommandSpec } from '../cli/commands.js';
import type { ConfigFormat } from '../config/document.js';
import { loadConfigText } from '../config/load.js';
import { summarize } from '../config/summary.js';
import { DeployerError } from '../domain/errors.js';
import { ProgressTracker } from './progress.js';
import { guarded, toolError, toolResult } from './results.js';
import { runCommand, type CommandRequest, type ServerScope } from './run-command.js';
import { toolFields, type ToolField } from './tool-input.js';
import { TOOL_POLICIES, type ToolPolicy } from './tool-policies.js';

/** What a tool callback gets besides its arguments (the parts used here). */
interface CallExtra {
  readonly _meta?: { readonly progressToken?: string | number } | undefined;
  sendNotification(notification: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; total?: number; message?: string } }): Promise<void>;
}

type Policy = Exclude<ToolPolicy, { notATool: string }>;
type Values = Readonly<Record<string, unknown>>;

const INLINE = '(inline text)';
/** The cap on a config file, for the text given instead of one: one call cannot keep the server busy. */
const MAX_INLINE_CONFIG_BYTES = 10 * 1024 * 1024;

/** Every command of the table, with its path ("backup list"), that runs something. */
export function commandPaths(specs: readonly CommandSpec[] = COMMANDS, prefix = ''): { path: string; spec: CommandSpec }[] {
  return specs.flatMap((spec) => {
    const path = `${prefix}${spec.name}`;
    return [...(spec.load ? [{ path, spec }] : []), ...commandPaths(spec.subcommands ?? [], `${path} `)];
  });
}

export function toolNameOf(path: string): string {
  return path.replace(/ /g, '_');
}

/** Every command of the table that is a tool (tool-policies.ts says which), each running the CLI command's own handler. */
export function registerCommandTools(server: McpServer, scope: ServerScope): void {
  for (const { path, spec } of commandPaths()) {
    const policy = TOOL_POLICIES[path];
    if (!policy) throw new Error(`command "${path}" has no entry in src/mcp/tool-policies.ts: make it a tool or say why it is not one`);
    if ('notATool' in policy) continue;
    registerCommandTool(server, scope, path, spec, policy);
  }
}

function registerCommandTool(server: McpServer, scope: ServerScope, path: string, spec: CommandSpec, policy: Policy): void {
  const name = toolNameOf(path);
  const fields = toolFields(spec, policy);
  const inputSchema: Record<string, z.ZodType> = Object.fromEntries(fields.map((field) => [field.property, field.schema]));
  if (policy.dryRun !== undefined) {
    inputSchema['dry_run'] = z
      .boolean()
      .default(policy.dryRun)
      .describe(policy.dryRun ? 'true (the default): only return the plan, change nothing; false: really run it' : 'true: only return the plan, change nothing; false (the default): really run it');
  }
  if (policy.confirm) inputSchema['confirm'] = z.boolean().default(false).describe('the user agreed to it (required with dry_run: false)');
  if (path === 'validate') Object.assign(inputSchema, VALIDATE_TEXT);
  server.registerTool(
    name,
    {
      title: spec.summary,
      description: describeTool(path, spec, policy),
      inputSchema,
      annotations: { readOnlyHint: policy.readOnly === true, destructiveHint: policy.confirm === true },
    },
    async (values: Values, extra: unknown) =>
      guarded(async () => {
        const dryRun = values['dry_run'] === true;
        if (policy.confirm && !dryRun && values['confirm'] !== true) refuseUnconfirmed(`${name} ${subjectOf(fields, values)}: ${spec.summary}.`, name);
        const request: CommandRequest = { command: path, ...commandInput(fields, values, scope), dryRun };
        if (path === 'validate') return validate(scope, request, values);
        if (path === 'render') return render(scope, request, values);
        const confirmed = policy.confirm && spec.options?.some((option) => /--yes\b/.test(option.flags)) ? { ...request, options: { ...request.options, yes: true } } : request;
        return policy.shape === 'document' ? single(scope, confirmed) : lifecycle(scope, confirmed, extra as CallExtra);
      }),
  );
}

function describeTool(path: string, spec: CommandSpec, policy: Policy): string {
  return [
    `${spec.summary}.`,
    spec.states ? `State: ${spec.states}.` : '',
    policy.note ?? '',
    policy.dryRun === true ? 'dry_run defaults to true: the plan comes back and nothing changes.' : '',
    policy.confirm ? 'To really run it, show the user the plan, ask, then call with dry_run: false and confirm: true.' : '',
    `${policy.shape === 'events' ? 'Same events and result as' : 'Same JSON as'} \`ttd ${usageOf(path, spec)} --json\`${policy.shape === 'events' ? '; progress notifications follow the steps' : ''}.`,
  ]
    .filter((part) => part !== '')
    .join(' ');
}

function usageOf(path: string, spec: CommandSpec): string {
  return [path, ...(spec.arguments ?? []).map((argument) => (argument.required ? argument.name.toUpperCase() : `[${argument.name.toUpperCase()}]`))].join(' ');
}

/** The tool's values as the command's arguments and options, as commander would give them. */
function commandInput(fields: readonly ToolField[], values: Values, scope: ServerScope): Pick<CommandRequest, 'args' | 'options'> {
  const args: Record<string, string | undefined> = {};
  const options: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.property];
    if (value === undefined) continue;
    if (field.kind === 'argument') args[field.key] = field.toCommand(value, scope.workingDir) as string;
    else options[field.key] = field.toCommand(value, scope.workingDir);
  }
  return { args, options };
}

/** What a confirmation names: the tool's first argument (the environment, usually). */
function subjectOf(fields: readonly ToolField[], values: Values): string {
  const first = fields.find((field) => field.kind === 'argument');
  return first ? `'${String(values[first.property] ?? '')}'` : '';
}

const VALIDATE_TEXT = {
  text: z.string().optional().describe('the config itself, instead of a path; relative paths in it resolve against the working directory'),
  format: z.enum(['toml', 'json']).optional().describe('format of `text` (default: json when it starts with "{", else toml)'),
};

/** validate: a file through the command, or the text itself checked in memory. */
async function validate(scope: ServerScope, request: CommandRequest, values: Values): Promise<CallToolResult> {
  const text = values['text'] as string | undefined;
  const file = request.args?.['file'];
  if ((file === undefined) === (text === undefined)) {
    throw new DeployerError('usage.invalid', 'Give either path or text, not both and not neither', { where: 'validate', fix: 'pass path: "envs/my-tracker.toml", or text with the config itself' });
  }
  if (text === undefined) return validateFile(scope, file!);
  const format = values['format'] as ConfigFormat | undefined;
  return validateText(scope, text, format ?? (text.trimStart().startsWith('{') ? 'json' : 'toml'));
}

/** render: without output_dir only the file list (a dry run into build/<name>). */
async function render(scope: ServerScope, request: CommandRequest, values: Values): Promise<CallToolResult> {
  const file = request.args?.['file'];
  if (values['output_dir'] !== undefined || file === undefined) return single(scope, request);
  return single(scope, { ...request, options: { ...request.options, outputDir: join(scope.workingDir, 'build', basename(file, extname(file))) }, dryRun: true });
}

async function validateFile(scope: ServerScope, file: string): Promise<CallToolResult> {
  const run = await runCommand(scope, { command: 'validate', args: { file } });
  if (run.error) return toolError(run.error);
  return validation(run.records[0] ?? {}, file);
}

/** The text itself, checked in memory as `validate` checks a file; "(inline text)" stands for the file in every message. */
function validateText(scope: ServerScope, text: string, format: ConfigFormat): CallToolResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_INLINE_CONFIG_BYTES) {
    throw new DeployerError('usage.invalid', `text is ${bytes} bytes; a config is at most ${MAX_INLINE_CONFIG_BYTES} bytes (10 MiB)`, {
      where: 'validate text',
      fix: 'pass the environment config itself (a few kilobytes), or its file as path',
      data: { bytes, limit: MAX_INLINE_CONFIG_BYTES },
    });
  }
  const loaded = loadConfigText(text, format, INLINE, scope.workingDir, scope.env);
  const summary = loaded.config ? summarize(loaded.config) : undefined;
  const problems = (severity: string) => loaded.problems.filter((problem) => problem.severity === severity);
  return validation(
    { config_file: INLINE, format, is_valid: summary !== undefined, ...(summary ?? {}), overrides: loaded.overrides.map((override) => override.variable), errors: problems('error'), warnings: problems('warning') },
    INLINE,
  );
}

/** validate's document as the tool's result, or config.invalid carrying its problems. */
function validation(document: Record<string, unknown>, where: string): CallToolResult {
  if (document['is_valid'] === true) return toolResult(document);
  const errors = (document['errors'] as unknown[] | undefined) ?? [];
  return toolError(
    new DeployerError('config.invalid', `${where} is not valid: ${errors.length} error${errors.length === 1 ? '' : 's'}`, {
      where,
      fix: 'fix each problem in errors (its path, message and fix), then validate again',
      data: { errors, warnings: document['warnings'] ?? [] },
    }).toJSON(),
  );
}

/** A command that prints one JSON document. */
async function single(scope: ServerScope, request: CommandRequest): Promise<CallToolResult> {
  const run = await runCommand(scope, request);
  if (run.error) return toolError(run.error);
  const document = run.records[run.records.length - 1];
  if (!document) throw new DeployerError('internal', `${request.command} printed no JSON`, { fix: 'report this as a bug' });
  return toolResult(document);
}

/** A command that runs a plan: its plan (dry run), events and result, with progress notifications on the way. */
async function lifecycle(scope: ServerScope, request: CommandRequest, extra: CallExtra): Promise<CallToolResult> {
  const token = extra._meta?.progressToken;
  const tracker = new ProgressTracker();
  const sent: Promise<void>[] = [];
  const onRecord =
    token === undefined
      ? undefined
      : (record: Record<string, unknown>) => {
          const progress = tracker.next(record);
          if (!progress) return;
          const params = { progressToken: token, progress: progress.progress, message: progress.message, ...(progress.total === undefined ? {} : { total: progress.total }) };
          sent.push(extra.sendNotification({ method: 'notifications/progress', params }).catch(() => undefined));
        };
  const run = await runCommand(scope, request, onRecord);
  // Progress must reach the client before the result it leads to.
  await Promise.all(sent);
  const plan = run.records.find((record) => record['type'] === 'plan');
  // Command lines and their output stay in the log file (result.log_file): they would swamp an agent's context.
  const events = run.records.filter((record) => !['plan', 'result', 'step.output', 'step.command'].includes(String(record['type'])));
  const result = [...run.records].reverse().find((record) => record['type'] === 'result');
  const parts = { command: request.command, dry_run: request.dryRun === true, ...(plan ? { plan } : {}), events };
  if (run.error) return toolError(run.error, parts);
  return toolResult({ ...parts, result: result ?? { type: 'result', ok: true, exit_code: run.exitCode, command: request.command } });
}

function refuseUnconfirmed(question: string, tool: string): never {
  throw new DeployerError('confirmation.required', `${question} The user has not confirmed it.`, {
    where: tool,
    fix: `show the user the plan (${tool} with dry_run: true), ask, and only if they agree call ${tool} again with dry_run: false and confirm: true`,
  });
}

