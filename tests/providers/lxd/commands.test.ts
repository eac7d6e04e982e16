import { describe, expect, it } from 'vitest';
import { EnvironmentConfigSchema, type EnvironmentConfig } from '../../../src/config/schema.js';
import * as lxc from '../../../src/providers/lxd/commands.js';
import { lxcFailure } from '../../../src/providers/lxd/errors.js';
import { cloudInitStateOf, instanceFromList, serverHasCloudInitKeys, serverRunsVms } from '../../../src/providers/lxd/parse.js';
import { LxdProvider } from '../../../src/providers/lxd/provider.js';
import { minimalConfig } from '../../support/configs.js';

function lxdConfig(provider: Record<string, unknown> = {}): EnvironmentConfig {
  return EnvironmentConfigSchema.parse(minimalConfig({ provider: { provider: 'lxd', profile_name: 'torrust-profile-test-env', ...provider } }));
}
const settingsOf = (config: EnvironmentConfig) => {
  if (config.provider.provider !== 'lxd') throw new Error('not lxd');
  return config.provider;
};

describe('lxc command lines', () => {
  it('init a VM by default: our profile only, --vm, no secure boot, user data before first boot', () => {
    const settings = settingsOf(lxdConfig());
    const command = lxc.instanceInit(settings, 'torrust-tracker-vm-test-env', lxc.instanceConfig(settings, 'cloud-init.user-data', '#cloud-config\nusers: []\n'));
    expect(command.args).toEqual([
      'init', 'ubuntu:24.04', 'torrust-tracker-vm-test-env', '--profile', 'torrust-profile-test-env', '--vm',
      '-c', 'boot.autostart=true', '-c', 'security.secureboot=false', '-c', 'cloud-init.user-data=#cloud-config\nusers: []\n',
    ]);
    expect(lxc.displayLine(command)).toBe(
      'lxc init ubuntu:24.04 torrust-tracker-vm-test-env --profile torrust-profile-test-env --vm -c boot.autostart=true -c security.secureboot=false -c cloud-init.user-data="$(cat cloud-init.yml)"',
    );
  });

  it('init a container with nesting (Docker inside) and the older user.user-data key when asked', () => {
    const settings = settingsOf(lxdConfig({ instance_type: 'container', image: 'local-debian' }));
    const command = lxc.instanceInit(settings, 'box', lxc.instanceConfig(settings, 'user.user-data', 'x'));
    expect(command.args).toEqual(['init', 'local-debian', 'box', '--profile', 'torrust-profile-test-env', '-c', 'boot.autostart=true', '-c', 'security.nesting=true', '-c', 'user.user-data=x']);
    expect(command.args).not.toContain('--vm');
  });

  it('the profile carries the limits, the root disk size and the nic on lxdbr0', () => {
    const yaml = lxc.profileYaml(settingsOf(lxdConfig({ cpus: 4, memory: '3GiB', disk: '25GiB' })), 'test-env');
    expect(yaml).toContain('  limits.cpu: "4"\n  limits.memory: 3GiB\n');
    expect(yaml).toMatch(/ {2}root:\n {4}path: \/\n {4}pool: default\n {4}size: 25GiB\n {4}type: disk/);
    expect(yaml).toMatch(/ {2}eth0:\n {4}name: eth0\n {4}network: lxdbr0\n {4}type: nic/);
    const edit = lxc.profileEdit('p', yaml);
    expect(edit).toEqual({ args: ['profile', 'edit', 'p'], input: yaml });
    expect(lxc.displayLine(edit)).toBe('lxc profile edit p < (stdin)');
  });

  it('lookups, waits and teardown', () => {
    expect(lxc.instanceList('n').args).toEqual(['list', 'n', '--format', 'json']);
    expect(lxc.cloudInitStatus('n').args).toEqual(['exec', 'n', '--', 'cloud-init', 'status', '--long']);
    expect(lxc.bootFinished('n').args).toEqual(['exec', 'n', '--', 'test', '-f', '/var/lib/cloud/instance/boot-finished']);
    expect(lxc.instanceDelete('n').args).toEqual(['delete', 'n', '--force']);
    expect(lxc.profileDelete('p').args).toEqual(['profile', 'delete', 'p']);
    expect(lxc.serverInfo().args).toEqual(['query', '/1.0']);
    expect(lxc.imageInfo('ubuntu:24.04').args).toEqual(['image', 'info', 'ubuntu:24.04']);
  });

  it('display quotes words a shell would split', () => {
    expect(lxc.displayLine({ args: ['exec', 'n', '--', 'sh', '-c', "echo 'a b'"] })).toBe("lxc exec n -- sh -c 'echo '\\''a b'\\'''");
  });

  it('plan lists the commands of each action for --dry-run', () => {
    const provider = new LxdProvider(lxdConfig({ instance_type: 'container' }));
    const create = provider.plan('create', 'vm1');
    expect(create[0]).toBe('lxc query /1.0');
    expect(create).toContain('lxc profile edit torrust-profile-test-env < (stdin)');
    expect(create).toContain('lxc start vm1');
    expect(create.some((line) => line.startsWith('lxc init ubuntu:24.04 vm1 --profile torrust-profile-test-env -c boot.autostart=true -c security.nesting=true'))).toBe(true);
    expect(provider.plan('address', 'vm1')).toEqual(['lxc list vm1 --format json']);
    expect(provider.plan('destroy', 'vm1')).toEqual([
      'lxc list vm1 --format json',
      'lxc delete vm1 --force',
      'lxc profile show torrust-profile-test-env',
      'lxc profile delete torrust-profile-test-env',
    ]);
  });
});

