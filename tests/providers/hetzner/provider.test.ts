import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentConfigSchema, instanceNameOf, type EnvironmentConfig } from '../../../src/config/schema.js';
import { HetznerProvider } from '../../../src/providers/hetzner/provider.js';
import type { EngineEvent } from '../../../src/plan/events.js';
import { runLifecycle } from '../../../src/run/lifecycle.js';
import { newEnvironmentRecord } from '../../../src/state/environment-record.js';
import { createEnvironmentRecord } from '../../../src/state/store.js';
import type { InMemoryServerBackend } from '../../stand-ins/hetzner-api/backend.js';
import { minimalConfig } from '../../support/configs.js';
import { harness, newPublicKey } from './support.js';

function hetznerConfig(publicKey: string, provider: Record<string, unknown> = {}): EnvironmentConfig {
  const keys = mkdtempSync(join(tmpdir(), 'ttd-hetzner-keys-'));
  writeFileSync(join(keys, 'id.pub'), `${publicKey}\n`);
  return EnvironmentConfigSchema.parse(
    minimalConfig({
      environment: { name: 'hetzner-env' },
      ssh_credentials: { private_key_path: join(keys, 'id'), public_key_path: join(keys, 'id.pub') },
      provider: { provider: 'hetzner', api_token: 'unused-the-harness-client-is-injected', server_type: 'cx23', location: 'nbg1', image: 'ubuntu-24.04', ...provider },
    }),
  );
}

