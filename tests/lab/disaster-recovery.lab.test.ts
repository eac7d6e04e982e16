import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { lxc } from '../support/lxd/real-lxd.js';
import { labEnvironment, labUp, removeLabInstance, type Lab, type LabEnvironment } from './lab.js';

/**
 * Disaster recovery (issue 19), on SQLite, MySQL and PostgreSQL: environment A copies its backups off the host,
 * encrypted by restic, to a repository on a separate LXD container reached over SFTP (a
 * real sshd there). Marker rows go in, a backup runs, A is destroyed entirely; B is
 * deployed from the same config under another name, `restore --from-repository` brings
 * the rows back and `ttd test` passes. On the way: the repository password is in no log
 * (-vvv), no process command line on the host while the backup runs, and no file that is
 * not 0600; `backup list` shows the off-host copy, `backup verify` checks the repository,
 * and a wrong password fails it with backup.remote_failed.
 */

const run = promisify(execFile);
const PASSWORD = 'Restic-lab-dr-Pw-4Kq9Vx2M';
const ENV = { TTD_LAB_RESTIC_PASSWORD: PASSWORD };
const COMMON = ['--protocols', 'udp,http', '--no-prometheus', '--no-grafana', '--no-https', '--backup'];
const MYSQL_PASSWORD = 'UserPw-lab-dr-3Lp';
const POSTGRESQL_PASSWORD = 'UserPw-lab-drp-8Wn';

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

interface Flavour {
  readonly title: string;
  readonly a: string;
  readonly b: string;
  readonly repo: string;
  readonly answers: readonly string[];
  sql(env: LabEnvironment, statement: string): Promise<string>;
  readonly dump: string;
}

const FLAVOURS: readonly Flavour[] = [
  {
    title: 'SQLite',
    a: 'lab-dr-a',
    b: 'lab-dr-b',
    repo: 'ttd-lab-dr-repo',
    answers: ['--database', 'sqlite3', ...COMMON],
    sql: (env, statement) =>
      env.onInstance(`docker run --rm --user 1000:1000 -v /opt/torrust/storage/tracker/lib/database:/db --entrypoint sqlite3 torrust/tracker-backup:latest -tabs /db/tracker.db ${quote(statement)}`),
    dump: 'sqlite',
  },
  {
    title: 'MySQL',
    a: 'lab-drm-a',
    b: 'lab-drm-b',
    repo: 'ttd-lab-drm-repo',
    answers: ['--database', 'mysql', '--mysql-database', 'torrust_tracker', '--mysql-user', 'torrust', '--mysql-password', MYSQL_PASSWORD, ...COMMON],
    sql: (env, statement) =>
      env.onInstance(`cd /opt/torrust && docker compose exec -T mysql sh -c 'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mariadb -uroot --batch --skip-column-names torrust_tracker' <<'SQL'\n${statement}\nSQL`),
    dump: 'mysql',
  },
  {
    title: 'PostgreSQL',
    a: 'lab-drp-a',
    b: 'lab-drp-b',
    repo: 'ttd-lab-drp-repo',
    answers: ['--database', 'postgresql', '--postgresql-database', 'torrust_tracker', '--postgresql-user', 'torrust', '--postgresql-password', POSTGRESQL_PASSWORD, ...COMMON],
    sql: (env, statement) =>
      env.onInstance(`cd /opt/torrust && docker compose exec -T postgresql psql -v ON_ERROR_STOP=1 --no-psqlrc -At -F '\t' -U torrust -d torrust_tracker <<'SQL'\n${statement}\nSQL`),
    dump: 'postgresql',
  },
];
const TABLE = 'CREATE TABLE IF NOT EXISTS torrents (id INTEGER PRIMARY KEY, info_hash VARCHAR(40) NOT NULL UNIQUE, completed INTEGER DEFAULT 0 NOT NULL)';
const ROWS = ['1\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\t7', '2\tbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\t42'];

