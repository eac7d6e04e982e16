import { describe, expect, it } from 'vitest';
import { DeployerError } from '../../../src/domain/errors.js';
import { waitForActions } from '../../../src/providers/hetzner/actions.js';
import { firewallRules } from '../../../src/providers/hetzner/firewall-rules.js';
import type { Action } from '../../../src/providers/hetzner/schema.js';
import { EnvironmentConfigSchema } from '../../../src/config/schema.js';
import { minimalConfig } from '../../support/configs.js';
import { harness, newPublicKey, type Harness } from './support.js';

/**
 * The client read against the API's documented rules (issue 18). Each test here
 * failed against the client before its fix.
 */

async function failure(promise: Promise<unknown>): Promise<DeployerError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(DeployerError);
  return error as DeployerError;
}

const rules = firewallRules(EnvironmentConfigSchema.parse(minimalConfig({ provider: { provider: 'hetzner', server_type: 'cx23', location: 'nbg1', image: 'ubuntu-24.04' } })));

function spec(name: string, overrides: Partial<{ serverType: string; image: string; userData: string }> = {}) {
  return {
    environment: name,
    name,
    serverType: overrides.serverType ?? 'cx23',
    location: 'nbg1',
    image: overrides.image ?? 'ubuntu-24.04',
    userData: overrides.userData ?? '#cloud-config\n',
    sshKey: { name: `${name}-ssh-key`, publicKey: newPublicKey() },
    firewall: { name: `${name}-firewall`, rules },
  };
}

const provision = (h: Harness, provisionSpec: ReturnType<typeof spec>) => h.cloud.provision(provisionSpec, () => undefined);

describe('the Hetzner client follows the API documentation', () => {
  it('a deprecated server type is usable with a warning until its unavailable_after date', async () => {
    const h = await harness();
    const checked = await h.cloud.validate({ serverType: 'cx22', location: 'nbg1', image: 'ubuntu-24.04' });
    expect(checked.serverType.name).toBe('cx22');
    expect(checked.warnings.join('\n')).toMatch(/cx22.*deprecated.*until \d{4}-\d\d-\d\d/);
    await provision(h, spec('old-type', { serverType: 'cx22' }));
    expect(h.standIn.snapshot().servers.map((server) => server.server_type.name)).toEqual(['cx22']);
  });

  it('after the date (here: the type left the location) it is refused before anything is created', async () => {
    const h = await harness();
    h.standIn.deprecateServerType('cx33', { location: 'nbg1', daysLeft: -1 });
    const error = await failure(h.cloud.validate({ serverType: 'cx33', location: 'nbg1', image: 'ubuntu-24.04' }));
    expect(error).toMatchObject({ code: 'hetzner.server_type_unavailable', where: 'provider.server_type' });
    expect(error.message).toContain('no longer offered in nbg1');
    expect(error.fix).toContain('cx23');
    expect(error.fix).not.toContain('cx22');
    expect(h.standIn.requests.every((request) => request.method === 'GET')).toBe(true);
  });

  it('a deprecated image is found (include_deprecated) and the server is created with the id just looked up', async () => {
    const h = await harness();
    const checked = await h.cloud.validate({ serverType: 'cx23', location: 'nbg1', image: 'debian-11' });
    expect(checked.warnings.join('\n')).toContain('"debian-11" is deprecated');
    await provision(h, spec('deprecated-image', { image: 'debian-11' }));
    const lookups = h.standIn.requests.filter((request) => request.path === '/images');
    expect(lookups.every((request) => request.query.get('include_deprecated') === 'true')).toBe(true);
    const create = h.standIn.requests.find((request) => request.method === 'POST' && request.path === '/servers');
    expect((create?.body as { image: unknown }).image).toBe(checked.image.id);
  });

  it('an action id that GET /actions does not return is an error, not "finished"', async () => {
    const h = await harness();
    const ghost: Action = { id: 987654, command: 'create_server', status: 'running', progress: 0, started: '2026-01-15T12:00:00+00:00', finished: null, error: null, resources: [] };
    const error = await failure(waitForActions(h.cloud.http, [ghost]));
    expect(error.code).toBe('hetzner.action_failed');
    expect(error.message).toContain('#987654');
  });

  it('GET /actions is sent with ids only: no page, no per_page', async () => {
    const h = await harness();
    await provision(h, spec('actions'));
    const polls = h.standIn.requests.filter((request) => request.path === '/actions');
    expect(polls.length).toBeGreaterThan(0);
    for (const poll of polls) {
      expect(poll.query.getAll('id').length).toBeGreaterThan(0);
      expect(poll.query.has('per_page')).toBe(false);
      expect(poll.query.has('page')).toBe(false);
    }
  });

  it('destroy treats firewall_resource_not_found on the detach as done (the server is already gone)', async () => {
    const h = await harness();
    await provision(h, spec('detach'));
    h.standIn.inject({ kind: 'firewall_resource_not_found', method: 'POST', path: '/firewalls/' });
    const [firewall] = h.standIn.snapshot().firewalls;
    expect(await h.cloud.deleteFirewall(firewall!.id)).toBe(true);
    expect(h.standIn.snapshot().firewalls).toEqual([]);
  });

  it('destroy removes the server (waiting for it), then the firewall, then the SSH key', async () => {
    const h = await harness();
    await provision(h, spec('order'));
    const report = await h.cloud.destroyEnvironment('order');
    expect(report.deleted.map((resource) => resource.kind)).toEqual(['server', 'firewall', 'ssh_key']);
  });

  it('placement_error on POST /servers says to try another location', async () => {
    const h = await harness();
    h.standIn.inject({ kind: 'placement_error', method: 'POST', path: '/servers' });
    const error = await failure(provision(h, spec('placement')));
    expect(error.where).toBe('provider.location');
    expect(error.fix).toContain('another provider.location');
  });

  it('user data over 32 KiB is refused before any request, saying what makes it big', async () => {
    const h = await harness();
    const error = await failure(provision(h, spec('big', { userData: `#cloud-config\n${'x'.repeat(33 * 1024)}` })));
    expect(error.code).toBe('hetzner.user_data_too_large');
    expect(error.message).toContain('32768');
    expect(error.fix).toContain('public_key_path');
    expect(h.standIn.requests).toEqual([]);
  });
});
