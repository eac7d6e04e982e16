// @module-tag needs-lxd
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { hostFingerprint } from '../support/host-fingerprint.js';
import { writeTestConfig } from '../support/environment-config.js';
import { lxc, prepareLxd, removeTestResources } from '../support/lxd/real-lxd.js';

const NAME = 'e2e-pipeline';
const INSTANCE = `torrust-tracker-vm-${NAME}`;
const PROFILE = `torrust-profile-${NAME}`;

/**
 * The pipeline through the built binary on a real LXD container (Debian 13 with
 * cloud-init) over real SSH: provision, configure (twice: the second run skips what
 * is done), release, then destroy. `run` needs the images, which only the lab's
 * registry mirror provides.
 */
describe('provision → configure → release → destroy on a real LXD container', () => {
  let workingDir: string;
  const ttd = (...args: string[]) => runBinary(['--working-dir', workingDir, ...args]);
  const onInstance = async (command: string) => (await lxc('exec', INSTANCE, '--', 'sh', '-c', command)).stdout.trim();

  beforeAll(async () => {
    const image = await prepareLxd();
    await removeTestResources([INSTANCE], [PROFILE]);
    workingDir = temporaryDirectory('ttd-e2e-lxd-');
    mkdirSync(join(workingDir, 'envs'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(workingDir, 'envs', 'id')]);
    writeTestConfig(workingDir, {
      name: NAME,
      privateKeyPath: 'id',
      provider: { provider: 'lxd', profile_name: PROFILE, instance_type: 'container', image },
      database: { driver: 'sqlite3', database_name: 'e2e.db' },
      adminToken: 'e2e-admin-token-not-for-production',
    });
    expect((await ttd('create', 'environment', '-f', join(workingDir, 'envs', `${NAME}.toml`))).code).toBe(0);
  }, 900_000);

  afterAll(async () => {
    await removeTestResources([INSTANCE], [PROFILE]);
  });

  it('provisions the container and records its address and SSH host key', async () => {
    const result = await ttd('provision', NAME);
    expect(result.code, result.stderr).toBe(0);
    const state = JSON.parse(readFileSync(join(workingDir, 'data', NAME, 'environment.json'), 'utf8')) as { state: string; instance: { address?: string; ssh_host_key?: string } };
    expect(state.state).toBe('provisioned');
    expect(state.instance.address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(state.instance.ssh_host_key).toMatch(/^SHA256:/);
  }, 600_000);

  it('configures Docker, compose v2, the docker group and the firewall; a second run skips what is done', async () => {
    const first = await ttd('configure', NAME);
    expect(first.code, first.stderr).toBe(0);
    expect(await onInstance('docker compose version')).toMatch(/Docker Compose version v?2\./);
    expect(await onInstance('id -nG torrust')).toContain('docker');
    const ufw = await onInstance('ufw status');
    expect(ufw).toContain('Status: active');
    for (const rule of ['22/tcp', '6969/udp', '7070/tcp', '1212/tcp']) expect(ufw).toContain(rule);

    const second = await ttd('configure', NAME);
    expect(second.code).toBe(0);
    // install, start Docker, the image pull (already started: these images are not in any registry here), docker group, security updates, firewall
    expect(second.stderr.match(/↷/g)?.length).toBe(6);
  }, 600_000);

  it('releases the rendered files with their modes and the SQLite database named in the config', async () => {
    const result = await ttd('release', NAME);
    expect(result.code, result.stderr).toBe(0);
    expect(await onInstance('stat -c "%a %U" /opt/torrust/.env')).toBe('600 torrust');
    expect(await onInstance('grep -c TORRUST_TRACKER_CONFIG_OVERRIDE_HTTP_API__ACCESS_TOKENS__ADMIN /opt/torrust/.env')).toBe('1');
    expect(await onInstance('test -f /opt/torrust/storage/tracker/lib/database/e2e.db && echo present')).toBe('present');
    expect(await onInstance('test -e /opt/torrust/storage/tracker/lib/database/tracker.db || echo absent')).toBe('absent');
    expect(await onInstance('cd /opt/torrust && docker compose config --quiet && echo valid')).toBe('valid');
    expect(result.stderr).not.toContain('e2e-admin-token-not-for-production');
  }, 600_000);

  it('configure and release again on the unchanged host change nothing: no apt, no ufw rule, no file written', async () => {
    const before = await hostFingerprint(onInstance);
    expect(before.files.some((line) => line.startsWith('/opt/torrust/.env '))).toBe(true);
    for (const stage of ['configure', 'release']) {
      const again = await ttd(stage, NAME);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr, `${stage} ran a step on an unchanged host`).not.toMatch(/^ {2}✓ /m);
      expect(again.stderr).toMatch(/^ {2}↷ /m);
    }
    expect(await hostFingerprint(onInstance)).toEqual(before);
  }, 600_000);

  it('destroys the container and its profile, and destroying again is fine', async () => {
    expect((await ttd('destroy', NAME, '--yes')).code).toBe(0);
    expect((await lxc('info', INSTANCE)).code).not.toBe(0);
    expect((await lxc('profile', 'show', PROFILE)).code).not.toBe(0);
    expect((await ttd('destroy', NAME, '--yes')).code).toBe(0);
  }, 600_000);
});
