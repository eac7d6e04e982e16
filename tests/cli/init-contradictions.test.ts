import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'smol-toml';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { homeWithKey } from '../wizard/support.js';

/** `init` never drops a flag without a word: flags that contradict each other are exit 2 naming both. */
const home = homeWithKey();
async function init(...args: string[]) {
  const workingDir = temporaryDirectory('ttd-init-flags-');
  const result = await runBinary(['init', '--non-interactive', '--yes', '--working-dir', workingDir, ...args], { env: { HOME: home } });
  return { ...result, workingDir };
}

describe('init with contradictory flags', () => {
  it('--grafana --no-prometheus: exit 2 naming both flags, nothing written', async () => {
    const result = await init('--name', 'clash', '--grafana', '--no-prometheus');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--grafana contradicts --no-prometheus');
    expect(result.stderr).toContain('Fix: drop one of --grafana and --no-prometheus');
    expect(existsSync(join(result.workingDir, 'envs'))).toBe(false);
  });

  it('with --json: the usage.invalid error lists both flags', async () => {
    const result = await init('--name', 'clash', '--no-prometheus', '--grafana', '--json');
    expect(result.code).toBe(2);
    const last = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { ok: boolean; exit_code: number; error: { code: string; where: string; flags: string[] } };
    expect(last).toMatchObject({ ok: false, exit_code: 2, error: { code: 'usage.invalid', where: '--grafana', flags: ['--grafana', '--no-prometheus'] } });
  });

  it('a value for a question another flag turns off: --domain with --no-https, --grafana-password with --no-grafana', async () => {
    const domain = await init('--no-https', '--domain', 'tracker.example.com');
    expect(domain.code).toBe(2);
    expect(domain.stderr).toContain('--domain contradicts --no-https');
    const password = await init('--no-grafana', '--grafana-password', 'chosen-pw');
    expect(password.code).toBe(2);
    expect(password.stderr).toContain('--grafana-password contradicts --no-grafana');
    expect(password.stderr + password.stdout).not.toContain('chosen-pw');
  });

  it('flags that agree are accepted: --no-grafana --no-prometheus writes a config with neither; --grafana --prometheus with both', async () => {
    const neither = await init('--name', 'quiet', '--no-grafana', '--no-prometheus');
    expect(neither.code, neither.stderr).toBe(0);
    const written = parse(readFileSync(join(neither.workingDir, 'envs', 'quiet.toml'), 'utf8'));
    expect(written['prometheus']).toBeUndefined();
    expect(written['grafana']).toBeUndefined();
    const both = await init('--name', 'watched', '--grafana', '--prometheus');
    expect(both.code, both.stderr).toBe(0);
    const watched = parse(readFileSync(join(both.workingDir, 'envs', 'watched.toml'), 'utf8'));
    expect(watched['prometheus']).toBeDefined();
    expect(watched['grafana']).toBeDefined();
  });
});
