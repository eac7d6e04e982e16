import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_NETWORK, writeConfig } from '../lifecycle/support.js';
import { runBinary, temporaryDirectory, type CliResult } from '../support/cli.js';

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
  [['skills', 'install', '--dry-run'], 0],
  [['skills', 'install', 'envs/demo.toml'], 2],
  [['validate', '--frob'], 2],
  [['frobnicate'], 2],
  [['register'], 2],
  [['--version'], 0],
];

/** Every line one object with a type; exactly one result, the last, matching the exit code. */
function checkEnvelope(run: CliResult): void {
  const lines = run.stdout.trimEnd().split('\n');
  const records = lines.map((line) => {
    const value: unknown = JSON.parse(line);
    expect(typeof value === 'object' && value !== null && !Array.isArray(value), line).toBe(true);
    expect(typeof (value as Record<string, unknown>)['type'], line).toBe('string');
    return value as Record<string, unknown>;
  });
  expect(records.filter((record) => record['type'] === 'result')).toHaveLength(1);
  expect(records.at(-1)).toMatchObject({ type: 'result', ok: run.code === 0, exit_code: run.code });
  // A failure says why: the error, or (validate) the list of the config's errors.
  const last = records.at(-1)!;
  if (run.code !== 0 && last['errors'] === undefined) expect(last['error']).toMatchObject({ code: expect.any(String), message: expect.any(String) });
}

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
    // As if provision, configure and release had run on built.
    const stateFile = join(workingDir, 'data', 'built', 'environment.json');
    writeFileSync(stateFile, JSON.stringify({ ...JSON.parse(readFileSync(stateFile, 'utf8')), state: 'released', reached: 'released', instance: { address: '192.0.2.9', method: 'provisioned' } }));

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
    checkEnvelope(run);
  });
});
