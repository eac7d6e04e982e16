import { describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { deployerJsonFixture } from '../support/configs.js';

/** TORRUST_TD_OUTPUT_FORMAT=json: JSON by default for scripts written for the Rust deployer; flags still win. */

const lastLine = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('TORRUST_TD_OUTPUT_FORMAT', () => {
  const file = deployerJsonFixture('lxd-sqlite-bare');

  it('=json makes the result JSON without a flag', async () => {
    const result = await runBinary(['validate', file], { env: { TORRUST_TD_OUTPUT_FORMAT: 'json' } });
    expect(result.code).toBe(0);
    expect(lastLine(result.stdout)).toMatchObject({ type: 'result', ok: true, command: 'validate', is_valid: true, environment_name: 'fixture-bare' });
    const listed = await runBinary(['--working-dir', temporaryDirectory(), 'list'], { env: { TORRUST_TD_OUTPUT_FORMAT: 'json' } });
    expect(lastLine(listed.stdout)).toMatchObject({ command: 'list', total_count: 0 });
  });

  it('unset, text is the default', async () => {
    const result = await runBinary(['validate', file]);
    expect(result.stdout).toContain('What it deploys:');
    expect(() => JSON.parse(result.stdout)).toThrow();
  });

  it.each([['-o', 'text'], ['--output-format', 'text'], ['--output-format=text']])('the flag %s wins over it', async (...flag) => {
    const result = await runBinary([...flag, 'validate', file], { env: { TORRUST_TD_OUTPUT_FORMAT: 'json' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('What it deploys:');
  });

  it('=text with --json gives JSON (the flag wins)', async () => {
    const result = await runBinary(['--json', 'validate', file], { env: { TORRUST_TD_OUTPUT_FORMAT: 'text' } });
    expect(lastLine(result.stdout)).toMatchObject({ ok: true, command: 'validate' });
  });

  it('a value that is not a format is a usage error naming the variable (exit 2), not silently text', async () => {
    const result = await runBinary(['validate', file], { env: { TORRUST_TD_OUTPUT_FORMAT: 'yaml' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TORRUST_TD_OUTPUT_FORMAT=yaml is not an output format');
    expect(result.stdout).toBe('');
  });

  it('the usage errors of a command are JSON too', async () => {
    const result = await runBinary(['validate', file, '--no-such-flag'], { env: { TORRUST_TD_OUTPUT_FORMAT: 'json' } });
    expect(result.code).toBe(2);
    expect(lastLine(result.stdout)).toMatchObject({ ok: false, exit_code: 2 });
  });
});
