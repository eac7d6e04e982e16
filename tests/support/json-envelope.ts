import { expect } from 'vitest';
import type { CliResult } from './cli.js';

/**
 * The one JSON envelope of `--json`: every stdout line one object with a type,
 * exactly one `result`, the last, whose ok and exit_code match the process's exit
 * code. A failure says why: its error, the config's errors (validate), or the
 * summary (status, whose unhealthy snapshot is its result).
 */
export function expectJsonEnvelope(run: CliResult): Record<string, unknown>[] {
  const records = run.stdout.trimEnd().split('\n').map((line) => {
    const value: unknown = JSON.parse(line);
    expect(typeof value === 'object' && value !== null && !Array.isArray(value), line).toBe(true);
    expect(typeof (value as Record<string, unknown>)['type'], line).toBe('string');
    return value as Record<string, unknown>;
  });
  expect(records.filter((record) => record['type'] === 'result')).toHaveLength(1);
  expect(records.at(-1)).toMatchObject({ type: 'result', ok: run.code === 0, exit_code: run.code });
  const last = records.at(-1)!;
  if (run.code !== 0 && last['errors'] === undefined && last['summary'] === undefined) {
    expect(last['error']).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  }
  return records;
}
