import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentConfigSchema, instanceNameOf, type EnvironmentConfig } from '../../../src/config/schema.js';
import { HetznerProvider } from '../../../src/providers/hetzner/provider.js';
import type { InMemoryServerBackend } from '../../stand-ins/hetzner-api/backend.js';
import { minimalConfig } from '../../support/configs.js';
import { harness, newPublicKey } from './support.js';

function hetznerConfig(publicKey: string): EnvironmentConfig {
  const keys = mkdtempSync(join(tmpdir(), 'ttd-hetzner-keys-'));
  writeFileSync(join(keys, 'id.pub'), `${publicKey}\n`);
  return EnvironmentConfigSchema.parse(
    minimalConfig({
      environment: { name: 'hetzner-env' },
      ssh_credentials: { private_key_path: join(keys, 'id'), public_key_path: join(keys, 'id.pub') },
      provider: { provider: 'hetzner', api_token: 'unused-the-harness-client-is-injected', server_type: 'cx23', location: 'nbg1', image: 'ubuntu-24.04' },
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
});
