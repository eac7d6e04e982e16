/**
 * The provider's decisions (checks before creating, waits, teardown) with a scripted
 * `lxc`: each command line gets the answers LXD 5.0 really gives (seen on the lab's
 * daemon). The real daemon is exercised in real-lxd.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { EnvironmentConfigSchema, type EnvironmentConfig } from '../../../src/config/schema.js';
import { DeployerError } from '../../../src/domain/errors.js';
import { displayLine, type LxcCommand } from '../../../src/providers/lxd/commands.js';
import { LxdProvider } from '../../../src/providers/lxd/provider.js';
import type { LxcResult } from '../../../src/providers/lxd/runner.js';
import { minimalConfig } from '../../support/configs.js';

const never = new AbortController().signal;
const ok = (stdout = ''): LxcResult => ({ exitCode: 0, stdout, stderr: '' });
const fail = (stderr: string, exitCode = 1): LxcResult => ({ exitCode, stdout: '', stderr });
const SERVER = JSON.stringify({ api_extensions: ['cloud_init'], environment: { driver: 'lxc' } });
const listed = (status: string, address?: string) =>
  JSON.stringify([{ name: 'vm', type: 'container', status, state: { network: { eth0: { addresses: address ? [{ family: 'inet', scope: 'global', address }] : [] } } } }]);

/** Answers each command line from a script; the last answer for a line repeats. Records every call. */
function scripted(script: Record<string, LxcResult[]>) {
  const calls: string[] = [];
  const run = async (command: LxcCommand): Promise<LxcResult> => {
    const line = displayLine(command).replace(/ -c .*$/, ' -c ...');
    calls.push(line);
    const answers = script[line];
    if (!answers) throw new Error(`unexpected command: ${line}`);
    return answers.length > 1 ? answers.shift()! : answers[0]!;
  };
  return { run, calls };
}

function config(provider: Record<string, unknown> = {}): EnvironmentConfig {
  return EnvironmentConfigSchema.parse(minimalConfig({ provider: { provider: 'lxd', profile_name: 'p', instance_type: 'container', image: 'img', ...provider } }));
}

async function caught(promise: Promise<unknown>): Promise<DeployerError> {
  const error = await promise.then(() => undefined, (failure: unknown) => failure);
  expect(error).toBeInstanceOf(DeployerError);
  return error as DeployerError;
}

const CREATE_OK: Record<string, LxcResult[]> = {
  'lxc query /1.0': [ok(SERVER)],
  'lxc image info img': [ok('Fingerprint: abc')],
  'lxc profile show p': [fail('Error: Profile not found')],
  'lxc profile create p': [ok()],
  'lxc profile edit p < (stdin)': [ok()],
  'lxc init img vm --profile p -c ...': [ok()],
  'lxc start vm': [ok()],
  'lxc list vm --format json': [ok(listed('Running')), ok(listed('Running', '10.210.0.5'))],
  'lxc exec vm -- cloud-init status --long': [fail('Error: Instance is not running'), ok('status: running\n'), ok('status: done\n')],
  'lxc exec vm -- test -f /var/lib/cloud/instance/boot-finished': [fail('', 1), ok()],
};

