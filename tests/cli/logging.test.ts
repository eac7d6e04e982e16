import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { minimalConfig } from '../support/configs.js';

/** The Rust deployer's logging flags: --log-dir, --log-output, --log-file-format, --log-stderr-format. */

const ADMIN_TOKEN = 'a-long-random-admin-token';

function configFile(): string {
  const file = join(temporaryDirectory(), 'demo.json');
  writeFileSync(file, JSON.stringify(minimalConfig()));
  return file;
}

function onlyLog(directory: string, command: string): string {
  const files = readdirSync(directory).filter((name) => name.endsWith(`-${command}.log`));
  expect(files).toHaveLength(1);
  const path = join(directory, files[0]!);
  expect(statSync(path).mode & 0o777).toBe(0o600);
  return readFileSync(path, 'utf8');
}

describe('every command writes its log file', () => {
  it('validate logs to data/logs under the working directory by default, compact: one `time type {fields}` line each', async () => {
    const workingDir = temporaryDirectory();
    const result = await runBinary(['--working-dir', workingDir, 'validate', configFile()]);
    expect(result.code).toBe(0);
    const text = onlyLog(join(workingDir, 'data', 'logs'), 'validate');
    const lines = text.trimEnd().split('\n');
    for (const line of lines) {
      const match = /^(\S+) (\S+) (\{.*\})$/.exec(line);
      expect(match, line).not.toBeNull();
      expect(Number.isNaN(Date.parse(match![1]!))).toBe(false);
      JSON.parse(match![3]!);
    }
    expect(lines.some((line) => line.includes(' result {"ok":true,"exit_code":0,"command":"validate"'))).toBe(true);
    expect(text).toContain('is valid');
    // A secret of the config is masked in the log as everywhere else.
    expect(text).not.toContain(ADMIN_TOKEN);
  });

  it('render logs in the --log-dir given, one JSON object a line with --log-file-format json', async () => {
    const workingDir = temporaryDirectory();
    const logDir = join(temporaryDirectory(), 'my-logs');
    const out = join(workingDir, 'out');
    const result = await runBinary(['--working-dir', workingDir, '--log-dir', logDir, '--log-file-format', 'json', 'render', '--env-file', configFile(), '--instance-ip', '10.0.0.5', '--output-dir', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(workingDir, 'data', 'logs'))).toBe(false);
    const records = onlyLog(logDir, 'render').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records) {
      expect(typeof record['time']).toBe('string');
      expect(typeof record['type']).toBe('string');
    }
    expect(records.at(-1)).toMatchObject({ type: 'output', level: 'result' });
    expect(records.find((record) => record['type'] === 'result')).toMatchObject({ ok: true, exit_code: 0, command: 'render' });
  });

  it('pretty: a `time  type` head line, then one indented `key: value` line per field, a blank line between entries, no ANSI', async () => {
    const logDir = temporaryDirectory();
    const result = await runBinary(['--log-dir', logDir, '--log-file-format', 'pretty', 'validate', configFile()], { env: { FORCE_COLOR: '1' } });
    expect(result.code).toBe(0);
    const text = onlyLog(logDir, 'validate');
    expect(text).not.toMatch(/\x1b\[/);
    const entries = text.trimEnd().split('\n\n');
    expect(entries.length).toBeGreaterThan(1);
    for (const entry of entries) {
      const [head, ...fields] = entry.split('\n');
      expect(head).toMatch(/^\S+ {2}[a-z.]+$/);
      expect(fields[0]).toMatch(/^ {4}[a-z_]+: /);
    }
    expect(text).toMatch(/ {2}result\n {4}ok: true\n {4}exit_code: 0\n/);
  });

  it('--log-output file-and-stderr streams the log lines to stderr as well, in --log-stderr-format', async () => {
    const logDir = temporaryDirectory();
    const result = await runBinary(['--log-dir', logDir, '--log-output', 'file-and-stderr', '--log-stderr-format', 'json', 'validate', configFile()]);
    expect(result.code).toBe(0);
    const fromLog = result.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(fromLog.find((record) => record['type'] === 'result')).toMatchObject({ ok: true, command: 'validate' });
    // The file keeps its own format (compact by default).
    expect(onlyLog(logDir, 'validate')).toMatch(/^\S+ result \{"ok":true/m);

    const fileOnly = await runBinary(['--log-dir', logDir, '--log-output', 'file-only', 'validate', configFile()]);
    expect(fileOnly.stderr).not.toContain('{');
  });

  it('refuses a format it does not know, with exit 2', async () => {
    const result = await runBinary(['--log-file-format', 'xml', 'validate', configFile()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pretty, json, compact');
  });

  it('a dry run writes no log: it changes nothing anywhere', async () => {
    const workingDir = temporaryDirectory();
    const result = await runBinary(['--working-dir', workingDir, '--dry-run', 'validate', configFile()]);
    expect(result.code).toBe(0);
    expect(existsSync(join(workingDir, 'data'))).toBe(false);
  });
});
