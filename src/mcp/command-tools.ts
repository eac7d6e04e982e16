import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ConfigFormat } from '../config/document.js';
import { loadConfigText } from '../config/load.js';
import { summarize } from '../config/summary.js';
import { DeployerError } from '../domain/errors.js';
import { ProgressTracker } from './progress.js';
import { guarded, toolError, toolResult } from './results.js';
import { runCommand, type CommandRequest, type ServerScope } from './run-command.js';

/** What a tool callback gets besides its arguments (the parts used here). */
interface CallExtra {
  readonly _meta?: { readonly progressToken?: string | number } | undefined;
  sendNotification(notification: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; total?: number; message?: string } }): Promise<void>;
}

const INLINE = '(inline text)';
/** The cap on a config file, for the text given instead of one: one call cannot keep the server busy. */
const MAX_INLINE_CONFIG_BYTES = 10 * 1024 * 1024;
const env = z.string().min(1).describe('environment name (as `list` shows it)');
const lockWait = z.number().int().min(0).optional().describe('wait this many seconds for another command on the environment to finish (default 0: fail at once)');
const dryRun = (byDefault: boolean) =>
  z.boolean().default(byDefault).describe(byDefault ? 'true (the default): only return the plan, change nothing; false: really run it' : 'true: only return the plan, change nothing; false (the default): really run it');

