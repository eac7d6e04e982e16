/**
 * `status` and `logs` through the built binary, without a terminal: the errors
 * a user meets before anything is read from a host.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { writeConfig } from '../lifecycle/support.js';

let workingDir: string;

beforeAll(async () => {
  workingDir = temporaryDirectory('ttd-status-cli-');
  const created = await runBinary(['create', 'environment', '--env-file', writeConfig(workingDir, { adminToken: 'TopSecretToken123456' }), '--working-dir', workingDir]);
  expect(created.code).toBe(0);
  const existing = await runBinary(['create', 'environment', '--env-file', writeConfig(workingDir, { name: 'adopted', provider: 'existing', host: '203.0.113.10' }), '--working-dir', workingDir]);
  expect(existing.code).toBe(0);
});

const stateFile = () => readFileSync(join(workingDir, 'data', 'demo', 'environment.json'), 'utf8');

describe('status', () => {
  it('with --json on an environment that has no address yet: one error object naming the next command, exit 1, no state change', async () => {
    const before = stateFile();
    const result = await runBinary(['status', 'demo', '--json', '--working-dir', workingDir]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const answer = JSON.parse(lines[0] ?? '') as { ok: boolean; command: string; error: { code: string; message: string; fix: string } };
    expect(answer).toMatchObject({ ok: false, command: 'status', error: { code: 'environment.wrong_state' } });
    expect(answer.error.message).toMatch(/'demo' has no instance address yet \(state: created\)/);
    expect(answer.error.fix).toMatch(/ttd deploy demo/);
    expect(stateFile()).toBe(before);
  });

  it('in text mode says the same on stderr', async () => {
    const result = await runBinary(['status', 'demo', '--watch', '--working-dir', workingDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no instance address yet[\s\S]*Fix: ttd deploy demo/);
  });

  it('names an unknown environment', async () => {
    const result = await runBinary(['status', 'nope', '--json', '--working-dir', workingDir]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'environment.not_found' } });
  });
});

describe('logs', () => {
  it('refuses a service the config does not deploy with exit 2, listing the valid ones', async () => {
    const result = await runBinary(['logs', 'demo', 'mysql', '--working-dir', workingDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'mysql' is not a service of environment 'demo'; it deploys: tracker");
    expect(result.stderr).toContain('Fix: name one of tracker, or leave SERVICE out');
  });

  it('refuses a --since or --tail docker would not understand, with exit 2, before looking anything up', async () => {
    const since = await runBinary(['logs', 'demo', '--since', '10 minutes', '--json', '--working-dir', workingDir]);
    expect(since.code).toBe(2);
    expect(JSON.parse(since.stdout)).toMatchObject({ ok: false, exit_code: 2, error: { code: 'usage.invalid', where: '--since' } });
    const tail = await runBinary(['logs', 'nope', '--tail', 'lots', '--working-dir', workingDir]);
    expect(tail.code).toBe(2);
    expect(tail.stderr).toMatch(/--tail 'lots' is not a number of lines/);
  });

  it('needs an address, like status', async () => {
    const result = await runBinary(['logs', 'demo', 'tracker', '--follow', '--working-dir', workingDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no instance address yet/);
  });

  it('with --dry-run prints the plan: the command exactly as it runs on the host, connecting to nothing', async () => {
    const result = await runBinary(['logs', 'adopted', 'tracker', '--tail', '5', '--since', '1h', '--dry-run', '--working-dir', workingDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Plan for 'adopted' (logs): 1 stage, 1 step");
    expect(result.stdout).toContain("$ sh -c 'cd /opt/torrust && exec docker compose logs --no-color --since 1h --tail 5 -- tracker'\n");
    const status = await runBinary(['status', 'adopted', '--dry-run', '--working-dir', workingDir]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("Plan for 'adopted' (status): 1 stage, 1 step");
    expect(status.stdout).toContain("$ sh -c 'echo '\\''@@ttd-status clock'\\''; date '\\''+%s %z'\\''");
  });
});
