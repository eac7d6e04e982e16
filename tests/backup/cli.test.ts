import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratch, treeOf, ttd, writeConfig } from '../lifecycle/support.js';

/**
 * backup, backup list and restore through the built binary, up to the point where
 * they would connect: bad input is refused with exit 2 and a fix, an environment
 * without backups or not deployed is refused, --dry-run shows the remote commands,
 * and nothing is ever changed. (On a real host: tests/lab/backup-restore.lab.test.ts.)
 */
describe('backup and restore on the command line', () => {
  let dir: string;

  beforeAll(async () => {
    dir = scratch('ttd-backup-cli-');
    writeConfig(dir, { name: 'plain' });
    appendFileSync(writeConfig(dir, { name: 'saved' }), '\n[backup]\nschedule = "0 3 * * *"\nretention_days = 7\n');
    appendFileSync(writeConfig(dir, { name: 'fresh' }), '\n[backup]\nschedule = "0 3 * * *"\nretention_days = 7\n');
    for (const name of ['plain', 'saved', 'fresh']) expect((await ttd(['create', 'environment', '-f', `envs/${name}.toml`], dir)).code).toBe(0);
    // 'saved' as a deploy leaves it: running, with an address (nothing answers there; these tests never connect).
    const file = join(dir, 'data', 'saved', 'environment.json');
    const record = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...record, state: 'running', reached: 'running', instance: { address: '192.0.2.1' } }), { mode: 0o600 });
  });

  const errorOf = (stdout: string) => (JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { error?: Record<string, unknown> }).error;

  it('restore without --from, or with something that is not a backup id, exits 2 naming the flag', async () => {
    const missing = await ttd(['restore', 'saved', '--yes', '--json'], dir);
    expect(missing.code).toBe(2);
    expect(errorOf(missing.stdout)).toMatchObject({ code: 'usage.invalid', where: '--from', fix: expect.stringContaining('ttd backup list saved') });
    const wrong = await ttd(['restore', 'saved', '--from', 'yesterday', '--yes'], dir);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--from 'yesterday' is not a backup id");
    expect(wrong.stderr).toContain('YYYYMMDD_HHMMSS');
  });

  it('restore without --yes and without a terminal exits 2 before connecting', async () => {
    const before = treeOf(join(dir, 'data'));
    const result = await ttd(['restore', 'saved', '--from', '20250601_030000', '--json'], dir);
    expect(result.code).toBe(2);
    expect(errorOf(result.stdout)).toMatchObject({ code: 'confirmation.required', fix: 'pass --yes to confirm' });
    expect(treeOf(join(dir, 'data'))).toEqual(before);
  });

  it('an environment without [backup] is refused by backup, backup list and restore', async () => {
    for (const args of [['backup', 'plain'], ['backup', 'list', 'plain'], ['restore', 'plain', '--from', '20250601_030000', '--yes']]) {
      const result = await ttd([...args, '--json'], dir);
      expect(result.code, args.join(' ')).toBe(1);
      expect(errorOf(result.stdout)).toMatchObject({ code: 'backup.not_configured', fix: expect.stringContaining('[backup]') });
    }
  });

  it('an environment that was never deployed is refused, naming deploy', async () => {
    const result = await ttd(['backup', 'fresh'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('backup needs a deployed, running environment');
    expect(result.stderr).toContain('ttd deploy fresh');
  });

  it('--dry-run prints the plan: the commands exactly as they run on the host (pasteable), connecting to nothing', async () => {
    const backup = await ttd(['backup', 'saved', '--dry-run'], dir);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain("Plan for 'saved' (backup): 1 stage, 3 steps");
    expect(backup.stdout).toContain('$ sudo -n sh -c /usr/local/bin/maintenance-backup.sh');

    const list = await ttd(['backup', 'list', 'saved', '--dry-run', '--json'], dir);
    expect(list.code, list.stderr).toBe(0);
    const [plan, result] = list.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(result).toMatchObject({ type: 'result', ok: true, command: 'backup list', dry_run: true });
    expect(JSON.stringify(plan)).toContain('find sqlite mysql postgresql config');

    const restore = await ttd(['restore', 'saved', '--from', '20250601_030000', '--dry-run', '--json'], dir);
    expect(restore.code, restore.stderr).toBe(0);
    const planned = JSON.parse(restore.stdout.trim().split('\n')[0]!) as { type: string; stages: { steps: { id: string; undo?: string; afterCommit?: boolean }[] }[] };
    expect(planned.type).toBe('plan');
    const steps = planned.stages[0]!.steps;
    expect(steps.map((step) => step.id)).toEqual(['check-backup', 'stage-database', 'stage-config', 'stop-tracker', 'swap-database', 'swap-config', 'start-tracker', 'wait-healthy', 'clean-up']);
    expect(steps.find((step) => step.id === 'swap-database')?.undo).toContain('.ttd-previous-tracker.db');
    expect(steps.find((step) => step.id === 'clean-up')?.afterCommit).toBe(true);

    const text = await ttd(['restore', 'saved', '--from', '20250601_030000', '--dry-run'], dir);
    expect(text.stdout).toContain("$ sudo -n sh -c 'cd /opt/torrust && docker compose stop tracker'");
    expect(text.stdout).toContain("undo on failure: $ sudo -n sh -c 'cd /opt/torrust && docker compose up --detach --no-deps tracker");
    expect(text.stdout).not.toContain('sudo cd ');
  });

  it('backup --help lists the list subcommand; backup list --help names its argument', async () => {
    const help = await ttd(['backup', '--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/list <env>\s+The backups on the host/);
    const listHelp = await ttd(['backup', 'list', '--help'], dir);
    expect(listHelp.stdout).toContain('Usage: torrust-tracker-deployer backup list [options] <env>');
  });
});