describe('reading lxc output', () => {
  const listing = JSON.stringify([
    { name: 'vm1-old', type: 'container', status: 'Running', state: { network: { eth0: { addresses: [{ family: 'inet', scope: 'global', address: '10.0.0.9' }] } } } },
    {
      name: 'vm1',
      type: 'virtual-machine',
      status: 'Running',
      state: {
        network: {
          lo: { addresses: [{ family: 'inet', scope: 'local', address: '127.0.0.1' }] },
          docker0: { addresses: [{ family: 'inet', scope: 'global', address: '172.17.0.1' }] },
          enp5s0: { addresses: [{ family: 'inet6', scope: 'link', address: 'fe80::1' }, { family: 'inet', scope: 'global', address: '10.210.0.7' }] },
        },
      },
    },
  ]);

  it('finds the exact name (lxc list matches prefixes) and its global IPv4 address, not docker0', () => {
    expect(instanceFromList(listing, 'vm1')).toEqual({ name: 'vm1', type: 'virtual-machine', status: 'Running', address: '10.210.0.7' });
    expect(instanceFromList(listing, 'vm')).toBeUndefined();
    expect(instanceFromList('[]', 'vm1')).toBeUndefined();
  });

  it('no address while the network is not up (state.network empty or null)', () => {
    expect(instanceFromList(JSON.stringify([{ name: 'a', type: 'container', status: 'Running', state: { network: null } }]), 'a')?.address).toBeUndefined();
    expect(instanceFromList(JSON.stringify([{ name: 'a', type: 'container', status: 'Stopped', state: null }]), 'a')).toEqual({ name: 'a', type: 'container', status: 'Stopped', address: undefined });
  });

  it('cloud-init status: running, done (also with recoverable errors), error, disabled', () => {
    expect(cloudInitStateOf('status: running\n', 0).phase).toBe('running');
    expect(cloudInitStateOf('status: not started\n', 0).phase).toBe('running');
    expect(cloudInitStateOf('status: done\nextended_status: done\n', 0).phase).toBe('done');
    expect(cloudInitStateOf('status: done\nextended_status: degraded done\n', 2).phase).toBe('done');
    expect(cloudInitStateOf('status: error\nerrors:\n  - locale failed\n', 1)).toEqual({ phase: 'error', detail: 'status: error\nerrors:\n  - locale failed' });
    expect(cloudInitStateOf('status: disabled\n', 0).phase).toBe('disabled');
  });

  it('server capabilities: the qemu driver for VMs, the cloud_init extension for cloud-init.* keys', () => {
    expect(serverRunsVms(JSON.stringify({ environment: { driver: 'lxc | qemu' } }))).toBe(true);
    expect(serverRunsVms(JSON.stringify({ environment: { driver: 'lxc' } }))).toBe(false);
    expect(serverHasCloudInitKeys(JSON.stringify({ api_extensions: ['instances', 'cloud_init'] }))).toBe(true);
    expect(serverHasCloudInitKeys(JSON.stringify({ api_extensions: ['instances'] }))).toBe(false);
  });
});

describe('lxc failures become errors that say what to do', () => {
  const settings = settingsOf(lxdConfig({ image: 'local-debian' }));
  const failed = (stderr: string) => lxcFailure(lxc.instanceList('n'), { exitCode: 1, stdout: '', stderr }, settings);

  it('no rights on the socket: join the lxd group', () => {
    const error = failed('Error: Get "http://unix.socket/1.0": dial unix /var/lib/lxd/unix.socket: connect: permission denied\n');
    expect(error.code).toBe('lxd.permission_denied');
    expect(error.fix).toContain('usermod -aG lxd');
  });

  it('daemon not running', () => {
    const error = failed('Error: Get "http://unix.socket/1.0": dial unix /var/lib/lxd/unix.socket: connect: no such file or directory\n');
    expect(error.code).toBe('lxd.daemon_unavailable');
    expect(error.fix).toContain('lxd init');
  });

  it('image not found names the image and how to import one', () => {
    const error = failed('Creating n\nError: Image not found\n');
    expect(error.code).toBe('lxd.image_unavailable');
    expect(error.where).toBe('provider.image');
    expect(error.message).toContain('"local-debian"');
    expect(error.fix).toContain('lxc image import');
  });

  it('a VM on a host without vhost_vsock: suggest a container', () => {
    const error = failed('Error: Failed creating instance record: Instance type "virtual-machine" is not supported on this server: vhost_vsock kernel module not loaded\n');
    expect(error.code).toBe('lxd.instance_type_unsupported');
    expect(error.fix).toContain('instance_type = "container"');
    expect(error.exitCode).toBe(2);
  });

  it('anything else keeps the command and LXD\'s message', () => {
    const error = failed('Error: Profile is currently in use\n');
    expect(error.code).toBe('lxd.command_failed');
    expect(error.message).toBe('lxc list n --format json failed: Profile is currently in use');
  });
});
