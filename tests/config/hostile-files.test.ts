import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BINARY, temporaryDirectory, type CliResult } from '../support/cli.js';

/**
 * Whatever sits where a config is expected, every command that reads one
 * answers at once: a FIFO or a device must not make it wait forever.
 */

/** Long enough for a slow machine, short enough that a hang fails the test instead of stalling the run. */
const GUARD_MS = 20_000;

function ttd(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult & { killed: boolean }> {
  return new Promise((done) => {
    execFile(process.execPath, [BINARY, ...args], { cwd, env: { PATH: process.env['PATH'], HOME: cwd, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: GUARD_MS, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr, killed: error?.killed === true });
    });
  });
}

const dir = temporaryDirectory('ttd-hostile-');
const fifo = join(dir, 'pipe.toml');
execFileSync('mkfifo', [fifo]);
const directory = join(dir, 'folder.toml');
mkdirSync(directory);

const commands: readonly (readonly [string, (file: string) => string[]])[] = [
  ['validate', (file) => ['validate', file]],
  ['render', (file) => ['render', file, '--output-dir', join(dir, 'out')]],
  ['deploy --dry-run', (file) => ['deploy', file, '--dry-run']],
];

const files: readonly (readonly [string, string, string])[] = [
  ['a FIFO', fifo, 'is a FIFO (named pipe), not a regular file'],
  ['/dev/zero', '/dev/zero', 'is a character device, not a regular file'],
  ['a directory', directory, 'is a directory, not a regular file'],
];

describe('only regular files are read as configs', () => {
  describe.each(files)('%s', (_name, file, message) => {
    it.each(commands)('%s exits 2 at once, naming what it is', async (_command, args) => {
      const result = await ttd(args(file), dir);
      expect(result.killed, 'the command hung').toBe(false);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain('Fix: ');
    }, GUARD_MS + 5_000);
  });

  it('a file over 10 MiB is refused with config.too_large', async () => {
    const big = join(dir, 'big.toml');
    writeFileSync(big, `# ${'x'.repeat(10 * 1024 * 1024)}\n`);
    const result = await ttd(['validate', big, '--json'], dir);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ type: 'result', ok: false, exit_code: 2, command: 'validate', error: expect.objectContaining({ code: 'config.too_large', message: expect.stringContaining('larger than 10 MiB') }) });
  });
});

describe('nesting and list lengths are bounded', () => {
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const udpTrackers = (count: number) => Array.from({ length: count }, (_, index) => `[[tracker.udp_trackers]]\nbind_address = "0.0.0.0:${1024 + index}"\n`).join('\n');

  it.each([
    ['a TOML table 100,000 levels deep', () => write('deep.toml', `[${Array.from({ length: 100_000 }, () => 'a').join('.')}]\nb = 1\n`), 'config.too_deep', 'more than 32 levels deep'],
    ['a JSON object 100,000 levels deep', () => write('deep.json', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`), 'config.too_deep', 'deep.json:1:161'],
    ['a TOML array 100 levels deep', () => write('deep-array.toml', `x = ${'['.repeat(100)}${']'.repeat(100)}\n`), 'config.too_deep', 'more than 32 levels deep'],
    // Beyond 1,000 inline levels the TOML parser refuses by itself, before anything walks the data.
    ['a TOML array 100,000 levels deep', () => write('deeper-array.toml', `x = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`), 'config.syntax', 'excessively nested'],
    ['1,001 UDP trackers', () => write('many.toml', udpTrackers(1001)), 'config.too_many_entries', 'tracker.udp_trackers has 1001 items; at most 1000'],
    ['a table of 1,001 keys', () => write('wide.toml', `[environment]\n${Array.from({ length: 1001 }, (_, index) => `k${index} = 1`).join('\n')}\n`), 'config.too_many_entries', 'environment has 1001 keys'],
  ] as const)('%s: exit 2', async (_name, path, code, message) => {
    const result = await ttd(['validate', path(), '--json'], dir);
    expect(result.code, result.stdout).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ type: 'result', ok: false, exit_code: 2, command: 'validate', error: expect.objectContaining({ code, message: expect.stringContaining(message), fix: expect.any(String) }) });
  });

  it('an override naming a far list index is refused the same way', async () => {
    const path = write('override.toml', udpTrackers(1));
    const overridden = await ttd(['validate', path, '--json'], dir, { TORRUST_DEPLOYER_CONFIG_OVERRIDE_TRACKER__UDP_TRACKERS__99999999__BIND_ADDRESS: '0.0.0.0:1' });
    expect(JSON.parse(overridden.stdout)).toEqual({ type: 'result', ok: false, exit_code: 2, command: 'validate', error: expect.objectContaining({ code: 'config.too_many_entries' }) });
  });
});

describe('user data in messages is shown safely', () => {
  const base = readFileSync(join(import.meta.dirname, '../../docs/examples/configs/01-minimal-sqlite.toml'), 'utf8');
  const validate = async (prefix: string) => {
    const path = join(dir, `messages-${Math.random().toString(36).slice(2)}.toml`);
    writeFileSync(path, `${prefix}\n${base}`);
    return ttd(['validate', path], dir);
  };

  it('a terminal escape sequence in a key is printed escaped, never raw', async () => {
    const result = await validate('"\\u001b[2J\\u009b31m" = 1');
    expect(result.stderr).toContain('unknown key "\\x1b[2J\\x9b31m"');
    expect(result.stderr).not.toMatch(/[\u001b\u009b]/);
  });

  it('a 10,000-character key is cut short, saying how much was left out', async () => {
    const result = await validate(`"${'k'.repeat(10_000)}" = 1`);
    expect(result.stderr).toMatch(/k… \(\d+ more characters\)/);
    expect(Math.max(...result.stderr.split('\n').map((line) => line.length))).toBeLessThan(500);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('a key named %s gets the ordinary unknown-key advice', async (key) => {
    const result = await validate(`${key} = 1`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`unknown key "${key}" at the top level`);
    expect(result.stderr).toContain('Fix: remove it, or use one of the keys allowed at the top level: $schema, environment');
    expect(result.stderr).not.toContain('native code');
  });

  it.each(['constructor', '__proto__'])('an override through %s is an unknown override, not a crash', async (key) => {
    const path = join(dir, 'override-proto.toml');
    writeFileSync(path, base);
    const result = await ttd(['validate', path], dir, { [`TORRUST_DEPLOYER_CONFIG_OVERRIDE_TRACKER__${key.toUpperCase()}__X`]: '1' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('which is not a config key');
  });
});
