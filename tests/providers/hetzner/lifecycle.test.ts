import { describe, expect, it } from 'vitest';
import { EnvironmentConfigSchema, instanceNameOf, type EnvironmentConfig } from '../../../src/config/schema.js';
import { resourceNames, type ResourceRef } from '../../../src/providers/hetzner/cloud.js';
import { firewallRules } from '../../../src/providers/hetzner/firewall-rules.js';
import { minimalConfig } from '../../support/configs.js';
import { harness, newPublicKey, type Harness } from './support.js';

const hetznerConfig = (name: string): EnvironmentConfig =>
  EnvironmentConfigSchema.parse(
    minimalConfig({
      environment: { name },
      provider: { provider: 'hetzner', server_type: 'cx23', location: 'nbg1', image: 'ubuntu-24.04' },
    }),
  );

function provisionSpec(config: EnvironmentConfig, publicKey: string) {
  const names = resourceNames(instanceNameOf(config));
  return {
    environment: config.environment.name,
    name: names.server,
    serverType: 'cx23',
    location: 'nbg1',
    image: 'ubuntu-24.04',
    userData: '#cloud-config\nusers: []\n',
    sshKey: { name: names.sshKey, publicKey },
    firewall: { name: names.firewall, rules: firewallRules(config) },
  };
}

async function provision(h: Harness, config: EnvironmentConfig, publicKey = newPublicKey()) {
  const recorded: ResourceRef[] = [];
  const result = await h.cloud.provision(provisionSpec(config, publicKey), (resource) => {
    recorded.push(resource);
  });
  return { ...result, recorded };
}