function resultOf(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n').filter((line) => line.startsWith('{'));
  return JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
}

async function onRepoOf(repo: string, command: string): Promise<string> {
  const result = await lxc('exec', repo, '--', 'sh', '-c', command);
  if (result.code !== 0) throw new Error(`on ${repo}: ${command} exited ${result.code}: ${result.stderr}`);
  return result.stdout.trim();
}

/** A container with a real sshd and a `restic` user whose home holds the repository; returns its address. */
async function startRepositoryServer(lab: Lab, repo: string, publicKey: string): Promise<string> {
  const onRepo = (command: string) => onRepoOf(repo, command);
  await lxc('delete', repo, '--force');
  // lxc launch reads instance config from stdin when it is not a terminal: give it an empty one.
  await run('sh', ['-c', `lxc launch ${quote(lab.lxdImage)} ${repo} </dev/null`]);
  let address = '';
  for (let attempt = 0; attempt < 90 && address === ''; attempt++) {
    const probe = await lxc('exec', repo, '--', 'sh', '-c', "ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -n 1");
    address = probe.code === 0 ? probe.stdout.trim() : '';
    if (address === '') await new Promise((done) => setTimeout(done, 1000));
  }
  if (address === '') throw new Error(`${repo} got no IPv4 address`);
  await onRepo('cloud-init status --wait >/dev/null 2>&1 || true');
  await onRepo([
    'id restic >/dev/null 2>&1 || useradd --create-home --shell /bin/sh restic',
    'install -d -m 0700 -o restic -g restic /home/restic/.ssh /home/restic/repos',
    `printf '%s\\n' ${quote(publicKey.trim())} > /home/restic/.ssh/authorized_keys`,
    'chown restic:restic /home/restic/.ssh/authorized_keys && chmod 0600 /home/restic/.ssh/authorized_keys',
    '(command -v sshd >/dev/null || [ -x /usr/sbin/sshd ]) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server)',
    'systemctl enable --now ssh >/dev/null 2>&1 || systemctl restart ssh',
    'systemctl is-active ssh',
  ].join(' && '));
  return address;
}

/** Every file under the environment's data directory (logs included) as text. */
function localFiles(env: LabEnvironment): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else texts.push(readFileSync(path, 'utf8'));
    }
  };
  walk(join(env.workingDir, 'data'));
  return texts.join('\n');
}

