import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_NETWORK, writeConfig } from '../lifecycle/support.js';
import { runBinary, temporaryDirectory, type CliResult } from '../support/cli.js';
import { expectJsonEnvelope } from '../support/json-envelope.js';

/**
 * One JSON envelope: with --json every command, on success and on failure
 * (argument-parsing errors included), prints one JSON object per line, each
 * with a type, the last the one `result`, whose ok and exit_code match the
 * process's exit code. Each row is a command line and the exit code it gets here.
 */
const ROWS: readonly (readonly [readonly string[], number])[] = [
  [['validate', 'envs/demo.toml'], 0],
  [['validate', 'envs/bad.toml'], 2],
  [['validate', 'envs/missing.toml'], 2],
  [['render', 'envs/demo.toml', '--output-dir', 'out'], 0],
  [['render', 'envs/demo.toml'], 2],
  [['init', '--yes', '--name', 'wizard', '--provider', 'lxd', '--dry-run'], 0],
  [['init', '--yes', '--name', 'demo', '--provider', 'lxd'], 1],
  [['create', 'template', 'envs/starter.toml'], 0],
  [['create', 'template', 'envs/demo.toml'], 1],
  [['create', 'schema'], 0],
  [['create', 'environment', '--env-file', 'envs/other.toml'], 0],
  [['create', 'environment', '--env-file', 'envs/demo.toml'], 1],
  [['docs'], 0],
  [['show', 'demo'], 0],
  [['show', 'nope'], 1],
  [['list'], 0],
  [['exists', 'demo'], 0],
  [['provision', 'demo', '--dry-run'], 0],
  [['register', 'host', '--instance-ip', '192.0.2.7', '--dry-run'], 0],
  [['register', 'host', '--instance-ip', 'not-an-ip'], 2],
  [['configure', 'built', '--dry-run'], 0],
  [['configure', 'demo'], 1],
  [['release', 'built', '--dry-run'], 0],
  [['release', 'demo'], 1],
  [['run', 'built', '--dry-run'], 0],
  [['run', 'demo'], 1],
  [['test', 'built', '--dry-run'], 0],
  [['test', 'demo'], 1],
  [['deploy', 'demo', '--dry-run'], 0],
  [['deploy', 'nope'], 1],
  [['destroy', 'demo', '--dry-run'], 0],
  [['destroy', 'demo'], 2],
  [['purge', 'demo', '--force', '--dry-run'], 0],
  [['purge', 'demo'], 1],
  [['status', 'nope'], 1],
  [['logs', 'nope'], 1],
  [['backup', 'nope'], 1],
  [['backup', 'list', 'nope'], 1],
  [['backup', 'verify', 'nope'], 1],
  [['restore', 'nope', '--from', '20250101_000000', '--yes'], 1],
  [['upgrade', 'nope'], 1],
  [['backup', 'live', '--dry-run'], 0],
  [['backup', 'list', 'live', '--dry-run'], 0],
  [['restore', 'live', '--from', '20250601_030000', '--yes', '--dry-run'], 0],
  [['restore', 'live', '--from', 'yesterday', '--yes'], 2],
  [['upgrade', 'envs/newer.toml', '--dry-run'], 0],
  [['upgrade', 'live'], 2],
  [['logs', 'live', '--tail', '5', '--dry-run'], 0],
  [['logs', 'live', '--tail', 'many'], 2],
  [['status', 'live', '--dry-run'], 0],
  [['skills', 'install', '--dry-run'], 0],
  [['skills', 'install', 'envs/demo.toml'], 2],
  [['validate', '--frob'], 2],
  [['frobnicate'], 2],
  [['register'], 2],
  [['--version'], 0],
];

describe('--json: one envelope for every command', () => {
  const runs = new Map<string, CliResult>();

  beforeAll(async () => {
    const workingDir = temporaryDirectory('ttd-envelope-');
    const ttd = (args: readonly string[]) => runBinary(['--json', ...args], { cwd: workingDir, env: { HOME: workingDir }, nodeOptions: ['--import', NO_NETWORK] });
    writeConfig(workingDir, { name: 'other' });
    writeFileSync(join(workingDir, 'envs', 'bad.toml'), '[environment]\nname = "Not A Valid Name"\n');
    for (const [name, provider] of [['demo', 'lxd'], ['built', 'lxd'], ['host', 'existing']] as const) {
      expect((await ttd(['create', 'environment', '--env-file', writeConfig(workingDir, { name, provider })])).code).toBe(0);
    }
    // live has backups and runs; newer is its config with a new tracker image.
    const live = writeConfig(workingDir, { name: 'live' });
    appendFileSync(live, '\n[backup]\nschedule = "@daily"\n');
    writeFileSync(join(workingDir, 'envs', 'newer.toml'), `${readFileSync(live, 'utf8')}\n[images]\ntracker = "torrust/tracker:v9.9.9"\n`);
    expect((await ttd(['create', 'environment', '--env-file', live])).code).toBe(0);
    // As if provision, configure and release had run on built, and deploy on live.
    const setState = (name: string, fields: Record<string, unknown>) => {
      const stateFile = join(workingDir, 'data', name, 'environment.json');
      writeFileSync(stateFile, JSON.stringify({ ...JSON.parse(readFileSync(stateFile, 'utf8')), ...fields }));
    };
    setState('built', { state: 'released', reached: 'released', instance: { address: '192.0.2.9', method: 'provisioned' } });
    setState('live', { state: 'running', reached: 'running', instance: { address: '192.0.2.10', method: 'provisioned' } });

    // A few at a time: every row is a node process.
    const queue = [...ROWS];
    const worker = async () => {
      for (let row = queue.shift(); row; row = queue.shift()) runs.set(row[0].join(' '), await ttd(row[0]));
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  }, 600_000);

  it.each(ROWS.map(([args, code]) => [args.join(' '), code] as const))('%s (exit %i)', (name, code) => {
    const run = runs.get(name)!;
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(code);
    expectJsonEnvelope(run);
  });
});