describe('Hetzner client against the API stand-in: an environment from creation to destruction', () => {
  it('creates key, firewall and server with labels, waits until running and reads both addresses', async () => {
    const h = await harness();
    const config = hetznerConfig('alpha');
    const { server, addresses, recorded } = await provision(h, config);

    expect(recorded.map((resource) => resource.kind)).toEqual(['ssh_key', 'firewall', 'server']);
    expect(addresses.ipv4).toMatch(/^203\.0\.113\.\d+$/);
    expect(addresses.ipv6).toMatch(/^2001:db8:[0-9a-f]+::1$/);
    const snapshot = h.standIn.snapshot();
    expect(snapshot.servers.map((entry) => [entry.name, entry.status])).toEqual([['torrust-tracker-vm-alpha', 'running']]);
    for (const resource of [...snapshot.servers, ...snapshot.firewalls, ...snapshot.sshKeys]) {
      expect(resource.labels).toEqual({ 'managed-by': 'torrust-tracker-deployer', environment: 'alpha' });
    }
    expect(snapshot.firewalls[0]!.applied_to).toEqual([{ type: 'server', server: { id: server.id } }]);
    // Actions were polled at hcloud-go's 500 ms, never faster.
    expect(new Set(h.clock.sleeps)).toEqual(new Set([500]));
  });

  it('the firewall opens exactly SSH and the published tracker ports, TCP and UDP, over IPv4 and IPv6', async () => {
    const h = await harness();
    const config = hetznerConfig('beta');
    await provision(h, config);
    const [firewall] = h.standIn.snapshot().firewalls;
    const opened = firewall!.rules.map((rule) => `${String(rule['protocol'])}/${String(rule['port'])}`).sort();
    // SSH, UDP tracker, HTTP tracker, HTTP API; the health check API is on 127.0.0.1 and stays closed.
    expect(opened).toEqual(['tcp/1212', 'tcp/22', 'tcp/7070', 'udp/6969']);
    for (const rule of firewall!.rules) {
      expect(rule['direction']).toBe('in');
      expect(rule['source_ips']).toEqual(['0.0.0.0/0', '::/0']);
    }
  });

  it('finds the environment by label, and destroy leaves nothing labelled; a second destroy is a no-op', async () => {
    const h = await harness();
    const other = hetznerConfig('other');
    await provision(h, other);
    const config = hetznerConfig('gamma');
    const { recorded } = await provision(h, config);

    const found = await h.cloud.findEnvironment('gamma');
    expect([found.servers.length, found.firewalls.length, found.sshKeys.length]).toEqual([1, 1, 1]);

    const ids = (kind: string) => recorded.filter((resource) => resource.kind === kind).map((resource) => resource.id);
    const report = await h.cloud.destroyEnvironment('gamma', { servers: ids('server'), firewalls: ids('firewall'), sshKeys: ids('ssh_key') });
    expect(report.deleted.map((resource) => resource.kind)).toEqual(['server', 'firewall', 'ssh_key']);
    expect(await h.cloud.findEnvironment('gamma')).toEqual({ servers: [], firewalls: [], sshKeys: [] });
    expect(h.standIn.snapshot().servers.map((server) => server.name)).toEqual(['torrust-tracker-vm-other']);

    const again = await h.cloud.destroyEnvironment('gamma', { servers: ids('server'), firewalls: ids('firewall'), sshKeys: ids('ssh_key') });
    expect(again).toEqual({ deleted: [], kept: [] });
  });

  it('a crash between create and record: destroy with nothing recorded finds the orphan by label and removes it', async () => {
    const h = await harness();
    const config = hetznerConfig('delta');
    const spec = provisionSpec(config, newPublicKey());
    const key = await h.cloud.ensureSshKey({ environment: 'delta', ...spec.sshKey });
    const { firewall } = await h.cloud.ensureFirewall({ environment: 'delta', ...spec.firewall });
    await h.cloud.createServer({ ...spec, sshKeyIds: [key.key.id], firewallIds: [firewall.id] });
    // The process dies here: nothing was written to state, the create action still runs.

    const plan = await h.cloud.planDestroy('delta');
    expect([plan.targets.servers.length, plan.targets.firewalls.length, plan.targets.sshKeys.length]).toEqual([1, 1, 1]);
    await h.cloud.destroyEnvironment('delta');
    expect(h.standIn.snapshot()).toEqual({ servers: [], firewalls: [], sshKeys: [] });
  });

  it('a re-run after a crash adopts the environment\'s own server instead of failing on the name', async () => {
    const h = await harness();
    const config = hetznerConfig('epsilon');
    const spec = provisionSpec(config, newPublicKey());
    const first = await provision(h, config, spec.sshKey.publicKey);
    const second = await provision(h, config, spec.sshKey.publicKey);
    expect(second.server.id).toBe(first.server.id);
    expect(second.addresses).toEqual(first.addresses);
    expect(h.standIn.snapshot().servers).toHaveLength(1);
    expect(h.standIn.snapshot().firewalls).toHaveLength(1);
  });

  it('reuses a key the user uploaded by hand (same fingerprint) and destroy leaves it in place', async () => {
    const h = await harness();
    const publicKey = newPublicKey();
    const own = h.standIn.seedSshKey({ name: 'my laptop', public_key: publicKey });
    const config = hetznerConfig('zeta');
    const { recorded } = await provision(h, config, publicKey);
    expect(recorded.map((resource) => resource.kind)).toEqual(['firewall', 'server']);
    expect(h.standIn.snapshot().servers[0]).toBeDefined();

    const report = await h.cloud.destroyEnvironment('zeta', { sshKeys: [own] });
    expect(report.kept).toEqual([{ kind: 'ssh_key', id: own, name: 'my laptop' }]);
    expect(h.standIn.snapshot().sshKeys.map((key) => key.id)).toEqual([own]);
  });

  it('a firewall name held by something else is an error that says what to do', async () => {
    const h = await harness();
    h.standIn.seedFirewall({ name: 'torrust-tracker-vm-eta-firewall' });
    const error = await provision(h, hetznerConfig('eta')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'hetzner.name_taken', where: 'environment.instance_name' });
    expect((error as Error).message).toContain('torrust-tracker-vm-eta-firewall');
  });

  it('a failed create action becomes an error naming the action and its error code', async () => {
    const h = await harness();
    h.standIn.failActions('create_server', { code: 'resource_unavailable', message: 'no capacity in nbg1' });
    const error = await provision(h, hetznerConfig('theta')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'hetzner.action_failed', data: { command: 'create_server', hetzner_code: 'resource_unavailable' } });
    expect((error as { fix: string }).fix).toContain('provider.location');
  });
});
