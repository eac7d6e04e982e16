import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, type CommandSpec } from '../../src/cli/commands.js';
import { NO_NETWORK, treeOf, writeConfig } from '../lifecycle/support.js';
import { runBinary, temporaryDirectory, type CliResult } from '../support/cli.js';

/**
 * A dry run is a preflight: on an environment the real command refuses, the dry
 * run refuses too, with the same exit code and the same error code. Each row is
 * one command on a situation it refuses; add a row for every new command.
 */
const BACKUP_ID = '20250601_030000';
const WITH_BACKUP = '\n[backup]\nschedule = "@daily"\n';

interface Row {
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: 1 | 2;
  readonly errorCode: string;
  /** Variables the run gets (besides PATH and HOME). */
  readonly env?: NodeJS.ProcessEnv;
}

const ROWS: readonly Row[] = [
  { command: 'provision', args: ['provision', 'gone'], exitCode: 1, errorCode: 'environment.wrong_state' },
  { command: 'register', args: ['register', 'host', '--instance-ip', '192.0.2.7'], exitCode: 1, errorCode: 'environment.wrong_state' },
  { command: 'configure', args: ['configure', 'fresh'], exitCode: 1, errorCode: 'environment.wrong_state' },
  { command: 'configure', args: ['configure', 'nokey'], exitCode: 1, errorCode: 'ssh.key_unreadable' },
  { command: 'release', args: ['release', 'fresh'], exitCode: 1, errorCode: 'environment.wrong_state' },
  { command: 'release', args: ['release', 'unset'], exitCode: 2, errorCode: 'config.invalid' },
  { command: 'run', args: ['run', 'fresh'], exitCode: 1, errorCode: 'environment.wrong_state' },
  { command: 'test', args: ['test', 'fresh'], exitCode: 1, errorCode: 'environment.wrong_state' },
  { command: 'deploy', args: ['deploy', 'busy'], exitCode: 1, errorCode: 'environment.locked' },
  { command: 'deploy', args: ['deploy', 'gone'], exitCode: 1, errorCode: 'environment.wrong_state' },
  { command: 'deploy', args: ['deploy', 'envs/keyless.toml'], exitCode: 2, errorCode: 'config.invalid' },
  { command: 'destroy', args: ['destroy', 'busy', '--yes'], exitCode: 1, errorCode: 'environment.locked' },
  { command: 'purge', args: ['purge', 'fresh', '--yes'], exitCode: 1, errorCode: 'environment.not_destroyed' },
  { command: 'purge', args: ['purge', 'busy', '--force'], exitCode: 1, errorCode: 'environment.locked' },
  { command: 'create environment', args: ['create', 'environment', '--env-file', 'envs/fresh.toml'], exitCode: 1, errorCode: 'environment.exists' },
  { command: 'create template', args: ['create', 'template', 'envs/fresh.toml'], exitCode: 1, errorCode: 'file.exists' },
  { command: 'create schema', args: ['create', 'schema', 'envs/fresh.toml'], exitCode: 1, errorCode: 'file.exists' },
  { command: 'render', args: ['render', 'envs/fresh.toml', '--output-dir', 'envs'], exitCode: 1, errorCode: 'file.exists' },
  { command: 'skills install', args: ['skills', 'install', 'envs/fresh.toml'], exitCode: 2, errorCode: 'usage.invalid' },
  { command: 'backup verify', args: ['backup', 'verify', 'backedup'], exitCode: 1, errorCode: 'backup.not_configured' },
  { command: 'restore', args: ['restore', 'backedup', '--from-repository', '--yes'], exitCode: 1, errorCode: 'backup.not_configured' },
  { command: 'restore', args: ['restore', 'backedup', '--from', 'yesterday', '--yes'], exitCode: 2, errorCode: 'usage.invalid' },
  { command: 'init', args: ['init', '--yes', '--name', 'fresh', '--provider', 'lxd'], exitCode: 1, errorCode: 'file.exists' },
  { command: 'backup', args: ['backup', 'fresh'], exitCode: 1, errorCode: 'backup.not_configured' },
  { command: 'backup', args: ['backup', 'kept'], exitCode: 1, errorCode: 'environment.wrong_state' },
  { command: 'backup', args: ['backup', 'live'], exitCode: 1, errorCode: 'environment.locked' },
  { command: 'backup list', args: ['backup', 'list', 'kept'], exitCode: 1, errorCode: 'environment.wrong_state' },
  { command: 'restore', args: ['restore', 'kept', '--from', BACKUP_ID, '--yes'], exitCode: 1, errorCode: 'environment.wrong_state' },
  { command: 'restore', args: ['restore', 'live', '--from', BACKUP_ID, '--yes'], exitCode: 1, errorCode: 'environment.locked' },
  { command: 'restore', args: ['restore', 'live', '--from', 'yesterday', '--yes'], exitCode: 2, errorCode: 'usage.invalid' },
  { command: 'upgrade', args: ['upgrade', 'kept'], exitCode: 1, errorCode: 'environment.wrong_state' },
  { command: 'upgrade', args: ['upgrade', 'live'], exitCode: 2, errorCode: 'upgrade.no_image_change' },
  { command: 'upgrade', args: ['upgrade', 'envs/newer.toml'], exitCode: 1, errorCode: 'environment.locked' },
  { command: 'logs', args: ['logs', 'fresh'], exitCode: 1, errorCode: 'environment.wrong_state' },
  { command: 'status', args: ['status', 'fresh'], exitCode: 1, errorCode: 'environment.wrong_state' },
];

