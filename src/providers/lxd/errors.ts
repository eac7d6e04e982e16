import { DeployerError } from '../../domain/errors.js';
import { displayLine, type LxcCommand, type LxdProviderConfig } from './commands.js';
import type { LxcResult } from './runner.js';

/** LXD's own message: the last `Error: ...` line of stderr, or its last line. */
export function lxdMessage(result: LxcResult): string {
  const lines = result.stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  const error = lines.findLast((line) => line.startsWith('Error:'));
  return (error ?? lines.at(-1) ?? `exit code ${result.exitCode}`).replace(/^Error:\s*/, '');
}

/**
 * Turns a failed `lxc` call into an error that says what to do. The access problems
 * (socket missing or refused) look the same whatever the command was, so they are
 * recognised here for every call.
 */
export function lxcFailure(command: LxcCommand, result: LxcResult, provider?: LxdProviderConfig): DeployerError {
  const message = lxdMessage(result);
  const line = displayLine(command);
  const data = { command: line, lxd_message: message };
  if (/unix\.socket.*permission denied|permission denied.*unix\.socket/i.test(message)) {
    return new DeployerError('lxd.permission_denied', `You may not use LXD: its socket refused the connection (${message}).`, {
      fix: 'add yourself to the lxd group: `sudo usermod -aG lxd $USER`, then log out and in again (or run `newgrp lxd`)',
      data,
    });
  }
  if (/unix\.socket.*(no such file|connection refused)|LXD unix socket .*not accessible|daemon.*not running/i.test(message)) {
    return new DeployerError('lxd.daemon_unavailable', `The LXD daemon is not running (${message}).`, {
      fix: 'start it (`sudo systemctl start lxd`, or `sudo snap start lxd`); on first use run `sudo lxd init` to create the lxdbr0 bridge and a storage pool',
      data,
    });
  }
  if (provider && /Instance type "virtual-machine" is not supported|virtual-machine.*not supported/i.test(message)) return vmUnsupported(message);
  if (provider && /Image not found|requested image couldn't be found|Failed getting (remote )?image|no such host|Failed parsing stream/i.test(message)) {
    return imageUnavailable(provider.image, message);
  }
  if (/Network not found|Storage pool not found|Failed loading storage pool|No root device/i.test(message)) {
    return new DeployerError('lxd.daemon_unavailable', `LXD is not initialised: ${message}.`, {
      fix: 'run `sudo lxd init` once (it creates the lxdbr0 bridge and the default storage pool the profile uses)',
      data,
    });
  }
  return new DeployerError('lxd.command_failed', `${line} failed: ${message}`, { data });
}

export function imageUnavailable(image: string, reason: string): DeployerError {
  const remote = image.includes(':') ? image.slice(0, image.indexOf(':')) : undefined;
  return new DeployerError('lxd.image_unavailable', `The LXD image "${image}" is not available: ${reason}.`, {
    where: 'provider.image',
    fix: remote
      ? `the "${remote}" remote must be reachable from this machine (\`lxc image list ${remote}:\` tests it); without internet, import an image with \`lxc image import META ROOTFS --alias NAME\` and set provider.image = "NAME"`
      : `"${image}" is not a local alias: \`lxc image list\` shows the local images; import one with \`lxc image import META ROOTFS --alias ${image}\`, or name a remote image such as "ubuntu:24.04"`,
    data: { image, lxd_message: reason },
  });
}

export function vmUnsupported(reason: string): DeployerError {
  return new DeployerError('lxd.instance_type_unsupported', `This LXD host cannot run virtual machines (${reason}).`, {
    where: 'provider.instance_type',
    fix: 'set instance_type = "container" in the provider section (a system container with nesting runs Docker), or use a host with KVM and the vhost_vsock module',
    data: { lxd_message: reason },
  });
}
