import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentConfigSchema, type EnvironmentConfig } from '../../src/config/schema.js';
import { backupListPlan, backupVerifyPlan, restorePlan } from '../../src/plan/day-two.js';
import { configureSteps } from '../../src/remote/steps/configure.js';
import { fetchBackupCommand, listSnapshotsCommand, parseSnapshots, testRestoreCommand } from '../../src/remote/steps/offsite.js';
import { renderArtifacts } from '../../src/render/render.js';
import { offsiteOf } from '../../src/status/gather.js';
import { hostProbeScript, parseHostProbe, parseOffsiteLine } from '../../src/status/host-probe.js';
import { parseSftpRepository, remoteRetention, repositoryKind } from '../../src/stack/backup-remote.js';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { minimalConfig } from '../support/configs.js';

const PASSWORD = 'repo-password-Zq81-never-printed';
const SECRET_KEY = 's3-secret-key-Lm27-never-printed';

function configWith(remote: Record<string, unknown>): EnvironmentConfig {
  return EnvironmentConfigSchema.parse(minimalConfig({ backup: { schedule: '0 3 * * *', remote } }));
}

const sftp = () => configWith({ repository: 'sftp:restic@backup.example.com:/srv/restic/tracker', password: PASSWORD, ssh_private_key_path: '/keys/restic', retention: { keep_weekly: 2 } });
const s3 = () => configWith({ repository: 's3:https://s3.example.com/tracker-backups', password: PASSWORD, credentials: { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: SECRET_KEY } });

/** dash (Debian's sh, what `sudo sh -c` runs) parses it without running it. */
const parsesAsSh = (script: string) => execFileSync('dash', ['-n', '-c', script]);

