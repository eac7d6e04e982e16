import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeConfig } from '../lifecycle/support.js';
import { runBinary } from '../support/cli.js';

/**
 * Every error code in docs/reference/errors.md is either triggered here through
 * the CLI's --json output, or named below with the test that covers it (those
 * need infrastructure: a provider, an SSH host, a terminal, a failing step).
 */
const COVERED_ELSEWHERE: Record<string, string> = {
  'state.rust_deployer': 'tests/cli/rust-deployer-state.test.ts (a state directory in the Rust deployer\'s format, for show and create environment)',
  'dns.not_ready': 'tests/checks/dns-gate.test.ts (against pebble-challtestsrv on loopback) and the full-stack lab scenario',
  'config.not_regular_file': 'tests/config/hostile-files.test.ts (a FIFO, /dev/zero and a directory, with validate, render and deploy --dry-run)',
  'config.too_large': 'tests/config/hostile-files.test.ts (an 11 MiB file)',
  'config.too_deep': 'tests/config/hostile-files.test.ts (TOML and JSON nested 100,000 levels)',
  'config.too_many_entries': 'tests/config/hostile-files.test.ts (1,001 UDP trackers, a table of 1,001 keys, an override at index 99,999,999)',
  'environment.wrong_state': 'tests/lifecycle/stage-commands.test.ts (test before an address exists) and tests/lifecycle/executor.test.ts',
  'smoke.failed': 'tests/checks/test-command.test.ts (a real tracker with the API port closed)',
  'confirmation.declined': 'needs a terminal to answer "no" on (src/run/confirm.ts); not reachable with --json',
  'implementation.missing': 'tests/lifecycle/cli.test.ts (depends on which pieces the build has)',
  'step.failed': 'tests/lifecycle/executor.test.ts',
  'config.needs_new_instance': 'tests/lifecycle/config-change.test.ts (an edited provider key on a deployed environment)',
  'apt.failed': 'tests/cli/remote-errors.test.ts (configure on a real LXD container whose apt mirror is unreachable)',
  interrupted: 'tests/lifecycle/executor.test.ts, tests/ssh/session.test.ts',
  internal: 'an unexpected exception; nothing triggers one on purpose',
  'backup.failed': 'tests/lab/backup-restore.lab.test.ts (the backup job fails on a real host)',
  'backup.remote_failed': 'tests/lab/disaster-recovery.lab.test.ts (backup verify and backup list against a repository with the wrong password)',
  'backup.not_found': 'tests/lab/backup-restore.lab.test.ts (restore --from an id the host does not have)',
  'restore.failed': 'tests/backup/restore.test.ts and tests/lab/backup-restore.lab.test.ts (a corrupt dump; a config that breaks the tracker, rolled back)',
  'restore.rollback_failed': 'tests/backup/restore.test.ts (an undo that fails; needs a host that breaks mid-restore)',
  'command.not_implemented': 'no command is unbuilt now (src/commands/not-implemented.ts, for one added to src/cli/commands.ts before it is built); tests/cli/contract.test.ts calls that handler',
  'upgrade.no_image_change': 'tests/upgrade/upgrade-command.test.ts (needs a running environment first) and tests/lab/upgrade.lab.test.ts',
  'upgrade.other_changes': 'tests/upgrade/upgrade-command.test.ts (needs a running environment first)',
  'upgrade.failed': 'tests/lab/upgrade.lab.test.ts (an image whose health check fails, rolled back on a real host)',
  'upgrade.rollback_failed': 'tests/upgrade/upgrade-steps.test.ts (the error for an undo that fails; needs a host that breaks mid-rollback)',
};
const INFRASTRUCTURE_PREFIXES: Record<string, string> = {
  'hetzner.': 'tests/providers/hetzner/ (against the Hetzner API stand-in)',
  'lxd.': 'tests/providers/lxd/ (a real LXD, or lxc missing)',
  'ssh.': 'tests/ssh/ (a real sshd)',
};

function documentedCodes(): string[] {
  const doc = readFileSync(resolve(import.meta.dirname, '../../docs/reference/errors.md'), 'utf8');
  const errors = doc.slice(doc.indexOf('## Errors'), doc.indexOf('## Config problems'));
  return [...errors.matchAll(/^\| `([a-z_.]+)` \|/gm)].map((match) => match[1]!);
}

const ttd = (args: readonly string[], cwd: string) => runBinary([...args, '--json'], { cwd, env: { HOME: cwd } });

/** The error object of --json output: one document, or the last NDJSON line. */
function errorOf(stdout: string): Record<string, unknown> | undefined {
  const text = stdout.trim();
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(text) as Record<string, unknown>;
  } catch {
    document = JSON.parse(text.split('\n').pop() ?? '{}') as Record<string, unknown>;
  }
  return document['error'] as Record<string, unknown> | undefined;
}