/** validate, render, show, list and every lifecycle command, each running the CLI command's own code. */
export function registerCommandTools(server: McpServer, scope: ServerScope): void {
  server.registerTool(
    'validate',
    {
      title: 'Validate a config',
      description: 'Check an environment config (a file path, or the TOML/JSON text itself) and summarise what it deploys. Same JSON as `ttd validate FILE --json`; an invalid config comes back as error config.invalid with every problem (code, path, line, message, fix).',
      inputSchema: {
        path: z.string().optional().describe('config file (.toml or .json), relative to the working directory'),
        text: z.string().optional().describe('the config itself, instead of a path; relative paths in it resolve against the working directory'),
        format: z.enum(['toml', 'json']).optional().describe('format of `text` (default: json when it starts with "{", else toml)'),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ path, text, format }) =>
      guarded(async () => {
        if ((path === undefined) === (text === undefined)) {
          throw new DeployerError('usage.invalid', 'Give either path or text, not both and not neither', { where: 'validate', fix: 'pass path: "envs/my-tracker.toml", or text with the config itself' });
        }
        if (path !== undefined) return validateFile(scope, pathIn(scope, path));
        return validateText(scope, text!, format ?? (text!.trimStart().startsWith('{') ? 'json' : 'toml'));
      }),
  );

  server.registerTool(
    'render',
    {
      title: 'Render the deployment artifacts',
      description: 'Render every artifact a config deploys (docker-compose.yml, .env, tracker.toml, Caddyfile, cloud-init, ...). With output_dir the files are written there; without it nothing is written and the file list (paths, sizes, modes) is returned. Same JSON as `ttd render --json`.',
      inputSchema: {
        path: z.string().min(1).describe('config file (.toml or .json)'),
        output_dir: z.string().optional().describe('where to write the artifacts; omit to only list them'),
        instance_ip: z.string().optional().describe('the instance address to render into the artifacts'),
        force: z.boolean().default(false).describe('write into a directory that is not empty'),
      },
    },
    async ({ path, output_dir: outputDir, instance_ip: instanceIp, force }) =>
      guarded(async () => {
        const file = pathIn(scope, path);
        const target = outputDir === undefined ? join(scope.workingDir, 'build', basename(file, extname(file))) : pathIn(scope, outputDir);
        return single(scope, { command: 'render', args: { file }, options: { outputDir: target, force, ...(instanceIp === undefined ? {} : { instanceIp }) }, dryRun: outputDir === undefined });
      }),
  );

  server.registerTool(
    'show',
    {
      title: 'Show an environment',
      description: 'What is deployed where: state, address, service URLs, configured services, next step. Secrets are always redacted here. Same JSON as `ttd show ENV --json`.',
      inputSchema: { env },
      annotations: { readOnlyHint: true },
    },
    async ({ env: name }) => guarded(() => single(scope, { command: 'show', args: { env: name } })),
  );

  server.registerTool(
    'list',
    {
      title: 'List environments',
      description: 'Every environment in the working directory with its state, provider and address. Same JSON as `ttd list --json`.',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    async () => guarded(() => single(scope, { command: 'list' })),
  );

  server.registerTool(
    'deploy',
    {
      title: 'Deploy (plan by default)',
      description: 'Everything from the current state to a running, tested tracker; resumes after a failure. target is an environment name or a config file (which creates the environment). dry_run defaults to true: the plan comes back and nothing changes. Only with the user\'s go-ahead call it with dry_run: false: it creates servers (Hetzner servers cost money).',
      inputSchema: { target: z.string().min(1).describe('environment name, or config file path'), dry_run: dryRun(true), lock_wait_seconds: lockWait },
      annotations: { destructiveHint: false, openWorldHint: true },
    },
    async ({ target, dry_run: dry, lock_wait_seconds: wait }, extra) =>
      guarded(() => lifecycle(scope, { command: 'deploy', args: { 'env-or-file': deployTarget(scope, target) }, options: lockOptions(wait), dryRun: dry }, extra as CallExtra)),
  );

  const stages = [
    ['provision', 'Create the instance (LXD or Hetzner) and wait for SSH. Created → Provisioned.'],
    ['configure', 'Install Docker and compose, firewall, security updates. Provisioned → Configured.'],
    ['release', 'Upload the artifacts, create storage, initialise the database, install backups. Configured → Released.'],
    ['run', 'Start the stack, wait until healthy. Released → Running.'],
    ['test', 'Smoke-test the running tracker (announces, health, HTTPS). Running, unchanged.'],
  ] as const;
  for (const [command, summary] of stages) {
    server.registerTool(
      command,
      {
        title: `${command[0]!.toUpperCase()}${command.slice(1)} an environment`,
        description: `${summary} Same events and result as \`ttd ${command} ENV --json\`; progress notifications follow the steps.`,
        inputSchema: { env, dry_run: dryRun(false), lock_wait_seconds: lockWait },
        annotations: { readOnlyHint: command === 'test', openWorldHint: true },
      },
      async ({ env: name, dry_run: dry, lock_wait_seconds: wait }, extra) => guarded(() => lifecycle(scope, { command, args: { env: name }, options: lockOptions(wait), dryRun: dry }, extra as CallExtra)),
    );
  }

  server.registerTool(
    'register',
    {
      title: 'Register an existing host',
      description: 'Adopt an existing host reachable over SSH (provider "existing"). Created → Provisioned.',
      inputSchema: {
        env,
        instance_ip: z.string().optional().describe('address of the host (default: provider.host of the config)'),
        ssh_port: z.number().int().min(1).max(65535).optional().describe('SSH port of the host (default: ssh_credentials.port)'),
        dry_run: dryRun(false),
        lock_wait_seconds: lockWait,
      },
      annotations: { openWorldHint: true },
    },
    async ({ env: name, instance_ip: instanceIp, ssh_port: sshPort, dry_run: dry, lock_wait_seconds: wait }, extra) =>
      guarded(() =>
        lifecycle(
          scope,
          { command: 'register', args: { env: name }, options: { ...lockOptions(wait), ...(instanceIp === undefined ? {} : { instanceIp }), ...(sshPort === undefined ? {} : { sshPort: String(sshPort) }) }, dryRun: dry },
          extra as CallExtra,
        ),
      ),
  );

  server.registerTool(
    'destroy',
    {
      title: 'Destroy an environment (plan by default)',
      description: 'Remove the instance and everything created for it. dry_run defaults to true (the plan). To really destroy, ask the user first, then call with dry_run: false and confirm: true.',
      inputSchema: { env, dry_run: dryRun(true), confirm: z.boolean().default(false).describe('the user agreed to destroy it (required with dry_run: false)'), lock_wait_seconds: lockWait },
      annotations: { destructiveHint: true, openWorldHint: true },
    },
    async ({ env: name, dry_run: dry, confirm, lock_wait_seconds: wait }, extra) =>
      guarded(async () => {
        if (!dry && !confirm) refuseUnconfirmed(`Destroy environment '${name}' and everything created for it?`, 'destroy');
        return lifecycle(scope, { command: 'destroy', args: { env: name }, options: { ...lockOptions(wait), yes: true }, dryRun: dry }, extra as CallExtra);
      }),
  );

  server.registerTool(
    'purge',
    {
      title: 'Purge an environment\'s local data (plan by default)',
      description: 'Delete data/<env>/ and build/<env>/ (never the infrastructure); only for a destroyed environment unless force. dry_run defaults to true (what would be removed). To really purge, ask the user first, then call with dry_run: false and confirm: true.',
      inputSchema: {
        env,
        dry_run: dryRun(true),
        confirm: z.boolean().default(false).describe('the user agreed to delete the local data (required with dry_run: false)'),
        force: z.boolean().default(false).describe('purge even if not destroyed: the infrastructure is left running and forgotten'),
        lock_wait_seconds: lockWait,
      },
      annotations: { destructiveHint: true },
    },
    async ({ env: name, dry_run: dry, confirm, force, lock_wait_seconds: wait }, extra) =>
      guarded(async () => {
        if (!dry && !confirm) refuseUnconfirmed(`Delete all local data of '${name}'? This cannot be undone.`, 'purge');
        return lifecycle(scope, { command: 'purge', args: { env: name }, options: { ...lockOptions(wait), yes: true, force }, dryRun: dry }, extra as CallExtra);
      }),
  );
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

function lockOptions(seconds: number | undefined): Record<string, unknown> {
  return seconds === undefined ? {} : { lockWait: String(seconds) };
}

/** A path from the agent: ~/ is the home directory, a relative path is inside the working directory. */
function pathIn(scope: ServerScope, path: string): string {
  if (path === '~' || path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(scope.workingDir, path);
}

/** deploy's target: a config file (resolved in the working directory) or an environment name (as it is). */
function deployTarget(scope: ServerScope, target: string): string {
  if (/[\\/]/.test(target) || /\.(toml|json)$/i.test(target)) return pathIn(scope, target);
  const candidate = pathIn(scope, target);
  return existsSync(candidate) && statSync(candidate).isFile() ? candidate : target;
}
