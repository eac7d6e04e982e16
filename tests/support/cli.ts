import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BINARY = resolve(import.meta.dirname, '../../dist/src/cli/main.js');
/** The project's own configs in the Rust deployer's JSON format (tests/fixtures/deployer-json/README.md). */
export const DEPLOYER_JSON_FIXTURES = resolve(import.meta.dirname, '../fixtures/deployer-json');

/**
 * Where a test's run of the binary finds the Hetzner API unless the test points it at
 * a stand-in: a loopback port nothing listens on, so a command that asks Hetzner (validate
 * with a token, a dry run) fails fast here and never reaches the real API.
 */
export const NO_HETZNER_API = 'http://127.0.0.1:9/v1';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built binary as a user would, without a terminal. */
export function runBinary(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; nodeOptions?: readonly string[] } = {}): Promise<CliResult> {
  const env = { PATH: process.env['PATH'], HOME: process.env['HOME'], NO_COLOR: '1', HCLOUD_ENDPOINT: NO_HETZNER_API, ...options.env };
  return new Promise((done) => {
    execFile(process.execPath, [...(options.nodeOptions ?? []), BINARY, ...args], { env, cwd: options.cwd ?? process.cwd(), encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

export function temporaryDirectory(prefix = 'ttd-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
