import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global set-up: every temporary directory the tests make goes under one directory
 * for the run, removed when the run ends, so `npm test` leaves nothing in /tmp. The test
 * workers start after this and inherit its TMPDIR.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'ttd-tests-'));
  process.env['TMPDIR'] = root;
  return () => {
    try {
      rmSync(root, { recursive: true, force: true });
    } catch (error) {
      console.warn(`could not remove the suite's temporary directory ${root}: ${(error as Error).message}`);
    }
  };
}
