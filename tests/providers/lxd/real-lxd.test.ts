// @module-tag needs-lxd
/**
 * The LXD provider against a real LXD daemon (LXD 5 from Debian, a locally built
 * Debian image with cloud-init): a container comes up, answers SSH with the user and
 * key that came through cloud-init, and goes away with its profile. Needs root.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentConfigSchema, instanceNameOf, type EnvironmentConfig } from '../../../src/config/schema.js';
import { DeployerError } from '../../../src/domain/errors.js';
import { serverRunsVms } from '../../../src/providers/lxd/parse.js';
import { LxdProvider } from '../../../src/providers/lxd/provider.js';
import { lxcRunner } from '../../../src/providers/lxd/runner.js';
import { minimalConfig } from '../../support/configs.js';
import { lxc, prepareLxd, removeTestResources } from '../../support/lxd/real-lxd.js';

const run = promisify(execFile);
const suffix = randomBytes(3).toString('hex');
const never = new AbortController().signal;
const instances: string[] = [];
const profiles: string[] = [];

let image: string;
let keyDir: string;

/** A config for one test: its own environment, instance and profile names, all marked as the test's. */
function testConfig(label: string, provider: Record<string, unknown> = {}): EnvironmentConfig {
  const name = `ttd-lxd-${label}-${suffix}`;
  const config = EnvironmentConfigSchema.parse(
    minimalConfig({
      environment: { name },
      ssh_credentials: { private_key_path: join(keyDir, 'id_ed25519'), public_key_path: join(keyDir, 'id_ed25519.pub') },
      provider: { provider: 'lxd', profile_name: `${name}-profile`, image, instance_type: 'container', cpus: 1, memory: '1GiB', disk: '4GiB', ...provider },
    }),
  );
  instances.push(instanceNameOf(config));
  profiles.push(`${name}-profile`);
  return config;
}

async function caught(promise: Promise<unknown>): Promise<DeployerError> {
  const error = await promise.then(() => undefined, (failure: unknown) => failure);
  expect(error).toBeInstanceOf(DeployerError);
  return error as DeployerError;
}

beforeAll(async () => {
  image = await prepareLxd();
  keyDir = await mkdtemp(join(tmpdir(), 'ttd-lxd-keys-'));
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `ttd-lxd-test-${suffix}`, '-f', join(keyDir, 'id_ed25519')]);
}, 900_000);

afterAll(async () => {
  await removeTestResources(instances, profiles);
  if (keyDir) await rm(keyDir, { recursive: true, force: true });
}, 120_000);

describe('LXD provider on a real LXD', () => {
  it('creates a container that answers SSH with the cloud-init user and key; find, address, destroy, destroy again', async () => {
    const config = testConfig('up');
    const name = instanceNameOf(config);
    const progress: string[] = [];
    const provider = new LxdProvider(config, { onProgress: (line) => progress.push(line), pollIntervalMs: 1_000 });

    expect(await provider.find(name, never)).toBeUndefined();
    const created = await provider.create(name, never);
    expect(created).toEqual({ id: name, name, kind: 'container' });
    expect(progress.some((line) => /has address 10\.210\.0\.\d+/.test(line))).toBe(true);
    expect(progress.some((line) => line.includes('cloud-init status: done'))).toBe(true);

    expect(await provider.find(name, never)).toEqual(created);
    const address = await provider.address(created, never);
    expect(address).toMatch(/^10\.210\.0\.\d+$/);

    // What the config asked for is what LXD has.
    const profile = (await lxc('profile', 'show', `${config.environment.name}-profile`)).stdout;
    expect(profile).toContain('limits.cpu: "1"');
    expect(profile).toContain('limits.memory: 1GiB');
    expect(profile).toMatch(/size: 4GiB/);
    expect(profile).toMatch(/network: lxdbr0/);
    expect((await lxc('config', 'get', name, 'security.nesting')).stdout.trim()).toBe('true');
    expect((await lxc('config', 'get', name, 'cloud-init.user-data')).stdout).toContain('#cloud-config');

    // The user and key came through cloud-init: key-only SSH as torrust, with passwordless sudo.
    const ssh = await run('ssh', [
      '-i', join(keyDir, 'id_ed25519'),
      '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=10', '-o', 'LogLevel=ERROR',
      '-p', '22', `torrust@${address}`,
      'id -un && sudo -n true && echo sudo-ok && cloud-init status',
    ]);
    expect(ssh.stdout.split('\n')).toEqual(['torrust', 'sudo-ok', 'status: done', '']);

    await provider.destroy(name, [name], never);
    expect(await provider.find(name, never)).toBeUndefined();
    expect((await lxc('profile', 'show', `${config.environment.name}-profile`)).code).not.toBe(0);
    await expect(provider.destroy(name, [name], never)).resolves.toBeUndefined();
  }, 600_000);

  it('a missing image: lxd.image_unavailable naming the image and how to import one, and nothing created', async () => {
    const config = testConfig('noimg', { image: `ttd-test/no-such-image-${suffix}` });
    const error = await caught(new LxdProvider(config).create(instanceNameOf(config), never));
    expect(error.code).toBe('lxd.image_unavailable');
    expect(error.message).toContain(`ttd-test/no-such-image-${suffix}`);
    expect(error.fix).toContain('lxc image import');
    expect(error.exitCode).toBe(2);
    expect((await lxc('profile', 'show', `${config.environment.name}-profile`)).code).not.toBe(0);
    expect(await new LxdProvider(config).find(instanceNameOf(config), never)).toBeUndefined();
  });

  it('a virtual machine on this host (no vhost_vsock): lxd.instance_type_unsupported suggesting a container, nothing created', async () => {
    const server = await lxc('query', '/1.0');
    expect(serverRunsVms(server.stdout), 'this test expects a host without VM support, as LAB.md says these machines are').toBe(false);
    const config = testConfig('vm', { instance_type: 'virtual-machine' });
    const error = await caught(new LxdProvider(config).create(instanceNameOf(config), never));
    expect(error.code).toBe('lxd.instance_type_unsupported');
    expect(error.fix).toContain('instance_type = "container"');
    expect((await lxc('profile', 'show', `${config.environment.name}-profile`)).code).not.toBe(0);
  });

  it('the LXD daemon not reachable: lxd.daemon_unavailable saying how to start it', async () => {
    const config = testConfig('nodaemon');
    const provider = new LxdProvider(config, { run: lxcRunner({ env: { ...process.env, LXD_DIR: join(keyDir, 'no-lxd-here') } }) });
    const error = await caught(provider.find(instanceNameOf(config), never));
    expect(error.code).toBe('lxd.daemon_unavailable');
    expect(error.fix).toContain('lxd init');
  });

  it('no lxc client: lxd.cli_missing saying how to install it', async () => {
    const config = testConfig('nocli');
    const provider = new LxdProvider(config, { run: lxcRunner({ binary: join(keyDir, 'no-such-lxc') }) });
    const error = await caught(provider.find(instanceNameOf(config), never));
    expect(error.code).toBe('lxd.cli_missing');
    expect(error.fix).toContain('apt install lxd');
  });
});
