/**
 * A dry run is a preflight: on a state the real command refuses, the dry run of
 * backup, backup list, restore, upgrade, logs and status exits as the real command
 * does, with the same error code. None of these runs get as far as connecting.
 */
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratch, ttd, writeConfig } from './support.js';

const BACKUP = '\n[backup]\nschedule = "0 3 * * *"\nretention_days = 7\n';

/** The commands, for an environment named `name` whose config file is `file`. */
const commands = (name: string, file: string): Record<string, string[]> => ({
  backup: ['backup', name],
  'backup list': ['backup', 'list', name],
  restore: ['restore', name, '--from', '20250601_030000', '--yes'],
  upgrade: ['upgrade', file],
  logs: ['logs', name],
  status: ['status', name],
});

async function environment(dir: string, name: string, state: { running: boolean }): Promise<string> {
  const file = writeConfig(dir, { name });
  appendFileSync(file, BACKUP);
  expect((await ttd(['create', 'environment', '-f', file], dir)).code).toBe(0);
  if (state.running) {
    const stateFile = join(dir, 'data', name, 'environment.json');
    const record = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(stateFile, JSON.stringify({ ...record, state: 'running', reached: 'running', instance: { address: '192.0.2.1' } }), { mode: 0o600 });
  }
  // The edit upgrade would apply: a new tracker image.
  appendFileSync(file, '\n[images]\ntracker = "torrust/tracker:v4.0.0"\n');
  return file;
}

const outcome = (run: { code: number; stdout: string }) => {
  const last = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { exit_code?: number; error?: { code?: string } };
  return { exit: run.code, exit_code: last.exit_code, error: last.error?.code };
};

async function expectSameRefusal(dir: string, args: string[], code: string): Promise<void> {
  const real = outcome(await ttd([...args, '--json'], dir));
  const dry = outcome(await ttd([...args, '--json', '--dry-run'], dir));
  expect(real.error, `${args.join(' ')} (real)`).toBe(code);
  expect(dry, `${args.join(' ')} --dry-run`).toEqual(real);
  expect(real.exit).toBe(real.exit_code);
}

describe('day-two dry runs refuse what the real command refuses', () => {
  let dir: string;
  beforeAll(() => {
    dir = scratch('ttd-preflight-');
  });

  it('an environment that was never deployed: environment.wrong_state from every one', async () => {
    const file = await environment(dir, 'fresh', { running: false });
    for (const args of Object.values(commands('fresh', file))) await expectSameRefusal(dir, args, 'environment.wrong_state');
  }, 180_000);

  it('a lock held by a live process: environment.locked from the commands that take it', async () => {
    const file = await environment(dir, 'busy', { running: true });
    writeFileSync(join(dir, 'data', 'busy', 'lock'), JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), command: 'deploy', since: new Date().toISOString() }), { mode: 0o600 });
    const all = commands('busy', file);
    for (const command of ['backup', 'restore', 'upgrade']) await expectSameRefusal(dir, all[command]!, 'environment.locked');
  }, 180_000);

  it('an SSH key that is gone: ssh.key_unreadable from the commands that connect before they do anything else (upgrade reads the config file: config.invalid)', async () => {
    const file = await environment(dir, 'keyless', { running: true });
    rmSync(join(dir, 'envs', 'id_test'));
    const all = commands('keyless', file);
    for (const command of ['backup', 'backup list', 'restore', 'logs']) await expectSameRefusal(dir, all[command]!, 'ssh.key_unreadable');
    await expectSameRefusal(dir, all['upgrade']!, 'config.invalid');
  }, 180_000);
});
