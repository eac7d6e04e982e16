import { describe, expect, it } from 'vitest';
import { EnvironmentConfigSchema } from '../../src/config/schema.js';
import { stagePlan } from '../../src/plan/build.js';
import type { RemoteCommandStep } from '../../src/plan/types.js';
import { newEnvironmentRecord, type EnvironmentRecord } from '../../src/state/environment-record.js';
import { minimalConfig } from '../support/configs.js';

const config = EnvironmentConfigSchema.parse(minimalConfig({ provider: { provider: 'existing' } }));
const record = (instance: EnvironmentRecord['instance']): EnvironmentRecord => ({
  ...newEnvironmentRecord({ name: 'test-env', createdAt: '2026-01-01T00:00:00.000Z', command: 'test', config: { source_file: '/x.toml', format: 'toml', snapshot: {} } }),
  instance,
});
const firewallOf = (instance: EnvironmentRecord['instance']) =>
  (stagePlan('configure', { config, record: record(instance), artifacts: [] }).steps.find((step) => step.id === 'firewall') as RemoteCommandStep).command;

describe('stage plans follow the recorded instance', () => {
  it('the firewall lets in the SSH port a host was registered with, not the config\'s', () => {
    expect(firewallOf({ address: '192.0.2.7', method: 'registered', ssh_port: 2222 })).toContain('ufw allow 2222/tcp');
    expect(firewallOf({ address: '192.0.2.7', method: 'registered', ssh_port: 2222 })).not.toContain('ufw allow 22/tcp');
    expect(firewallOf({ address: '192.0.2.7' })).toContain('ufw allow 22/tcp');
  });

  it('a registered host is never created or deleted through a provider', () => {
    const lxd = EnvironmentConfigSchema.parse(minimalConfig());
    const registered = record({ address: '192.0.2.7', method: 'registered' });
    expect(stagePlan('provision', { config: lxd, record: registered, artifacts: [] }).steps.map((step) => step.kind)).not.toContain('provider');
    expect(stagePlan('destroy', { config: lxd, record: { ...registered, reached: 'running' }, artifacts: [] }).steps).toEqual([]);
  });
});
