import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { newEnvironmentRecord, type EnvironmentRecord } from '../../src/state/environment-record.js';
import { createEnvironmentRecord } from '../../src/state/store.js';
import { NO_HETZNER_API } from '../support/cli.js';

export const BINARY = resolve(import.meta.dirname, '../../dist/src/cli/main.js');
export const SLOW_PLAN = resolve(import.meta.dirname, 'fixtures/slow-plan.mjs');
export const NO_NETWORK = resolve(import.meta.dirname, 'fixtures/no-network.mjs');

export function scratch(prefix = 'ttd-lifecycle-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built CLI without a terminal, in `cwd`. */
export function ttd(args: readonly string[], cwd: string, options: { env?: NodeJS.ProcessEnv; nodeOptions?: readonly string[] } = {}): Promise<Run> {
  const env = { PATH: process.env['PATH'], HOME: cwd, NO_COLOR: '1', HCLOUD_ENDPOINT: NO_HETZNER_API, ...options.env };
  return new Promise((done) => {
    execFile(process.execPath, [...(options.nodeOptions ?? []), BINARY, ...args], { cwd, env, encoding: 'utf8' }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
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

/** A config for the CLI tests, with key files that exist. */
export function writeConfig(directory: string, options: { name?: string; provider?: 'lxd' | 'existing'; host?: string; adminToken?: string } = {}): string {
  const name = options.name ?? 'demo';
  mkdirSync(join(directory, 'envs'), { recursive: true });
  // Shaped as an unencrypted private key: dry runs check the key can be used before they say yes.
  writeFileSync(join(directory, 'envs', 'id_test'), '-----BEGIN PRIVATE KEY-----\nnot a real key\n-----END PRIVATE KEY-----\n', { mode: 0o600 });
  writeFileSync(join(directory, 'envs', 'id_test.pub'), 'ssh-ed25519 AAAA test\n');
  const provider = options.provider === 'existing'
    ? `[provider]\nprovider = "existing"\n${options.host ? `host = "${options.host}"\n` : ''}`
    : `[provider]\nprovider = "lxd"\nprofile_name = "torrust-profile-${name}"\n`;
  const file = join(directory, 'envs', `${name}.toml`);
  writeFileSync(file, `[environment]
name = "${name}"

[ssh_credentials]
private_key_path = "id_test"
public_key_path = "id_test.pub"

${provider}
[tracker.core]
private = false

[tracker.core.database]
driver = "sqlite3"
database_name = "tracker.db"

[[tracker.udp_trackers]]
bind_address = "0.0.0.0:6969"

[[tracker.http_trackers]]
bind_address = "0.0.0.0:7070"

[tracker.http_api]
bind_address = "0.0.0.0:1212"
admin_token = "${options.adminToken ?? '${ADMIN_TOKEN:-SuperSecretAdminToken42}'}"

[tracker.health_check_api]
bind_address = "127.0.0.1:1313"
`);
  return file;
}
