import { describe, expect, it } from 'vitest';
import type { LxcResult, LxcRunner } from '../../../src/providers/lxd/runner.js';
import { CONTAINER_PREFIX, LxdServerBackend } from '../../stand-ins/hetzner-api/lxd-backend.js';

/** A scripted `lxc`: records every argv and answers from `answer` (default: success, no output). */
function fakeLxc(answer: (args: readonly string[]) => Partial<LxcResult> | undefined = () => undefined) {
  const calls: string[][] = [];
  const run: LxcRunner = async (command) => {
    calls.push([...command.args]);
    return { exitCode: 0, stdout: '', stderr: '', ...answer(command.args) };
  };
  return { calls, run };
}

const listed = (name: string, address?: string) =>
  JSON.stringify([{ name, type: 'container', status: 'Running', state: { network: { lo: { addresses: [{ family: 'inet', scope: 'local', address: '127.0.0.1' }] }, eth0: { addresses: address ? [{ family: 'inet', scope: 'global', address }] : [] } } } }]);

const machine = { id: 1002, name: 'torrust-tracker-vm-lab', image: 'debian-13', serverType: 'cx22', location: 'nbg1', userData: '#cloud-config\nusers: [{name: torrust}]\n', sshKeys: [] };

describe('LXD server backend of the Hetzner API stand-in (with a scripted lxc)', () => {
  it('creates a nested container from the image with the user data, starts it and returns its IPv4 once it has one', async () => {
    let lists = 0;
    const lxc = fakeLxc((args) => {
      if (args[0] === 'query') return { stdout: JSON.stringify({ api_extensions: ['cloud_init'] }) };
      if (args[0] === 'list') return { stdout: listed(args[1]!, ++lists < 3 ? undefined : '10.210.0.57') };
      return undefined;
    });
    const backend = new LxdServerBackend({ image: 'ttd-test/debian-trixie-r1', run: lxc.run, pollIntervalMs: 0 });
    const name = backend.containerName(machine.id);
    expect(name).toMatch(new RegExp(`^${CONTAINER_PREFIX}-[0-9a-f]{6}-1002$`));
    expect(new LxdServerBackend({ image: 'x', run: lxc.run }).containerName(machine.id)).not.toBe(name);

    expect(await backend.create(machine)).toEqual({ ipv4: '10.210.0.57', ipv6Network: '2001:db8:3ea::/64' });
    expect(lxc.calls.map((args) => args[0])).toEqual(['query', 'init', 'start', 'list', 'list', 'list']);
    expect(lxc.calls[1]).toEqual(['init', 'ttd-test/debian-trixie-r1', name, '-c', 'security.nesting=true', '-c', 'user.ttd-hcloud-server=torrust-tracker-vm-lab', '-c', `cloud-init.user-data=${machine.userData}`]);
    expect([...backend.containers]).toEqual([name]);
  });

  it('uses user.user-data on an LXD without the cloud_init extension', async () => {
    const lxc = fakeLxc((args) => (args[0] === 'query' ? { stdout: JSON.stringify({ api_extensions: [] }) } : args[0] === 'list' ? { stdout: listed(args[1]!, '10.210.0.9') } : undefined));
    await new LxdServerBackend({ image: 'img', run: lxc.run }).create(machine);
    expect(lxc.calls[1]!.at(-1)).toBe(`user.user-data=${machine.userData}`);
  });

  it('a failing lxc is an error naming the command, never the user data; the container is still removed by removeAll', async () => {
    const lxc = fakeLxc((args) => (args[0] === 'query' ? { stdout: '{}' } : args[0] === 'start' ? { exitCode: 1, stderr: 'Error: Failed to run: forkstart' } : undefined));
    const backend = new LxdServerBackend({ image: 'img', run: lxc.run });
    const error = await backend.create({ ...machine, userData: '#cloud-config\n# secret-marker\n' }).then(
      () => new Error('create succeeded'),
      (caught: unknown) => caught as Error,
    );
    expect(error.message).toContain('lxc start ttd-hcloud-');
    expect(error.message).toContain('forkstart');
    expect(error.message).not.toContain('secret-marker');

    await backend.removeAll();
    expect(lxc.calls.at(-1)).toEqual(['delete', backend.containerName(machine.id), '--force']);
    expect(backend.containers.size).toBe(0);
  });

  it('gives up with a clear error when no address comes, and when the container disappears', async () => {
    const noAddress = fakeLxc((args) => (args[0] === 'query' ? { stdout: '{}' } : args[0] === 'list' ? { stdout: listed(args[1]!) } : undefined));
    const slow = new LxdServerBackend({ image: 'img', run: noAddress.run, addressTimeoutMs: 30, pollIntervalMs: 10 });
    await expect(slow.create(machine)).rejects.toThrow(/got no IPv4 address within 0 s \(status Running\)/);

    const gone = fakeLxc((args) => (args[0] === 'query' ? { stdout: '{}' } : args[0] === 'list' ? { stdout: '[]' } : undefined));
    await expect(new LxdServerBackend({ image: 'img', run: gone.run }).create(machine)).rejects.toThrow('disappeared while waiting for its IPv4 address');
  });

  it('removeAll tries every container it made, then reports the ones it could not remove', async () => {
    const lxc = fakeLxc((args) => {
      if (args[0] === 'query') return { stdout: '{}' };
      if (args[0] === 'list') return { stdout: listed(args[1]!, '10.210.0.3') };
      if (args[0] === 'delete' && args[1]!.endsWith('-1')) return { exitCode: 1, stderr: 'Error: websocket: close 1006' };
      return undefined;
    });
    const backend = new LxdServerBackend({ image: 'img', run: lxc.run });
    for (const id of [1, 2]) await backend.create({ ...machine, id });
    await expect(backend.removeAll()).rejects.toThrow(/could not remove every container: .*-1 --force failed: Error: websocket/);
    expect(lxc.calls.filter((args) => args[0] === 'delete').map((args) => args[1])).toEqual([backend.containerName(1), backend.containerName(2)]);
    expect([...backend.containers]).toEqual([backend.containerName(1)]);
  });

  it('delete removes the server\'s container; one already gone is fine, another failure is not', async () => {
    const lxc = fakeLxc((args) => (args[0] === 'delete' ? { exitCode: 1, stderr: 'Error: Instance not found' } : undefined));
    await new LxdServerBackend({ image: 'img', run: lxc.run }).delete({ id: 7 });
    expect(lxc.calls).toEqual([['delete', expect.stringMatching(/^ttd-hcloud-[0-9a-f]{6}-7$/), '--force']]);

    const busy = fakeLxc(() => ({ exitCode: 1, stderr: 'Error: storage busy' }));
    await expect(new LxdServerBackend({ image: 'img', run: busy.run }).delete({ id: 7 })).rejects.toThrow('storage busy');
  });
});
