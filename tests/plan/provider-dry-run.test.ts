import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentConfigSchema, type EnvironmentConfig } from '../../src/config/schema.js';
import { planJson, planText } from '../../src/plan/describe.js';
import type { Plan, ProviderStep } from '../../src/plan/types.js';
import { HetznerProvider } from '../../src/providers/hetzner/provider.js';
import { LxdProvider } from '../../src/providers/lxd/provider.js';
import type { Provider } from '../../src/run/ports.js';
import { newPublicKey } from '../providers/hetzner/support.js';
import { minimalConfig } from '../support/configs.js';

/** A dry run's provider steps show every request (Hetzner) or lxc line (LXD), in text and in the JSON plan alike. */

const SECRET_TOKEN = 'hcloud-dry-run-secret-token';

function config(provider: Record<string, unknown>): EnvironmentConfig {
  const keys = mkdtempSync(join(tmpdir(), 'ttd-dry-run-keys-'));
  writeFileSync(join(keys, 'id.pub'), `${newPublicKey()}\n`);
  return EnvironmentConfigSchema.parse(minimalConfig({ environment: { name: 'dry' }, ssh_credentials: { private_key_path: join(keys, 'id'), public_key_path: join(keys, 'id.pub') }, provider }));
}

function planOf(provider: string, action: 'create' | 'destroy'): Plan {
  const call = action === 'create' ? { action, instanceName: 'vm-dry' } : { action, instanceName: 'vm-dry', resourceIds: ['4711'] };
  const step = { kind: 'provider', id: `${action}-instance`, title: `${action} vm-dry`, provider, call, changes: 'the instance' } as ProviderStep;
  return { environment: 'dry', command: action === 'create' ? 'provision' : 'destroy', stages: [{ stage: action === 'create' ? 'provision' : 'destroy', command: 'x', steps: [step] }], gaps: [] };
}

function shown(provider: Provider, action: 'create' | 'destroy') {
  const requests = (step: ProviderStep) => provider.plan(step.call.action, step.call.instanceName);
  const plan = planOf(provider.name, action);
  const text = planText(plan, requests);
  const json = planJson(plan, requests) as { stages: { steps: { requests?: string[] }[] }[] };
  return { text, lines: json.stages[0]!.steps[0]!.requests ?? [] };
}

const heads = (lines: readonly string[]) => lines.map((line) => line.split(/[ ?]/).slice(0, 2).join(' '));

describe('dry-run plans show what happens at the provider', () => {
  it('Hetzner provision: every request in order with its body, user data as size and sha256, never the token', () => {
    const { text, lines } = shown(new HetznerProvider(config({ provider: 'hetzner', api_token: SECRET_TOKEN, server_type: 'cx23', location: 'nbg1', image: 'ubuntu-24.04' }), { env: {} }), 'create');
    expect(heads(lines)).toEqual(['GET /locations', 'GET /server_types', 'GET /images', 'POST /ssh_keys', 'POST /firewalls', 'POST /servers', 'GET /actions', 'GET /servers/<id>']);
    for (const line of lines) expect(text).toContain(`→ ${line}`);
    expect(text).toMatch(/"user_data":"<\d+ bytes, sha256 [0-9a-f]{64}>"/);
    expect(text).toContain('"labels":{"managed-by":"torrust-tracker-deployer","environment":"dry"}');
    expect(text).not.toContain(SECRET_TOKEN);
    expect(text).not.toContain('#cloud-config');
  });

  it('Hetzner destroy: the label-selector reads, then servers, firewalls, SSH keys', () => {
    const { text, lines } = shown(new HetznerProvider(config({ provider: 'hetzner', server_type: 'cx23', location: 'nbg1', image: 'ubuntu-24.04' }), { env: {} }), 'destroy');
    expect(heads(lines)).toEqual(['GET /servers', 'GET /firewalls', 'GET /ssh_keys', 'DELETE /servers/<id>', 'GET /firewalls/<id>,', 'DELETE /ssh_keys/<id>']);
    expect(text).toContain('label_selector=managed-by%3Dtorrust-tracker-deployer%2Cenvironment%3Ddry');
  });

  it('LXD: the exact lxc command lines, in text and JSON', () => {
    const { text, lines } = shown(new LxdProvider(config({ provider: 'lxd', profile_name: 'torrust-profile-dry' })), 'destroy');
    expect(lines.length).toBe(4);
    expect(lines[0]).toContain('lxc list vm-dry');
    expect(lines.join('\n')).toContain('torrust-profile-dry');
    for (const line of lines) expect(text).toContain(`→ ${line}`);
  });
});
