// @module-tag needs-ssh-target
/**
 * backup, backup list, restore and upgrade at -vv against a real OpenSSH server
 * (tests/support/ssh-target.ts), through the one executor. The target has no Docker
 * and no backup job: stand-ins on its PATH answer as they would, and print the
 * config's secrets (as a chatty job or a failing client could). Not one secret may
 * reach the terminal, stdout or the log files; the masked lines must.
 */
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { writeTestConfig } from '../support/environment-config.js';
import { expectJsonEnvelope } from '../support/json-envelope.js';
import { startSshTarget, type SshTarget } from '../support/ssh-target.js';

const SECRETS = {
  password: 'MysqlUserPw-Q7zR2xK9',
  rootPassword: 'MysqlRootPw-W4vN8cJ3',
  adminToken: 'AdminToken-H5tY1pL6mB',
};
const BACKUP_ID = '20250601_030000';

const FAKE_DOCKER = `#!/bin/bash
# A stand-in for docker that talks too much: every call echoes the secrets on stderr.
echo "docker $* MYSQL_PASSWORD=${SECRETS.password} MYSQL_ROOT_PASSWORD=${SECRETS.rootPassword} token=${SECRETS.adminToken}" >&2
case "$*" in
  *inspect*) echo 'running healthy' ;;
  *"exec -T mysql"*) cat >/dev/null; echo 0 ;;
esac
exit 0
`;

const FAKE_BACKUP_JOB = `#!/bin/sh
set -e
mkdir -p /opt/torrust/storage/backup/mysql
echo "mysqldump --user=root --password=${SECRETS.rootPassword} torrust_tracker"
printf -- '-- MySQL dump\\n-- Dump completed\\n' | gzip > /opt/torrust/storage/backup/mysql/mysql_${BACKUP_ID}.sql.gz
echo "Backup ${BACKUP_ID} done"
`;

let target: SshTarget;
let workingDir: string;
let config: string;

beforeAll(async () => {
  target = await startSshTarget();
  const bin = join(target.rootfs, 'usr/local/bin');
  await writeFile(join(bin, 'docker'), FAKE_DOCKER);
  await writeFile(join(bin, 'maintenance-backup.sh'), FAKE_BACKUP_JOB);
  await chmod(join(bin, 'docker'), 0o755);
  await chmod(join(bin, 'maintenance-backup.sh'), 0o755);
  await mkdir(join(target.rootfs, 'opt/torrust'), { recursive: true });
  await writeFile(join(target.rootfs, 'opt/torrust/docker-compose.yml'), 'services: {}\n');

  workingDir = temporaryDirectory('ttd-secrets-ssh-');
  config = join(workingDir, 'demo.toml');
  writeTestConfig(workingDir, {
    privateKeyPath: target.clientKey,
    username: 'torrust',
    provider: 'existing',
    host: target.host,
    adminToken: SECRETS.adminToken,
    database: { driver: 'mysql', host: 'mysql', port: 3306, database_name: 'torrust_tracker', username: 'tracker_user', password: SECRETS.password, root_password: SECRETS.rootPassword },
    sections: { backup: { schedule: '0 3 * * *' } },
  }, config);
  const created = await runBinary(['create', 'environment', '--env-file', config, '--working-dir', workingDir]);
  expect(created.code, created.stderr).toBe(0);
  // As a deploy leaves it: running on the target.
  const stateFile = join(workingDir, 'data', 'demo', 'environment.json');
  const record = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(stateFile, JSON.stringify({ ...record, state: 'running', reached: 'running', instance: { address: target.host } }), { mode: 0o600 });
}, 300_000);

afterAll(async () => {
  await target?.dispose();
  if (workingDir) await rm(workingDir, { recursive: true, force: true });
});

const ttd = (args: readonly string[]) => runBinary([...args, '--working-dir', workingDir], { env: { HOME: workingDir } });

function logFiles(): Record<string, string> {
  const directory = join(workingDir, 'data', 'demo', 'logs');
  return Object.fromEntries(readdirSync(directory).map((name) => [name, readFileSync(join(directory, name), 'utf8')]));
}

function expectNoSecret(text: string, where: string): void {
  for (const secret of Object.values(SECRETS)) expect(text, `${where} holds a secret`).not.toContain(secret);
}

describe('the day-two commands at -vv against a real SSH server', () => {
  it('backup, backup list, restore and upgrade print and log the remote lines with every secret masked', async () => {
    const runs = {
      backup: await ttd(['backup', 'demo', '-vv']),
      'backup-json': await ttd(['backup', 'demo', '--json']),
      'backup-list': await ttd(['backup', 'list', 'demo', '-vv']),
      restore: await ttd(['restore', 'demo', '--from', BACKUP_ID, '--yes', '-vv']),
    };
    appendFileSync(config, '\n[images]\ntracker = "torrust/tracker:v9.9.9"\n');
    const upgrade = await ttd(['upgrade', config, '-vv']);

    for (const [name, run] of Object.entries({ ...runs, upgrade })) {
      expect(run.code, `${name}: ${run.stderr}`).toBe(0);
      expectNoSecret(run.stdout + run.stderr, name);
    }
    // The real runs' --json is the one envelope too (status: the stand-in docker lists no container, so unhealthy).
    const jsonRuns = { backup: runs['backup-json'], 'backup list': await ttd(['backup', 'list', 'demo', '--json']), logs: await ttd(['logs', 'demo', '--tail', '5', '--json']), status: await ttd(['status', 'demo', '--json']) };
    for (const [name, run] of Object.entries(jsonRuns)) {
      expect(run.code, `${name} --json: ${run.stderr}`).toBe(name === 'status' ? 1 : 0);
      expectJsonEnvelope(run);
      expectNoSecret(run.stdout + run.stderr, `${name} --json`);
    }
    // The stand-ins' lines were shown (masked), so the test would see a leak.
    expect(runs.backup.stderr).toContain('mysqldump --user=root --password=***');
    expect(runs.restore.stderr).toContain('MYSQL_ROOT_PASSWORD=***');
    expect(upgrade.stderr).toContain('token=***');
    expect(runs.backup.stdout).toContain(`Restore it with: ttd restore demo --from ${BACKUP_ID}`);
    expect(runs.restore.stderr).toContain(`Restored backup ${BACKUP_ID} of 'demo'`);
    expect(upgrade.stdout).toContain('tracker: torrust/tracker:v9.9.9');

    const logs = logFiles();
    for (const command of ['backup', 'backup-list', 'restore', 'upgrade']) {
      expect(Object.keys(logs).some((name) => name.endsWith(`-${command}.log`)), `a log file of ${command}`).toBe(true);
    }
    for (const [name, text] of Object.entries(logs)) {
      expectNoSecret(text, name);
      expect(statSync(join(workingDir, 'data', 'demo', 'logs', name)).mode & 0o777).toBe(0o600);
    }
    expect(Object.values(logs).join('\n')).toContain('MYSQL_PASSWORD=***');

    const record = JSON.parse(readFileSync(join(workingDir, 'data', 'demo', 'environment.json'), 'utf8')) as { history: { command: string; outcome: string }[] };
    expect(record.history.map((entry) => `${entry.command} ${entry.outcome}`)).toEqual(expect.arrayContaining(['backup succeeded', `restore --from ${BACKUP_ID} succeeded`, 'upgrade succeeded']));
  }, 240_000);
});