describe('the Hetzner provider behind the engine\'s Provider interface (against the API stand-in)', () => {
  it('creates the server with cloud-init carrying the key, finds it, reads its address, and destroys everything labelled', async () => {
    const h = await harness();
    const publicKey = newPublicKey();
    const config = hetznerConfig(publicKey);
    const provider = new HetznerProvider(config, { cloud: h.cloud });
    const name = instanceNameOf(config);
    const signal = new AbortController().signal;

    expect(await provider.find(name, signal)).toBeUndefined();
    const instance = await provider.create(name, signal);
    expect(instance).toMatchObject({ name, kind: 'server' });
    expect(await provider.find(name, signal)).toEqual(instance);
    expect(await provider.address(instance, signal)).toMatch(/^203\.0\.113\.\d+$/);

    const machine = [...(h.standIn.backend as InMemoryServerBackend).machines.values()][0];
    expect(machine?.userData.split('\n')[0]).toBe('#cloud-config');
    expect(machine?.userData).toContain(publicKey);
    expect(machine?.sshKeys).toEqual([publicKey]);

    await provider.destroy(name, [instance.id], signal);
    const left = await h.cloud.findEnvironment('hetzner-env');
    expect([...left.servers, ...left.firewalls, ...left.sshKeys]).toEqual([]);
    await provider.destroy(name, [instance.id], signal);
  });

  it('plans its API calls for --dry-run, with the firewall\'s ports from the config', () => {
    const config = hetznerConfig(newPublicKey());
    const provider = new HetznerProvider(config, { env: {} });
    const planned = provider.plan('create', instanceNameOf(config));
    expect(planned.map((line) => line.split(' ').slice(0, 2).join(' ').split('?')[0])).toEqual(['GET /locations', 'GET /server_types', 'GET /images', 'POST /ssh_keys', 'POST /firewalls', 'POST /servers', 'GET /actions', 'GET /servers/<id>']);
    const lines = planned.join('\n');
    expect(lines).toContain('include_deprecated=true');
    expect(lines).toMatch(/POST \/servers \{"name":"torrust-tracker-vm-hetzner-env","server_type":"cx23","location":"nbg1","image":"<id of ubuntu-24.04>","user_data":"<\d+ bytes, sha256 [0-9a-f]{64}>"/);
    expect(lines).toMatch(/POST \/firewalls .*"port":"22".*"port":"6969".*"port":"7070".*"port":"1212"/);
    expect(lines).not.toContain('#cloud-config');
  });

  it('plans without a token; calling the API without one says where to put it', async () => {
    const config = hetznerConfig(newPublicKey());
    const withoutToken = { ...config, provider: { ...config.provider, api_token: undefined } } as EnvironmentConfig;
    const provider = new HetznerProvider(withoutToken, { env: {} });
    expect(provider.plan('destroy', 'x').length).toBeGreaterThan(0);
    await expect(provider.find('x', new AbortController().signal)).rejects.toThrow(/HCLOUD_TOKEN/);
  });

  it('reviews the order before create: the cost from GET /pricing (gross, monthly and hourly, currency) and a deprecated type\'s warning', async () => {
    const h = await harness();
    const signal = new AbortController().signal;
    const current = await new HetznerProvider(hetznerConfig(newPublicKey()), { cloud: h.cloud }).review('x', signal);
    expect(current).toEqual([{ level: 'info', message: 'Cost: a cx23 server in nbg1 costs 3.56 EUR a month at most, 0.0049 EUR an hour, gross (19.00 % VAT included), from creation until destroy.' }]);
    expect(h.standIn.requests.map((request) => request.path)).toContain('/pricing');

    const deprecated = await new HetznerProvider(hetznerConfig(newPublicKey(), { server_type: 'cx22' }), { cloud: h.cloud }).review('x', signal);
    expect(deprecated.map((notice) => notice.level)).toEqual(['info', 'warning']);
    expect(deprecated[1]!.message).toMatch(/"cx22" is deprecated: it can be ordered until \d{4}-\d\d-\d\d/);

    h.standIn.deprecateServerType('cx33', { daysLeft: -1, location: 'nbg1' });
    await expect(new HetznerProvider(hetznerConfig(newPublicKey(), { server_type: 'cx33' }), { cloud: h.cloud }).review('x', signal)).rejects.toMatchObject({ code: 'hetzner.server_type_unavailable' });
  });

  it('a provision run shows the cost and the deprecation as step.notice events before anything is created, and refuses a type past its date', async () => {
    const provisionWith = async (serverType: string, h: Awaited<ReturnType<typeof harness>>) => {
      const workingDir = mkdtempSync(join(tmpdir(), 'ttd-hetzner-notice-'));
      const name = `notice-${serverType}`;
      await createEnvironmentRecord(workingDir, newEnvironmentRecord({ name, createdAt: new Date().toISOString(), command: 'test setup', config: { source_file: 'none', format: 'json', snapshot: {} } }));
      const config = hetznerConfig(newPublicKey(), { server_type: serverType });
      const events: EngineEvent[] = [];
      const step = { kind: 'provider', id: 'create-instance', title: 'Create instance', provider: 'hetzner', call: { action: 'create', instanceName: instanceNameOf(config) }, changes: 'a server' } as const;
      const result = await runLifecycle({
        workingDir,
        environment: name,
        command: 'provision',
        plan: () => ({ environment: name, command: 'provision', gaps: [], stages: [{ stage: 'provision', command: 'provision', steps: [step] }] }),
        provider: new HetznerProvider(config, { cloud: h.cloud }),
        connect: undefined,
        lockWaitSeconds: 0,
        secrets: [],
        emit: (event) => events.push(event),
        signal: new AbortController().signal,
        stopRequested: () => false,
      });
      return { result, events };
    };

    const h = await harness();
    const { result, events } = await provisionWith('cx22', h);
    expect(result.outcome).toBe('succeeded');
    const order = events.flatMap((event) => (event.type === 'step.notice' ? [`${event.level}: ${event.message}`] : event.type === 'step.succeeded' ? ['succeeded'] : []));
    expect(order).toEqual([expect.stringMatching(/^info: Cost: a cx22 server in nbg1 costs 4\.51 EUR a month/), expect.stringMatching(/^warning: The Hetzner server type "cx22" is deprecated/), 'succeeded']);
    const paths = h.standIn.requests.map((request) => `${request.method} ${request.path}`);
    expect(paths.indexOf('GET /pricing')).toBeLessThan(paths.indexOf('POST /ssh_keys'));

    const fresh = await harness();
    fresh.standIn.deprecateServerType('cx33', { daysLeft: -1, location: 'nbg1' });
    const refused = await provisionWith('cx33', fresh);
    expect(refused.result.outcome).toBe('failed');
    expect(refused.events).toContainEqual(expect.objectContaining({ type: 'step.failed', error: expect.stringContaining('no longer offered in nbg1') }));
    expect(fresh.standIn.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });
});
