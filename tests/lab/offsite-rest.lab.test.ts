import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parse, stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { temporaryDirectory } from '../support/cli.js';
import { labEnvironment, labUp, removeLabInstance, type LabEnvironment } from './lab.js';

/**
 * Off-host copies to a restic REST repository (issue 19), served by Debian's rclone
 * (`rclone serve restic`, with basic auth) on the lab bridge: a backup is copied there,
 * its local files are deleted, and `restore --from ID` fetches it back; with the server
 * stopped, a backup fails visibly and `status` names the failed copy. The REST password
 * inside the repository URL is masked like every other secret.
 */

const NAME = 'lab-offsite-rest';
const REST_USER = 'tracker';
const REST_PASSWORD = 'Rest-lab-Pw-7Hn3Qd';
const REPO_PASSWORD = 'Restic-lab-rest-Pw-2Wm8';
const ENV = { TTD_LAB_REST_PASSWORD: REST_PASSWORD, TTD_LAB_RESTIC_PASSWORD: REPO_PASSWORD };
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const sql = (env: LabEnvironment, statement: string) =>
  env.onInstance(`docker run --rm --user 1000:1000 -v /opt/torrust/storage/tracker/lib/database:/db --entrypoint sqlite3 torrust/tracker-backup:latest -tabs /db/tracker.db ${quote(statement)}`);

function resultOf(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n').filter((line) => line.startsWith('{'));
  return JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
}

/** A free TCP port on the bridge address. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('off-host copies to a REST repository (rclone serve restic)', () => {
  let env: LabEnvironment;
  let rclone: ChildProcess | undefined;
  let serve: () => Promise<void>;
  let backupId = '';

  const stopServer = async () => {
    const child = rclone;
    rclone = undefined;
    if (child?.pid === undefined || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  };

  beforeAll(async () => {
    const lab = await labUp();
    const gateway = new URL(lab.mirror).hostname;
    const port = await freePort(gateway);
    const directory = temporaryDirectory('ttd-lab-rest-repo-');
    serve = async () => {
      rclone = spawn('rclone', ['serve', 'restic', '--addr', `${gateway}:${port}`, '--user', REST_USER, '--pass', REST_PASSWORD, directory], { stdio: 'ignore' });
      await new Promise((done, fail) => {
        rclone!.once('error', (error) => fail(new Error(`rclone serve restic did not start (scripts/install-test-tools.sh restic installs it): ${error.message}`)));
        setTimeout(done, 1500);
      });
      if (rclone!.exitCode !== null) throw new Error(`rclone serve restic exited ${rclone!.exitCode}`);
    };
    await serve();
    await removeLabInstance(NAME);
    env = await labEnvironment(lab, NAME, ['--database', 'sqlite3', '--protocols', 'udp,http', '--no-prometheus', '--no-grafana', '--no-https', '--backup']);
    const config = parse(readFileSync(env.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
    config['backup'] = { ...config['backup'], remote: { repository: `rest:http://${REST_USER}:\${TTD_LAB_REST_PASSWORD}@${gateway}:${port}/tracker`, password: '${TTD_LAB_RESTIC_PASSWORD}' } };
    writeFileSync(env.configPath, stringify(config), { mode: 0o600 });
  }, 900_000);

  afterAll(async () => {
    await stopServer();
    await removeLabInstance(NAME);
  });

  it('deploys, and a backup is copied to the REST repository; neither password is printed', async () => {
    onTestFailed(async () => console.error(await env.diagnostics()));
    const deployed = await env.ttdWith(ENV, 'deploy', env.configPath);
    expect(deployed.code, deployed.stderr).toBe(0);
    await sql(env, "CREATE TABLE IF NOT EXISTS torrents (id INTEGER PRIMARY KEY, info_hash VARCHAR(40) NOT NULL UNIQUE, completed INTEGER DEFAULT 0 NOT NULL); INSERT INTO torrents VALUES (9, 'dddddddddddddddddddddddddddddddddddddddd', 3);");
    const backup = await env.ttdWith(ENV, 'backup', NAME, '-vv', '--json');
    expect(backup.code, backup.stdout + backup.stderr).toBe(0);
    backupId = String(resultOf(backup.stdout)['id']);
    for (const secret of [REST_PASSWORD, REPO_PASSWORD]) expect(backup.stdout + backup.stderr).not.toContain(secret);
    const list = await env.ttdWith(ENV, 'backup', 'list', NAME, '--json');
    expect((resultOf(list.stdout) as { offsite: { id: string }[] }).offsite.map((copy) => copy.id)).toEqual([backupId]);
  }, 1_200_000);

  it('restore --from ID fetches a backup the host no longer has', async () => {
    await env.onInstance(`rm -f /opt/torrust/storage/backup/*/*_${backupId}.*`);
    await sql(env, 'DELETE FROM torrents;');
    const restored = await env.ttdWith(ENV, 'restore', NAME, '--from', backupId, '--yes', '--json');
    expect(restored.code, restored.stdout + restored.stderr).toBe(0);
    expect(resultOf(restored.stdout)['source']).toBe('repository');
    expect(await sql(env, 'SELECT id, completed FROM torrents;')).toBe('9\t3');
  }, 600_000);

  it('with the repository down, the backup fails visibly and status names the failed copy', async () => {
    await stopServer();
    const failed = await env.ttdWith(ENV, 'backup', NAME, '--json');
    expect(failed.code).toBe(1);
    const error = resultOf(failed.stdout)['error'] as { code: string; stderr_tail?: string[] };
    expect(error.code).toBe('backup.failed');
    expect((error.stderr_tail ?? []).join('\n')).toMatch(/Off-host copy of backup \d{8}_\d{6} FAILED: the repository/);
    const status = await env.ttdWith(ENV, 'status', NAME, '--json');
    const offsite = ((resultOf(status.stdout)['backup'] as Record<string, unknown>)['offsite']) as { last: { id: string } | null; failed: { id: string } | null };
    expect(offsite.last?.id).toBe(backupId);
    expect(offsite.failed?.id).toMatch(/^\d{8}_\d{6}$/);
    expect(offsite.failed?.id).not.toBe(backupId);
    await serve();
  }, 600_000);
});