/** Commands that refuse no state, lock or file of their own, so a dry run has nothing to check first (why, each). */
const NOTHING_TO_REFUSE: Readonly<Record<string, string>> = {
  validate: 'reads a file and changes nothing: its errors are its result',
  show: 'reads the record and changes nothing',
  list: 'reads the working directory and changes nothing',
  exists: 'answers true or false for any name',
  docs: 'prints the command table',
  mcp: 'serves the tools, each one this table\'s command',
  skills: 'a group: its subcommand install has a row',
  create: 'a group: its subcommands have rows',
};

const commandPaths = (specs: readonly CommandSpec[], prefix = ''): string[] =>
  specs.flatMap((spec) => [`${prefix}${spec.name}`, ...commandPaths(spec.subcommands ?? [], `${prefix}${spec.name} `)]);

const lines = (stdout: string) => stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
const errorOf = (run: CliResult) => (lines(run.stdout).at(-1)?.['error'] ?? {}) as Record<string, unknown>;

it('every command of the table has a row, or a reason it has nothing to refuse', () => {
  const covered = new Set(ROWS.map((row) => row.command));
  expect(commandPaths(COMMANDS).filter((path) => !covered.has(path) && NOTHING_TO_REFUSE[path] === undefined)).toEqual([]);
});

describe('a dry run refuses what the real command refuses, with the same error', () => {
  let workingDir: string;
  let before: Record<string, string>;

  const ttd = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
    runBinary(args, { cwd: workingDir, env: { HOME: workingDir, ...env }, nodeOptions: ['--import', NO_NETWORK] });

  /** Puts an environment where a test needs it, as if commands had brought it there. */
  const setState = (name: string, fields: Record<string, unknown>) => {
    const file = join(workingDir, 'data', name, 'environment.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...fields }));
  };

  const create = async (file: string, env: NodeJS.ProcessEnv = {}) => {
    const result = await ttd(['create', 'environment', '--env-file', file], env);
    expect(result.code, result.stderr).toBe(0);
  };

  beforeAll(async () => {
    workingDir = temporaryDirectory('ttd-preflight-');
    const keyless = writeConfig(workingDir, { name: 'keyless' });
    writeFileSync(keyless, readFileSync(keyless, 'utf8').replace('private_key_path = "id_test"', 'private_key_path = "id_missing"'));
    const nokey = writeConfig(workingDir, { name: 'nokey' });
    writeFileSync(nokey, readFileSync(nokey, 'utf8').replace('private_key_path = "id_test"', 'private_key_path = "id_missing"'));
    // kept and live have backups; live runs, newer is live's config with a new tracker image.
    appendFileSync(writeConfig(workingDir, { name: 'kept' }), WITH_BACKUP);
    const live = writeConfig(workingDir, { name: 'live' });
    appendFileSync(live, WITH_BACKUP);
    writeFileSync(join(workingDir, 'envs', 'newer.toml'), `${readFileSync(live, 'utf8')}\n[images]\ntracker = "torrust/tracker:v9.9.9"\n`);
    // Backups on, no [backup.remote]: the off-host commands refuse it.
    const backedUp = writeConfig(workingDir, { name: 'backedup' });
    writeFileSync(backedUp, `${readFileSync(backedUp, 'utf8')}\n[backup]\n`);
    await Promise.all([
      create(backedUp),
      create(writeConfig(workingDir, { name: 'fresh' })),
      create(join(workingDir, 'envs', 'kept.toml')),
      create(live),
      create(writeConfig(workingDir, { name: 'gone' })),
      create(writeConfig(workingDir, { name: 'busy' })),
      create(writeConfig(workingDir, { name: 'host', provider: 'existing' })),
      create(nokey),
      create(writeConfig(workingDir, { name: 'unset', adminToken: '${TTD_PREFLIGHT_TOKEN}' }), { TTD_PREFLIGHT_TOKEN: 'PreflightToken42' }),
    ]);
    setState('gone', { state: 'destroy_failed', reached: 'provisioned' });
    setState('backedup', { state: 'running', reached: 'running', instance: { address: '192.0.2.10', method: 'provisioned' } });
    setState('host', { state: 'destroy_failed', reached: 'provisioned', instance: { address: '192.0.2.7', method: 'registered' } });
    setState('nokey', { state: 'provisioned', reached: 'provisioned', instance: { address: '192.0.2.8', method: 'provisioned' } });
    setState('live', { state: 'running', reached: 'running', instance: { address: '192.0.2.10', method: 'provisioned' } });
    setState('unset', { state: 'configured', reached: 'configured', instance: { address: '192.0.2.9', method: 'provisioned' } });
    // A live process (this test's) holds busy's and live's locks.
    for (const name of ['busy', 'live']) writeFileSync(join(workingDir, 'data', name, 'lock'), JSON.stringify({ pid: process.pid, host: hostname(), command: `deploy ${name}`, since: new Date().toISOString() }));
    mkdirSync(join(workingDir, 'envs'), { recursive: true });
    before = treeOf(workingDir);
  }, 120_000);

  afterAll(() => {
    // Neither the refused real commands nor their dry runs changed a file.
    expect(treeOf(workingDir)).toEqual(before);
  });

  it.each(ROWS.map((row) => [row.args.join(' '), row] as const))('%s', async (_name, row) => {
    const [real, dry, dryText] = await Promise.all([ttd([...row.args, '--json'], row.env), ttd([...row.args, '--json', '--dry-run'], row.env), ttd([...row.args, '--dry-run'], row.env)]);
    expect(real.code, `${row.command}: ${real.stdout}${real.stderr}`).toBe(row.exitCode);
    expect(errorOf(real)['code']).toBe(row.errorCode);
    expect(dry.code, `${row.command} --dry-run: ${dry.stdout}${dry.stderr}`).toBe(real.code);
    expect(errorOf(dry)).toEqual(errorOf(real));
    expect(dryText.code).toBe(real.code);
    expect(dryText.stderr).toContain(String(errorOf(real)['message']).split('\n')[0]);
  }, 60_000);
});
