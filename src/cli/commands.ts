import { questionOptions } from '../../questionnaire/flags.js';
import type { CommandHandler } from './context.js';

/**
 * Every command, as data: the program is built from this table and the `docs`
 * command can describe it as JSON. A command's code is imported only when it runs.
 */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
}

export interface OptionSpec {
  readonly flags: string;
  readonly description: string;
  readonly choices?: readonly string[];
  readonly defaultValue?: string | boolean;
  readonly hidden?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** State before → after, as DESIGN.md lists it. */
  readonly states?: string;
  readonly arguments?: readonly ArgumentSpec[];
  readonly options?: readonly OptionSpec[];
  readonly subcommands?: readonly CommandSpec[];
  readonly load?: () => Promise<{ default: CommandHandler }>;
}

export const notImplemented = () => import('../commands/not-implemented.js');
const env: ArgumentSpec = { name: 'env', description: 'environment name', required: true };
const acceptHostKey: OptionSpec = { flags: '--accept-host-key <fingerprint>', description: 'trust this new SSH host key (SHA256:...) of a host you rebuilt; it is recorded' };
const lockWait: OptionSpec = { flags: '--lock-wait <seconds>', description: 'wait this long for another command on the environment to finish' };
const dnsWait: OptionSpec = { flags: '--dns-wait <seconds>', description: 'wait this long for the HTTPS domains to resolve to the instance before Caddy asks for certificates (default 900 on a terminal; without a terminal, ask once)' };
const skipDnsWait: OptionSpec = { flags: '--skip-dns-wait', description: 'start Caddy without asking DNS first (split DNS, or records you know the CA sees)' };

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'init',
    summary: 'Answer a few questions and write envs/<name>.toml (the wizard)',
    // Every question of the wizard is also a flag, so scripts get the same file without a prompt.
    options: [
      ...questionOptions(),
      { flags: '-y, --yes', description: 'accept the default of every question not answered by a flag (no prompts)' },
      { flags: '--force', description: 'overwrite an existing envs/<name>.toml' },
    ],
    load: () => import('../commands/init-entry.js'),
  },
  {
    name: 'validate',
    summary: 'Check a config file and summarise what it deploys',
    arguments: [{ name: 'file', description: 'environment config (.toml or .json)' }],
    options: [{ flags: '-f, --env-file <file>', description: 'the config file (the Rust deployer\'s spelling)' }],
    load: () => import('../commands/validate.js'),
  },
  {
    name: 'render',
    summary: 'Write every deployment artifact for a config to a directory, touching nothing else',
    arguments: [{ name: 'file', description: 'environment config (.toml or .json)' }],
    options: [
      { flags: '-f, --env-file <file>', description: 'the config file (the Rust deployer\'s spelling)' },
      { flags: '--env-name <name>', description: 'render the config recorded for this environment instead of a file (any state; the address defaults to the recorded one)' },
      { flags: '--output-dir <dir>', description: 'where to write the artifacts (-o is the global --output-format)' },
      { flags: '--instance-ip <ip>', description: 'the instance address to render into the artifacts' },
      { flags: '--force', description: 'write into an existing output directory' },
    ],
    load: () => import('../commands/render.js'),
  },
  {
    name: 'create',
    summary: 'Create an environment, a starter config, or the config JSON Schema',
    subcommands: [
      {
        name: 'environment',
        summary: 'Register an environment from a config file in data/<name>/',
        states: '— → Created',
        options: [{ flags: '-f, --env-file <file>', description: 'environment config (.toml or .json)' }],
        load: () => import('../commands/create-environment.js'),
      },
      {
        name: 'template',
        summary: 'Write a starter config (commented TOML, or JSON for a .json path)',
        arguments: [{ name: 'path', description: 'where to write it (default: envs/<provider>-template.toml); a .json path gets JSON' }],
        options: [
          { flags: '-p, --provider <provider>', description: 'provider of the starter', choices: ['lxd', 'hetzner', 'existing'], defaultValue: 'lxd' },
          { flags: '--format <format>', description: 'file format, for a path without .toml or .json (default: from PATH, else toml)', choices: ['toml', 'json'] },
          { flags: '--force', description: 'overwrite an existing file' },
        ],
        load: () => import('../commands/create-template.js'),
      },
      {
        name: 'schema',
        summary: 'Print the JSON Schema of the config (or write it to PATH)',
        arguments: [{ name: 'path', description: 'file to write instead of printing' }],
        options: [{ flags: '--force', description: 'overwrite an existing file' }],
        load: () => import('../commands/create-schema.js'),
      },
    ],
  },
  { name: 'provision', summary: 'Create the instance (LXD or Hetzner) and wait for SSH', states: 'Created → Provisioned', arguments: [env], options: [acceptHostKey, lockWait], load: () => import('../commands/provision.js') },
  {
    name: 'register',
    summary: 'Adopt an existing host reachable over SSH',
    states: 'Created → Provisioned',
    arguments: [env],
    options: [
      { flags: '--instance-ip <ip>', description: 'address of the host (a re-run after a failure may leave it out)' },
      { flags: '--ssh-port <port>', description: 'SSH port of the host (default: ssh_credentials.port)' },
      acceptHostKey,
      lockWait,
    ],
    load: () => import('../commands/register.js'),
  },
  { name: 'configure', summary: 'Install Docker and compose, firewall, security updates', states: 'Provisioned → Configured', arguments: [env], options: [acceptHostKey, lockWait], load: () => import('../commands/configure.js') },
  { name: 'release', summary: 'Upload the artifacts, create storage, initialise the database, install backups', states: 'Configured → Released', arguments: [env], options: [acceptHostKey, lockWait], load: () => import('../commands/release.js') },
  { name: 'run', summary: 'Start the stack, wait until healthy, print the service URLs', states: 'Released → Running', arguments: [env], options: [acceptHostKey, lockWait, dnsWait, skipDnsWait], load: () => import('../commands/run.js') },
  { name: 'test', summary: 'Smoke-test the running tracker from this machine (announces, health, HTTPS)', states: 'Running (unchanged)', arguments: [env], load: () => import('../commands/test.js') },
  {
    name: 'deploy',
    summary: 'Everything from the current state to a running, tested tracker; resumes after a failure',
    states: 'any → Running',
    arguments: [{ name: 'env-or-file', description: 'environment name, or a config file to create it from', required: true }],
    options: [acceptHostKey, lockWait, dnsWait, skipDnsWait],
    load: () => import('../commands/deploy.js'),
  },
  {
    name: 'show',
    summary: 'What is deployed where, with service URLs (secrets redacted)',
    arguments: [env],
    options: [{ flags: '--reveal', description: 'show secret values instead of ***' }],
    load: () => import('../commands/show.js'),
  },
  { name: 'list', summary: 'List the environments in the working directory', load: () => import('../commands/list.js') },
  { name: 'exists', summary: 'Print true or false: is the environment registered', arguments: [env], load: () => import('../commands/exists.js') },
  {
    name: 'status',
    summary: 'Live status of services, health and tracker numbers',
    arguments: [env],
    options: [{ flags: '--watch', description: 'keep refreshing until q is pressed (on a terminal; otherwise one snapshot)' }],
    load: () => import('../commands/status.js'),
  },
  {
    name: 'logs',
    summary: 'Stream container logs from the instance',
    arguments: [env, { name: 'service', description: 'one service (tracker, mysql, caddy, ...)' }],
    options: [
      { flags: '--follow', description: 'keep streaming until Ctrl-C' },
      { flags: '--since <duration>', description: 'only newer lines: a duration (10m, 2h) or a time (2025-01-31T13:00:00Z)' },
      { flags: '--tail <lines>', description: 'only the last N lines of each container (or all)' },
    ],
    load: () => import('../commands/logs.js'),
  },
  { name: 'destroy', summary: 'Remove the instance and everything created for it', states: 'any → Destroyed', arguments: [env], options: [{ flags: '-y, --yes', description: 'do not ask for confirmation' }, lockWait], load: () => import('../commands/destroy.js') },
  {
    name: 'purge',
    summary: 'Delete the environment\'s local data (not the infrastructure)',
    arguments: [env],
    options: [
      { flags: '-f, --force', description: 'purge even if not destroyed (leaves the infrastructure), and do not ask' },
      { flags: '-y, --yes', description: 'do not ask for confirmation' },
      lockWait,
    ],
    load: () => import('../commands/purge.js'),
  },
  {
    // `backup ENV` runs one; `backup list ENV` lists them (an environment named "list" is reached as `backup list list`).
    name: 'backup',
    summary: 'Run a backup now and report its files (backup list ENV: the backups on the host)',
    states: 'Running',
    arguments: [env],
    options: [lockWait],
    subcommands: [
      { name: 'list', summary: 'The backups on the host (and in the off-host repository, with [backup.remote]), grouped by id, newest first', states: 'Running (unchanged)', arguments: [env], load: () => import('../commands/backup.js') },
      { name: 'verify', summary: 'Check the off-host repository (restic check) and test-restore the newest backup into a temporary directory on the host', states: 'Running (unchanged)', arguments: [env], options: [lockWait], load: () => import('../commands/backup-verify.js') },
    ],
    load: () => import('../commands/backup.js'),
  },
  {
    name: 'restore',
    summary: 'Restore the database and config from a backup; a failed restore puts the previous data back',
    states: 'Running',
    arguments: [env],
    options: [
      { flags: '--from <backup-id>', description: 'the backup to restore (its id: YYYYMMDD_HHMMSS, see backup list), or latest; fetched from the off-host repository when the host does not have it' },
      { flags: '--from-repository', description: 'disaster recovery: restore the newest backup in the off-host repository ([backup.remote]), whichever environment made it' },
      { flags: '-y, --yes', description: 'do not ask for confirmation' },
      lockWait,
    ],
    load: () => import('../commands/restore.js'),
  },
  {
    name: 'upgrade',
    summary: 'Pull the image tags changed in the config and restart those services; rolls back to the previous tags if unhealthy',
    states: 'Running',
    arguments: [{ name: 'env-or-file', description: 'environment name (reads the config it was deployed from), or the edited config file', required: true }],
    options: [lockWait],
    load: () => import('../commands/upgrade.js'),
  },
  {
    name: 'skills',
    summary: 'The agent skills that teach an AI agent to deploy, diagnose, upgrade and restore',
    subcommands: [
      {
        name: 'install',
        summary: 'Copy the agent skills into DIR, one folder each (default: .claude/skills here)',
        arguments: [{ name: 'dir', description: 'where the agent tool reads skills (default .claude/skills; .agents/skills for Codex, Cursor, Copilot, Gemini CLI)' }],
        options: [{ flags: '--force', description: 'replace installed skill files that differ from this version\'s' }],
        load: () => import('../commands/skills-install.js'),
      },
    ],
  },
  { name: 'mcp', summary: 'Serve the deployer to AI agents over the Model Context Protocol (stdio)', load: () => import('../commands/mcp.js') },
  { name: 'docs', summary: 'Describe the whole CLI as JSON', arguments: [{ name: 'path', description: 'file to write instead of printing' }], load: () => import('../commands/docs.js') },
];