describe('[backup.remote] repository forms', () => {
  it.each([
    ['sftp:user@host:/srv/restic', 'sftp'],
    ['sftp:host:relative/path', 'sftp'],
    ['sftp://user@host:2222//srv/restic', 'sftp'],
    ['rest:https://host:8000/path', 'rest'],
    ['rest:http://user:pw@10.0.0.1:8000/', 'rest'],
    ['s3:https://s3.example.com/bucket', 's3'],
  ])('%s is %s', (repository, kind) => expect(repositoryKind(repository)).toBe(kind));

  it.each([
    ['/srv/restic', 'none of the supported forms'],
    ['b2:bucket:path', 'none of the supported forms'],
    ['rest:ftp://host/path', 'http:// or https://'],
    ['rest:not a url', 'is not a URL'],
    ['s3:https://s3.example.com/', 'needs a bucket'],
    ['sftp:/only/a/path', 'is not sftp:user@host:/path'],
  ])('%s is refused (%s)', (repository, problem) => expect(repositoryKind(repository)).toContain(problem));

  it('reads the parts of both sftp spellings', () => {
    expect(parseSftpRepository('sftp:restic@10.1.2.3:/srv/r')).toEqual({ user: 'restic', host: '10.1.2.3', port: undefined, path: '/srv/r' });
    expect(parseSftpRepository('sftp://restic@backup.example.com:2222//srv/r')).toEqual({ user: 'restic', host: 'backup.example.com', port: 2222, path: '/srv/r' });
  });

  it('fills the retention defaults around what the config sets', () => {
    expect(remoteRetention(sftp().backup!.remote!)).toEqual({ keep_daily: 7, keep_weekly: 2, keep_monthly: 6 });
  });

  it('validate: an unsupported repository is exit 2 naming backup.remote.repository with its line; the password is never printed', async () => {
    const dir = temporaryDirectory('ttd-offsite-');
    const file = join(dir, 'env.toml');
    const toml = `[environment]\nname = "test-env"\n\n[ssh_credentials]\nprivate_key_path = "/keys/id"\npublic_key_path = "/keys/id.pub"\n\n[provider]\nprovider = "lxd"\nprofile_name = "p"\n\n[tracker.core.database]\ndriver = "sqlite3"\ndatabase_name = "tracker.db"\n\n[[tracker.udp_trackers]]\nbind_address = "0.0.0.0:6969"\n\n[[tracker.http_trackers]]\nbind_address = "0.0.0.0:7070"\n\n[tracker.http_api]\nbind_address = "0.0.0.0:1212"\nadmin_token = "a-long-random-admin-token"\n\n[tracker.health_check_api]\nbind_address = "127.0.0.1:1313"\n\n[backup]\n\n[backup.remote]\nrepository = "ftp://backup.example.com/tracker"\npassword = "${PASSWORD}"\n`;
    writeFileSync(file, toml);
    const result = await runBinary(['validate', file, '--json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('backup.remote.repository');
    const line = toml.split('\n').findIndex((text) => text.startsWith('repository')) + 1;
    const errors = (JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { errors: { path: string; line: number }[] }).errors;
    expect(errors).toEqual([expect.objectContaining({ path: 'backup.remote.repository', line })]);
    expect(result.stdout).toContain('sftp:user@host:/path');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });
});

describe('[backup.remote] on the host', () => {
  it('configure installs restic as its own step, only with a remote', () => {
    expect(configureSteps(sftp()).map((step) => step.id)).toContain('install-restic');
    expect(configureSteps(EnvironmentConfigSchema.parse(minimalConfig({ backup: {} }))).map((step) => step.id)).not.toContain('install-restic');
  });

  it('the password and credentials are only in root\'s 0600 files; never in compose, .env, cron or scripts', () => {
    for (const config of [sftp(), s3()]) {
      const artifacts = renderArtifacts(config, { resticSshKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nkey\n-----END OPENSSH PRIVATE KEY-----\n' });
      const holders = [...artifacts].filter(([, artifact]) => artifact.content.includes(PASSWORD) || artifact.content.includes(SECRET_KEY));
      expect(holders.length).toBeGreaterThan(0);
      for (const [path, artifact] of holders) {
        expect(artifact.mode, path).toBe(0o600);
        expect(artifact.host?.owner, path).toBe('root:root');
        expect(path.startsWith('etc/torrust/restic/'), path).toBe(true);
      }
      expect(artifacts.get('etc/torrust/restic/password')?.content).toBe(`${PASSWORD}\n`);
    }
    const sftpFiles = renderArtifacts(sftp(), {});
    expect(sftpFiles.get('etc/torrust/restic/ssh_key')?.mode).toBe(0o600);
    expect(sftpFiles.get('etc/torrust/restic/ssh_key')?.content).toContain('REPLACE_WITH_THE_CONTENTS_OF /keys/restic');
    expect(sftpFiles.get('usr/local/bin/ttd-restic')?.content).toContain("-o sftp.args='-F /etc/torrust/restic/ssh_config'");
    expect(renderArtifacts(s3(), {}).get('etc/torrust/restic/env')?.content).toMatch(new RegExp(`^AWS_SECRET_ACCESS_KEY='?${SECRET_KEY}'?$`, 'm'));
  });

  it('the backup script copies the new backup with restic, applies the retention, fails visibly, and records the last copy', () => {
    const script = renderArtifacts(sftp(), {}).get('usr/local/bin/maintenance-backup.sh')!.content;
    expect(script).toMatch(/\/usr\/local\/bin\/ttd-restic backup --no-scan --host '?test-env'? --tag ttd-backup --tag "id:\$stamp"/);
    expect(script).toMatch(/forget --prune --host '?test-env'? --tag ttd-backup --group-by host --keep-daily 7 --keep-weekly 2 --keep-monthly 6/);
    expect(script).toContain('offsite_failed "restic backup exited $?"');
    expect(script).toMatch(/offsite_failed\(\) \{[^}]*exit 1/);
    expect(script).toContain('/var/lib/torrust/offsite/last');
    // An unreachable repository fails within a minute instead of restic's long retries.
    expect(script).toContain('timeout 60 /usr/local/bin/ttd-restic cat config');
    execFileSync('bash', ['-n', '-c', script]);
    const plain = renderArtifacts(EnvironmentConfigSchema.parse(minimalConfig({ backup: {} })), {}).get('usr/local/bin/maintenance-backup.sh')!.content;
    expect(plain).not.toContain('restic');
  });
});

describe('off-host plans', () => {
  const target = { id: '20250601_030000', driver: 'sqlite3' as const, databaseName: 'tracker.db', withConfig: true, healthWaitSeconds: 60 };

  it('backup list reads the repository only with a remote', () => {
    expect(backupListPlan('e').stages[0]!.steps.map((step) => step.id)).toEqual(['list-backups']);
    expect(backupListPlan('e', true).stages[0]!.steps.map((step) => step.id)).toEqual(['list-backups', 'list-offsite']);
  });

  it('restore from the repository fetches the files first, then runs the same restore (with its undo steps)', () => {
    const steps = restorePlan('e', target, { snapshot: 'abc123' }).stages[0]!.steps;
    expect(steps.map((step) => step.id)).toEqual(['fetch-backup', ...restorePlan('e', target).stages[0]!.steps.map((step) => step.id)]);
    const fetch = steps[0]!;
    expect(fetch.kind === 'remote' && fetch.command).toMatch(/\/usr\/local\/bin\/ttd-restic restore '?abc123'? --target/);
    expect(steps.filter((step) => step.kind === 'remote' && step.undo !== undefined).map((step) => step.id)).toContain('swap-database');
  });

  it('backup verify is restic check, then a test restore into a temporary directory', () => {
    expect(backupVerifyPlan('e').stages[0]!.steps.map((step) => step.id)).toEqual(['check-repository', 'test-restore']);
    expect(backupVerifyPlan('e').command).toBe('backup verify');
  });

  it('every off-host command line parses as sh and names no secret', () => {
    for (const command of [listSnapshotsCommand(), fetchBackupCommand('20250601_030000', undefined), fetchBackupCommand('20250601_030000', 'abc'), testRestoreCommand()]) {
      parsesAsSh(command);
      expect(command).not.toMatch(/password/i);
    }
  });

  it('parses restic snapshots, newest backup first, leaving out snapshots it did not make', () => {
    const json = JSON.stringify([
      { id: 'a'.repeat(64), short_id: 'aaaaaaaa', time: '2025-06-01T03:00:05Z', hostname: 'old-env', tags: ['ttd-backup', 'id:20250601_030000'], paths: ['/opt/torrust/storage/backup/config/config_20250601_030000.tar.gz', '/opt/torrust/storage/backup/sqlite/sqlite_20250601_030000.db.gz'] },
      { id: 'b'.repeat(64), short_id: 'bbbbbbbb', time: '2025-06-02T03:00:05Z', hostname: 'old-env', tags: ['ttd-backup', 'id:20250602_030000'], paths: ['/opt/torrust/storage/backup/sqlite/sqlite_20250602_030000.db.gz'] },
      { id: 'c'.repeat(64), time: '2025-06-03T03:00:05Z', hostname: 'x', tags: ['someone-else'], paths: ['/home'] },
    ]);
    const backups = parseSnapshots(`noise\n${json}\n`);
    expect(backups.map((backup) => backup.id)).toEqual(['20250602_030000', '20250601_030000']);
    expect(backups[1]!.files.map((file) => file.kind)).toEqual(['sqlite', 'config']);
    expect(backups[1]!.host).toBe('old-env');
    expect(parseSnapshots('[]')).toEqual([]);
  });
});

describe('status: the last off-host copy', () => {
  const probeAt = (now: string, last?: string, failed?: string) =>
    parseHostProbe([
      '@@ttd-status clock', `${Date.parse(now) / 1000} +0000`,
      '@@ttd-status offsite', ...(last ? [`${Date.parse(last) / 1000} 20250601_030000`] : []),
      '@@ttd-status offsite-failed', ...(failed ? [`${Date.parse(failed) / 1000} 20250603_030000`] : []),
      '@@ttd-status end',
    ].join('\n'));

  it('reads the records the backup script writes', () => {
    expect(parseOffsiteLine('1748746805 20250601_030005')).toEqual({ at: new Date(1748746805000), id: '20250601_030005' });
    expect(parseOffsiteLine('garbage')).toBeUndefined();
    expect(hostProbeScript()).toContain('cat /var/lib/torrust/offsite/last');
  });

  it('is fresh within two scheduled runs, stale after them', () => {
    expect(offsiteOf('0 3 * * *', probeAt('2025-06-02T12:00:00Z', '2025-06-01T03:05:00Z')).stale).toBe(false);
    expect(offsiteOf('0 3 * * *', probeAt('2025-06-03T05:00:00Z', '2025-06-01T03:05:00Z')).stale).toBe(true);
    expect(offsiteOf('0 * * * *', probeAt('2025-06-01T06:30:00Z', '2025-06-01T03:05:00Z')).stale).toBe(true);
  });

  it('names a failed copy newer than the last good one; none yet is null, not stale', () => {
    const failed = offsiteOf('0 3 * * *', probeAt('2025-06-03T04:00:00Z', '2025-06-02T03:05:00Z', '2025-06-03T03:05:00Z'));
    expect(failed.failed?.id).toBe('20250603_030000');
    expect(offsiteOf('0 3 * * *', probeAt('2025-06-03T04:00:00Z')).last).toBeNull();
    expect(offsiteOf('0 3 * * *', probeAt('2025-06-03T04:00:00Z')).stale).toBe(false);
    expect(offsiteOf('0 3 * * *', undefined).last).toBeUndefined();
  });
});
