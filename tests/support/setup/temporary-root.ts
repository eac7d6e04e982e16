import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global set-up: every temporary directory the suite makes (tests, and the ttd
 * processes they start) goes under one directory for the run, removed when the run ends,
 * so `npm test` leaves nothing in /tmp. Workers and children inherit TMPDIR.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'ttd-tests-'));
  // Traversable like /tmp: some tests hand a file in their own directory to another user.
  chmodSync(root, 0o755);
  process.env['TMPDIR'] = root;
  return () => {
    try {
      rmSync(root, { recursive: true, force: true });
    } catch (error) {
      console.warn(`could not remove the suite's temporary directory ${root}: ${(error as Error).message}`);
    }
  };
}
