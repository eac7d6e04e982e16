import type { LxdProvider } from '../../config/schema.js';
import type { z } from 'zod';
import { shellQuote } from '../../shell/quote.js';

/**
 * Every `lxc` command line the LXD provider runs, as data (argv without the `lxc`
 * itself, plus what goes on stdin). Pure, so the lines can be printed for
 * --dry-run and tested without a daemon; one runner (runner.ts) executes them.
 */
export interface LxcCommand {
  readonly args: readonly string[];
  readonly input?: string;
}

export type LxdProviderConfig = z.output<typeof LxdProvider>;

/** The network and storage pool that `lxd init` makes by default; the profile attaches to them. */
export const LXD_NETWORK = 'lxdbr0';
export const LXD_STORAGE_POOL = 'default';
/** Written by cloud-init's final stage when every module has run. */
export const BOOT_FINISHED = '/var/lib/cloud/instance/boot-finished';

export const serverInfo = (): LxcCommand => ({ args: ['query', '/1.0'] });
export const imageInfo = (image: string): LxcCommand => ({ args: ['image', 'info', image] });
export const profileShow = (profile: string): LxcCommand => ({ args: ['profile', 'show', profile] });
export const profileCreate = (profile: string): LxcCommand => ({ args: ['profile', 'create', profile] });
/** `lxc profile edit` replaces the whole profile with the YAML on stdin, so re-running it converges. */
export const profileEdit = (profile: string, yaml: string): LxcCommand => ({ args: ['profile', 'edit', profile], input: yaml });
export const profileDelete = (profile: string): LxcCommand => ({ args: ['profile', 'delete', profile] });
/** Lists instances whose name starts with `name`; the caller keeps the exact match. */
export const instanceList = (name: string): LxcCommand => ({ args: ['list', name, '--format', 'json'] });
export const instanceStart = (name: string): LxcCommand => ({ args: ['start', name] });
export const instanceDelete = (name: string): LxcCommand => ({ args: ['delete', name, '--force'] });
export const cloudInitStatus = (name: string): LxcCommand => ({ args: ['exec', name, '--', 'cloud-init', 'status', '--long'] });
export const bootFinished = (name: string): LxcCommand => ({ args: ['exec', name, '--', 'test', '-f', BOOT_FINISHED] });

/**
 * Creates the instance without starting it, so the cloud-init user data is in place
 * before the first boot (cloud-init only reads it then). Only our profile is applied:
 * it carries the root disk and the nic, so the instance does not depend on `default`.
 */
export function instanceInit(provider: LxdProviderConfig, name: string, config: Readonly<Record<string, string>>): LxcCommand {
  return {
    args: [
      'init',
      provider.image,
      name,
      '--profile',
      provider.profile_name,
      ...(provider.instance_type === 'virtual-machine' ? ['--vm'] : []),
      ...Object.entries(config).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    ],
  };
}

/** Which key carries the user data: `cloud-init.user-data` where the server knows it, `user.user-data` on older ones. */
export type UserDataKey = 'cloud-init.user-data' | 'user.user-data';

/** Instance configuration set at creation: user data, nesting for containers (Docker runs inside), no secure boot for VMs. */
export function instanceConfig(provider: LxdProviderConfig, userDataKey: UserDataKey, userData: string): Record<string, string> {
  return {
    'boot.autostart': 'true',
    ...(provider.instance_type === 'container' ? { 'security.nesting': 'true' } : { 'security.secureboot': 'false' }),
    [userDataKey]: userData,
  };
}

/** The per-environment profile: resource limits from the config, root disk and nic on lxdbr0. */
export function profileYaml(provider: LxdProviderConfig, environment: string): string {
  return [
    `description: torrust-tracker-deployer environment ${environment}`,
    'config:',
    `  limits.cpu: "${provider.cpus}"`,
    `  limits.memory: ${provider.memory}`,
    'devices:',
    '  eth0:',
    '    name: eth0',
    `    network: ${LXD_NETWORK}`,
    '    type: nic',
    '  root:',
    '    path: /',
    `    pool: ${LXD_STORAGE_POOL}`,
    `    size: ${provider.disk}`,
    '    type: disk',
    '',
  ].join('\n');
}

/**
 * How a command reads in a log or a --dry-run listing, as a shell line that would do
 * the same (the user data, long but not secret, is shown as read from cloud-init.yml).
 */
export function displayLine(command: LxcCommand): string {
  const words = command.args.map((arg) => {
    const userData = /^(cloud-init|user)\.user-data=/.exec(arg);
    if (userData) return `${userData[0]}"$(cat cloud-init.yml)"`;
    return shellQuote(arg);
  });
  return ['lxc', ...words].join(' ') + (command.input === undefined ? '' : ' < (stdin)');
}
