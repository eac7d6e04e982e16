import { describe, expect, it } from 'vitest';
import { lxcRunner } from '../../../src/providers/lxd/runner.js';

describe('the lxc runner', () => {
  it('reports a client that exits before reading its input by its exit status, not by crashing on EPIPE', async () => {
    // `false` reads nothing and exits 1; 8 MiB of input cannot fit in the pipe, so the write fails.
    const run = lxcRunner({ binary: 'false' });
    const result = await run({ args: ['profile', 'edit', 'p'], input: 'x'.repeat(8 * 1024 * 1024) }, new AbortController().signal);
    expect(result.exitCode).toBe(1);
  });
});