describe('every documented error code that needs no infrastructure comes back as `code` in --json output', () => {
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ttd-codes-'));
    const demo = writeConfig(dir, { name: 'demo', adminToken: 'SuperSecretAdminToken42' });
    writeConfig(dir, { name: 'busy', adminToken: 'SuperSecretAdminToken42' });
    writeFileSync(join(dir, 'envs', 'bad-bind.toml'), readFileSync(demo, 'utf8').replace('0.0.0.0:6969', '0.0.0.0:69690'));
    writeFileSync(join(dir, 'envs', 'empty.toml'), '');
    writeFileSync(join(dir, 'envs', 'binary.toml'), Buffer.from([0, 159, 146, 150, 0, 1, 2]));
    writeFileSync(join(dir, 'envs', 'syntax.toml'), '[environment\nname = "x"\n');
    for (const name of ['leaky', 'badline']) writeFileSync(join(dir, 'envs', `${name}.toml`), readFileSync(demo, 'utf8'));
    writeFileSync(join(dir, 'envs', 'leaky.secrets'), "TTD_X='x'\n", { mode: 0o644 });
    chmodSync(join(dir, 'envs', 'leaky.secrets'), 0o644);
    writeFileSync(join(dir, 'envs', 'badline.secrets'), 'not a NAME=value line\n', { mode: 0o600 });
    for (const name of ['demo', 'busy']) expect((await ttd(['create', 'environment', '-f', `envs/${name}.toml`], dir)).code).toBe(0);
    // Held by this (live) test process: the CLI must refuse, naming it.
    writeFileSync(join(dir, 'data', 'busy', 'lock'), JSON.stringify({ pid: process.pid, host: hostname(), command: 'deploy', since: '2026-01-01T00:00:00.000Z' }));
    for (const [name, content] of [['broken', '{not json'], ['future', JSON.stringify({ format_version: 99, name: 'future' })]] as const) {
      mkdirSync(join(dir, 'data', name), { recursive: true });
      writeFileSync(join(dir, 'data', name, 'environment.json'), content);
    }
  });

  const TRIGGERS: Record<string, readonly string[]> = {
    'usage.invalid': ['validate', '--no-such-flag'],
    'config.file_unreadable': ['validate', 'envs/missing.toml'],
    'config.empty': ['validate', 'envs/empty.toml'],
    'config.not_text': ['validate', 'envs/binary.toml'],
    'config.syntax': ['validate', 'envs/syntax.toml'],
    'config.secrets_syntax': ['validate', 'envs/badline.toml'],
    'config.secrets_exposed': ['validate', 'envs/leaky.toml'],
    'config.invalid': ['render', 'envs/bad-bind.toml', '--output-dir', 'out'],
    'environment.exists': ['create', 'environment', '-f', 'envs/demo.toml'],
    'file.exists': ['create', 'template', 'envs/demo.toml'],
    // Under a regular file: no directory can be made there, even by root (CI runs as root).
    'io.write_failed': ['render', 'envs/demo.toml', '--output-dir', 'envs/demo.toml/artifacts'],
    'environment.not_found': ['show', 'nowhere'],
    'environment.locked': ['destroy', 'busy', '--yes'],
    'environment.not_destroyed': ['purge', 'demo'],
    'confirmation.required': ['destroy', 'demo'],
    'state.corrupt': ['show', 'broken'],
    'state.unsupported_version': ['show', 'future'],
    'backup.not_configured': ['backup', 'demo'],
  };

  it('classifies every code in docs/reference/errors.md: triggered here, or covered elsewhere', () => {
    const unclassified = documentedCodes().filter(
      (code) => !(code in TRIGGERS) && !(code in COVERED_ELSEWHERE) && !Object.keys(INFRASTRUCTURE_PREFIXES).some((prefix) => code.startsWith(prefix)),
    );
    expect(unclassified).toEqual([]);
    expect(documentedCodes().length).toBeGreaterThan(40);
    for (const code of Object.keys(TRIGGERS)) expect(documentedCodes()).toContain(code);
  });

  for (const [code, args] of Object.entries(TRIGGERS)) {
    it(`${code}: ttd ${args.join(' ')} --json`, async () => {
      const result = await ttd(args, dir);
      const error = errorOf(result.stdout);
      expect(error, result.stdout).toMatchObject({ code, message: expect.any(String) });
      expect(result.code).toBe(code === 'usage.invalid' || code.startsWith('config.') || code === 'confirmation.required' ? 2 : 1);
      if (code !== 'usage.invalid' && code !== 'state.corrupt') expect(error?.['fix'], `${code} has a fix`).toEqual(expect.any(String));
    });
  }
});
