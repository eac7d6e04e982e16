/** The pure parts of the SSH layer: line splitting, masking, the channel limiter, sudo refusals, error text. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RemoteCommandError, sudoRefusalIn } from '../../src/ssh/errors.js';
import { ConcurrencyLimiter } from '../../src/ssh/limiter.js';
import { LineSplitter, LineTail } from '../../src/ssh/lines.js';
import { MASK, maskSecrets } from '../../src/domain/mask-secrets.js';

function split(chunks: Array<Buffer | string>): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('joins lines split across chunks and keeps a last line without newline', () => {
    expect(split(['par', 'tial\nwhole\n', 'tail'])).toEqual(['partial', 'whole', 'tail']);
  });

  it('treats \\r\\n as a newline and keeps only the last redraw of a \\r progress line', () => {
    expect(split(['a\r\n', ' 10%\r 50%\r100%\n', 'b\n'])).toEqual(['a', '100%', 'b']);
  });

  it('decodes a UTF-8 character split between two chunks', () => {
    const bytes = Buffer.from('café ✓\n');
    expect(split([bytes.subarray(0, 4), bytes.subarray(4, 8), bytes.subarray(8)])).toEqual(['café ✓']);
  });

  it('keeps empty lines and emits nothing for empty input', () => {
    expect(split(['\n\nx\n'])).toEqual(['', '', 'x']);
    expect(split([])).toEqual([]);
  });

  it('gives the same lines however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 8 }), fc.array(fc.nat(40), { maxLength: 6 }), (lines, cuts) => {
        const text = lines.map((line) => line.replace(/[\r\n]/g, '')).join('\n');
        const bytes = Buffer.from(text);
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let start = 0;
        for (const point of points) {
          chunks.push(bytes.subarray(start, point));
          start = point;
        }
        chunks.push(bytes.subarray(start));
        expect(split(chunks)).toEqual(split([text]));
      }),
    );
  });
});

describe('LineTail', () => {
  it('keeps the last lines only', () => {
    const tail = new LineTail(2);
    for (const line of ['a', 'b', 'c']) tail.add(line);
    expect(tail.get()).toEqual(['b', 'c']);
  });
});

describe('maskSecrets', () => {
  it('masks every occurrence, the longer secret first, and ignores empty secrets', () => {
    expect(maskSecrets('pw=abc123 again abc123 and abc', ['abc', 'abc123', ''])).toBe(`pw=${MASK} again ${MASK} and ${MASK}`);
  });

  it('treats secrets as text, not patterns', () => {
    expect(maskSecrets('a.*b and a.*b', ['a.*b'])).toBe(`${MASK} and ${MASK}`);
  });

  it('never leaves a secret in the output', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{3,12}$/), fc.string(), fc.string(), (secret, before, after) => {
        expect(maskSecrets(`${before}${secret}${after}`, [secret])).not.toContain(secret);
      }),
    );
  });
});

describe('ConcurrencyLimiter', () => {
  it('never runs more than its limit, runs everything, in arrival order', async () => {
    const limiter = new ConcurrencyLimiter(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const tasks = Array.from({ length: 10 }, (_, index) =>
      limiter.run(async () => {
        started.push(index);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        return index;
      }),
    );
    while (started.length < 10) {
      await Promise.resolve();
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    releases.forEach((release) => release());
    expect(await Promise.all(tasks)).toEqual([...Array(10).keys()]);
    expect(peak).toBe(3);
    expect(started).toEqual([...Array(10).keys()]);
    expect(limiter.running).toBe(0);
  });

  it('frees the slot of a task that fails', async () => {
    const limiter = new ConcurrencyLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'next')).toBe('next');
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(RangeError);
    expect(() => new ConcurrencyLimiter(1.5)).toThrow(RangeError);
  });
});

describe('sudoRefusalIn', () => {
  it.each([
    'sudo: a password is required',
    'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper',
    'nosudo is not in the sudoers file.',
    'Sorry, user nosudo may not run sudo on host.',
  ])('recognises sudo refusing: %s', (line) => {
    expect(sudoRefusalIn(['something else', line])).toBe(line);
  });

  it('does not mistake the command\'s own errors for a refusal', () => {
    expect(sudoRefusalIn(['E: Unable to locate package nope', 'permission denied'])).toBeUndefined();
  });
});

describe('RemoteCommandError', () => {
  it('shows the first line of a long script, the status and the last stderr line, secrets masked', () => {
    const error = new RemoteCommandError({
      address: 'torrust@10.0.0.2:22',
      command: 'set -e\necho s3cr3t | docker login --password-stdin\n',
      exitStatus: 1,
      signal: null,
      stderrTail: ['Error: s3cr3t rejected'],
      secrets: ['s3cr3t'],
    });
    expect(error.message).toBe('Remote command on torrust@10.0.0.2:22 exited with status 1: set -e …\n  Error: *** rejected');
    expect(error.exitCode).toBe(1);
    expect(error.toJSON()).toMatchObject({ code: 'ssh.command_failed', command: 'set -e\necho *** | docker login --password-stdin\n', exit_status: 1, stderr_tail: ['Error: *** rejected'] });
  });
});
