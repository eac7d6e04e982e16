import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { newEnvironmentRecord, type EnvironmentRecord } from '../../src/state/environment-record.js';
import { createEnvironmentRecord } from '../../src/state/store.js';
import { runBinary, type CliResult } from '../support/cli.js';
import { writeTestConfig } from '../support/environment-config.js';

export { BINARY } from '../support/cli.js';
export const SLOW_PLAN = resolve(import.meta.dirname, 'fixtures/slow-plan.mjs');
export const NO_NETWORK = resolve(import.meta.dirname, 'fixtures/no-network.mjs');

export function scratch(prefix = 'ttd-lifecycle-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export type Run = CliResult;

/** The built CLI without a terminal, in `cwd` (HOME there too). */
export function ttd(args: readonly string[], cwd: string, options: { env?: NodeJS.ProcessEnv; nodeOptions?: readonly string[] } = {}): Promise<Run> {
  return runBinary(args, { cwd, env: { HOME: cwd, ...options.env }, ...(options.nodeOptions ? { nodeOptions: options.nodeOptions } : {}) });
}

export function startSlowPlan(workingDir: string, scratchDir: string): ChildProcess & { output: () => string; errors: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [SLOW_PLAN, workingDir, scratchDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return Object.assign(child, { output: () => stdout, errors: () => stderr, exited });
}

/** A provisioned environment with a local address, ready for a configure-stage plan. */
export async function provisionedEnvironment(workingDir: string, name = 'race'): Promise<EnvironmentRecord> {
  const record = { ...newEnvironmentRecord({ name, createdAt: new Date().toISOString(), command: 'test setup', config: { source_file: 'none', format: 'json', snapshot: {} } }), state: 'provisioned', reached: 'provisioned', instance: { address: '127.0.0.1' } } as EnvironmentRecord;
  await createEnvironmentRecord(workingDir, record);
  return record;
}

/** Every file under a directory with its content and mode, for before/after comparisons; log files (every command writes one) left out. */
export function treeOf(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  // Every command writes a log file: a directory that holds only logs/ (data/ after validate) is left out too.
  const walk = (current: string): void => {
    const entries = readdirSync(current, { withFileTypes: true });
    const kept = entries.filter((entry) => !(entry.isDirectory() && entry.name === 'logs'));
    if (entries.length > 0 && kept.length === 0) return;
    if (current !== directory) files[`${relative(directory, current)}/`] = (statSync(current).mode & 0o777).toString(8);
    for (const entry of kept) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(directory, path)] = `${(statSync(path).mode & 0o777).toString(8)} ${readFileSync(path, 'utf8')}`;
    }
  };
  walk(directory);
  return files;
}

/** A config for the CLI tests (envs/NAME.toml), with key files that exist. */
export function writeConfig(directory: string, options: { name?: string; provider?: 'lxd' | 'existing'; host?: string; adminToken?: string } = {}): string {
  return writeTestConfig(directory, options);
}