for (const flavour of FLAVOURS) {
  const { a: A, b: B, repo: REPO, sql } = flavour;
  const onRepo = (command: string) => onRepoOf(REPO, command);
  describe(`disaster recovery from an off-host restic repository over SFTP (${flavour.title})`, () => {
    let lab: Lab;
    let a: LabEnvironment;
    let b: LabEnvironment;
    let backupId = '';

    beforeAll(async () => {
      lab = await labUp();
      await removeLabInstance(A);
      await removeLabInstance(B);
      a = await labEnvironment(lab, A, flavour.answers);
      const repoKey = join(a.workingDir, 'restic_repo_key');
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ttd-lab-dr-repo', '-f', repoKey]);
      const address = await startRepositoryServer(lab, REPO, readFileSync(`${repoKey}.pub`, 'utf8'));
      const config = parse(readFileSync(a.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
      config['backup'] = { ...config['backup'], remote: { repository: `sftp:restic@${address}:/home/restic/repos/tracker`, password: '${TTD_LAB_RESTIC_PASSWORD}', ssh_private_key_path: repoKey, retention: { keep_daily: 3 } } };
      writeFileSync(a.configPath, stringify(config), { mode: 0o600 });
    }, 900_000);

    afterAll(async () => {
      await removeLabInstance(A);
      await removeLabInstance(B);
      await lxc('delete', REPO, '--force');
    });

    it('deploys A with [backup.remote]: restic installed by configure, its settings root-only files', async () => {
      onTestFailed(async () => console.error(await a.diagnostics()));
      const result = await a.ttdWith(ENV, 'deploy', a.configPath);
      expect(result.code, result.stderr).toBe(0);
      expect(await a.onInstance('restic version')).toMatch(/^restic \d+\.\d+/);
      const modes = await a.onInstance('stat -c "%a %U %n" /etc/torrust/restic/env /etc/torrust/restic/password /etc/torrust/restic/ssh_key');
      expect(modes.split('\n')).toEqual(['600 root /etc/torrust/restic/env', '600 root /etc/torrust/restic/password', '600 root /etc/torrust/restic/ssh_key']);
      expect(await a.onInstance('cat /opt/torrust/docker-compose.yml /opt/torrust/.env /etc/cron.d/tracker-backup /usr/local/bin/maintenance-backup.sh')).not.toContain(PASSWORD);
    }, 1_200_000);

    it('backup copies to the repository: the password is in no command line on the host, no log at -vvv, no file that is not 0600', async () => {
      onTestFailed(async () => console.error(await a.diagnostics()));
      await sql(a, `${TABLE}; INSERT INTO torrents (id, info_hash, completed) VALUES (1, '${'a'.repeat(40)}', 7); INSERT INTO torrents (id, info_hash, completed) VALUES (2, '${'b'.repeat(40)}', 42);`);
      // Every process's command line, sampled through the whole backup.
      await a.onInstance('rm -f /root/ps.log; nohup sh -c \'while [ ! -e /root/ps.stop ]; do ps -eo args >> /root/ps.log; sleep 0.1; done\' >/dev/null 2>&1 &');
      const result = await a.ttdWith(ENV, 'backup', A, '-vvv', '--json');
      await a.onInstance('touch /root/ps.stop; sleep 1; rm -f /root/ps.stop');
      expect(result.code, result.stdout + result.stderr).toBe(0);
      backupId = String(resultOf(result.stdout)['id']);
      expect(backupId).toMatch(/^\d{8}_\d{6}$/);
      expect(result.stdout + result.stderr).toContain('Off-host copy of backup');

      const ps = await a.onInstance('cat /root/ps.log');
      expect(ps).toContain('restic');
      expect(ps).not.toContain(PASSWORD);
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
      expect(localFiles(a)).not.toContain(PASSWORD);
      // The host: the only files holding it are root's 0600 ones.
      const holders = await a.onInstance(`grep -rlF ${quote(PASSWORD)} /etc /opt /var /root /home /tmp /usr/local 2>/dev/null | xargs -r stat -c '%a %n'`);
      expect(holders.split('\n').filter(Boolean).length).toBeGreaterThan(0);
      for (const line of holders.split('\n').filter(Boolean)) expect(line).toMatch(/^600 /);
      // The repository server holds restic's encrypted files only.
      expect(await onRepo('ls /home/restic/repos/tracker')).toContain('config');
      expect(await onRepo(`grep -rlF ${quote(PASSWORD)} /home/restic/repos || true`)).toBe('');
      expect(await onRepo(`grep -rlaF 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' /home/restic/repos || true`)).toBe('');
    }, 600_000);

    it('backup list shows the backup on the host and off-host; backup verify checks the repository', async () => {
      const list = await a.ttdWith(ENV, 'backup', 'list', A, '--json');
      expect(list.code, list.stderr).toBe(0);
      const listed = resultOf(list.stdout) as { backups: { id: string }[]; offsite: { id: string; host: string; files: { kind: string }[] }[] };
      expect(listed.backups.map((backup) => backup.id)).toContain(backupId);
      const copy = listed.offsite.find((backup) => backup.id === backupId);
      expect(copy?.host).toBe(A);
      expect(copy?.files.map((file) => file.kind).sort()).toEqual(['config', flavour.dump]);

      const verify = await a.ttdWith(ENV, 'backup', 'verify', A, '--json');
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(String(resultOf(verify.stdout)['test_restore'])).toContain(backupId);

      // A wrong password on the host: verify fails, naming the repository.
      await a.onInstance('cp -p /etc/torrust/restic/password /root/password.keep && echo wrong-password > /etc/torrust/restic/password');
      try {
        const failed = await a.ttdWith(ENV, 'backup', 'verify', A, '--json');
        expect(failed.code).toBe(1);
        const error = resultOf(failed.stdout)['error'] as { code: string; where: string };
        expect(error.code).toBe('backup.remote_failed');
        expect(error.where).toBe('backup.remote.repository');
      } finally {
        await a.onInstance('mv -f /root/password.keep /etc/torrust/restic/password');
      }
    }, 600_000);

    it('destroys A entirely, deploys B from the same config under another name, restores from the repository', async () => {
      const destroyed = await a.ttdWith(ENV, 'destroy', A, '--yes');
      expect(destroyed.code, destroyed.stderr).toBe(0);
      expect((await lxc('info', `torrust-tracker-vm-${A}`)).code).not.toBe(0);

      b = await labEnvironment(lab, B, flavour.answers);
      onTestFailed(async () => console.error(await b.diagnostics()));
      // A's config, word for word, but for the name (and the LXD profile named after it).
      const config = parse(readFileSync(a.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
      config['environment'] = { ...config['environment'], name: B };
      config['provider'] = { ...config['provider'], profile_name: String(config['provider']?.['profile_name']).replace(A, B) };
      writeFileSync(b.configPath, stringify(config), { mode: 0o600 });
      const deployed = await b.ttdWith(ENV, 'deploy', b.configPath);
      expect(deployed.code, deployed.stderr).toBe(0);

      const local = await b.ttdWith(ENV, 'backup', 'list', B, '--json');
      expect((resultOf(local.stdout) as { backups: unknown[] }).backups).toEqual([]);

      const restored = await b.ttdWith(ENV, 'restore', B, '--from-repository', '--yes', '--json');
      expect(restored.code, restored.stdout + restored.stderr).toBe(0);
      const result = resultOf(restored.stdout) as { source: string; backup: { id: string; host: string } };
      expect(result.source).toBe('repository');
      expect(result.backup.id).toBe(backupId);
      expect(result.backup.host).toBe(A);
      expect(restored.stdout + restored.stderr).not.toContain(PASSWORD);

      expect((await sql(b, 'SELECT id, info_hash, completed FROM torrents ORDER BY id;')).split('\n')).toEqual(ROWS);
      expect(await b.onInstance(`docker inspect --format '{{.State.Health.Status}}' tracker`)).toBe('healthy');
      const test = await b.ttdWith(ENV, 'test', B);
      expect(test.code, test.stdout + test.stderr).toBe(0);
    }, 1_800_000);
  });
}