describe('LXD provider decisions', () => {
  it('create: profile, init with user data, start, then waits for the address and for cloud-init done plus boot-finished', async () => {
    const { run, calls } = scripted(structuredClone(CREATE_OK));
    const progress: string[] = [];
    const provider = new LxdProvider(config(), { run, userData: '#cloud-config\n', pollIntervalMs: 1, onProgress: (line) => progress.push(line) });
    expect(await provider.create('vm', never)).toEqual({ id: 'vm', name: 'vm', kind: 'container' });
    expect(calls.filter((line) => line.includes('boot-finished'))).toHaveLength(2);
    expect(calls.indexOf('lxc init img vm --profile p -c ...')).toBeLessThan(calls.indexOf('lxc start vm'));
    expect(progress).toEqual([
      'created container vm from img (profile p, user data in cloud-init.user-data)',
      'vm has address 10.210.0.5',
      'vm: cloud-init status: running',
      'vm: cloud-init status: done',
    ]);
  });

  it('user.user-data on a server without the cloud_init extension', async () => {
    const script = structuredClone(CREATE_OK);
    script['lxc query /1.0'] = [ok(JSON.stringify({ api_extensions: [], environment: { driver: 'lxc' } }))];
    const lines: string[] = [];
    const { run } = scripted(script);
    const provider = new LxdProvider(config(), { run: (command) => (lines.push(displayLine(command)), run(command)), userData: 'x', pollIntervalMs: 1 });
    await provider.create('vm', never);
    expect(lines.find((line) => line.startsWith('lxc init'))).toContain('-c user.user-data="$(cat cloud-init.yml)"');
  });

  it('cloud-init in error: lxd.cloud_init_failed with its status', async () => {
    const script = structuredClone(CREATE_OK);
    script['lxc exec vm -- cloud-init status --long'] = [{ exitCode: 1, stdout: 'status: error\nerrors:\n\t- locale failed\n', stderr: '' }];
    const error = await caught(new LxdProvider(config(), { run: scripted(script).run, userData: 'x', pollIntervalMs: 1 }).create('vm', never));
    expect(error.code).toBe('lxd.cloud_init_failed');
    expect(error.data).toMatchObject({ detail: expect.stringContaining('locale failed') });
  });

  it('an image without cloud-init: says so instead of waiting', async () => {
    const script = structuredClone(CREATE_OK);
    script['lxc exec vm -- cloud-init status --long'] = [fail('Error: Command not found', 127)];
    const error = await caught(new LxdProvider(config(), { run: scripted(script).run, userData: 'x', pollIntervalMs: 1 }).create('vm', never));
    expect(error.code).toBe('lxd.cloud_init_failed');
    expect(error.where).toBe('provider.image');
  });

  it('no address before the deadline: lxd.timeout with the last status seen', async () => {
    const script = structuredClone(CREATE_OK);
    script['lxc list vm --format json'] = [ok(listed('Running'))];
    const error = await caught(new LxdProvider(config(), { run: scripted(script).run, userData: 'x', pollIntervalMs: 1, addressTimeoutMs: 5 }).create('vm', never));
    expect(error.code).toBe('lxd.timeout');
    expect(error.message).toContain('status Running, no global IPv4 address yet');
  });

  it('address starts an instance a crash left stopped', async () => {
    const { run, calls } = scripted({ 'lxc list vm --format json': [ok(listed('Stopped')), ok(listed('Running', '10.210.0.9'))], 'lxc start vm': [ok()] });
    expect(await new LxdProvider(config(), { run, pollIntervalMs: 1 }).address({ id: 'vm', name: 'vm', kind: 'container' }, never)).toBe('10.210.0.9');
    expect(calls).toContain('lxc start vm');
  });

  it('destroy: instance and profile already gone is fine; a profile still used elsewhere is an error that names it', async () => {
    const gone = scripted({ 'lxc list vm --format json': [ok('[]')], 'lxc profile show p': [fail('Error: Profile not found')] });
    await new LxdProvider(config(), { run: gone.run }).destroy('vm', [], never);
    expect(gone.calls).toEqual(['lxc list vm --format json', 'lxc profile show p']);

    const inUse = scripted({ 'lxc list vm --format json': [ok('[]')], 'lxc profile show p': [ok('name: p')], 'lxc profile delete p': [fail('Error: Profile is currently in use')] });
    const error = await caught(new LxdProvider(config(), { run: inUse.run }).destroy('vm', [], never));
    expect(error.code).toBe('lxd.command_failed');
    expect(error.message).toBe('lxc profile delete p failed: Profile is currently in use');
  });
});
