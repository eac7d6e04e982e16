import { describe, expect, it } from 'vitest';
import { matches, parseSelector } from '../../stand-ins/hetzner-api/label-selector.js';
import { STAND_IN_TOKEN } from '../../stand-ins/hetzner-api/server.js';
import { harness, newPublicKey } from './support.js';

describe('Hetzner API stand-in: the documented behaviour the client relies on', () => {
  const labels = { 'managed-by': 'torrust-tracker-deployer', environment: 'prod', tier: 'edge' };

  it('label selectors: =, ==, !=, exists, !k, in, notin, comma as AND', () => {
    const accepts = (selector: string) => matches(parseSelector(selector), labels);
    expect(accepts('environment=prod')).toBe(true);
    expect(accepts('environment==prod')).toBe(true);
    expect(accepts('environment!=prod')).toBe(false);
    expect(accepts('owner!=me')).toBe(true);
    expect(accepts('tier')).toBe(true);
    expect(accepts('!tier')).toBe(false);
    expect(accepts('!owner')).toBe(true);
    expect(accepts('environment in (staging, prod)')).toBe(true);
    expect(accepts('environment notin (staging,prod)')).toBe(false);
    expect(accepts('managed-by=torrust-tracker-deployer,environment=prod')).toBe(true);
    expect(accepts('managed-by=torrust-tracker-deployer,environment=staging')).toBe(false);
    expect(() => parseSelector('environment in (prod')).toThrow('unbalanced');
    expect(() => parseSelector('a,,b')).toThrow('empty requirement');
  });

  async function call(url: string, method: string, path: string, body?: unknown, token = STAND_IN_TOKEN) {
    const response = await fetch(`${url}${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  }

  it('answers with the error envelope, rate-limit headers and 404 for unknown ids', async () => {
    const { standIn } = await harness();
    const missing = await call(standIn.url, 'GET', '/servers/42');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'not_found', message: "server with ID '42' not found", details: null } });
    expect(Number(missing.headers.get('RateLimit-Limit'))).toBe(3600);
    expect(Number(missing.headers.get('RateLimit-Remaining'))).toBe(3599);
    expect(Number(missing.headers.get('RateLimit-Reset'))).toBeGreaterThan(0);
    expect((await call(standIn.url, 'GET', '/servers', undefined, 'nope')).body?.['error'].code).toBe('unauthorized');
    expect((await call(standIn.url, 'GET', '/servers?label_selector=a%20in%20(b')).body?.['error']).toMatchObject({ code: 'invalid_input', details: { fields: [{ name: 'label_selector' }] } });
  });

  it('a server is initializing, then running once its actions ran on the stand-in\'s clock; the firewall cannot be deleted while applied', async () => {
    const { standIn, clock } = await harness();
    const firewall = (await call(standIn.url, 'POST', '/firewalls', { name: 'fw', rules: [{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0'] }] })).body!;
    const created = await call(standIn.url, 'POST', '/servers', { name: 'srv', server_type: 'cx23', location: 'fsn1', image: 'debian-13', firewalls: [{ firewall: firewall['firewall'].id }] });
    expect(created.status).toBe(201);
    expect(created.body?.['server'].status).toBe('initializing');
    expect(created.body?.['action']).toMatchObject({ command: 'create_server', status: 'running' });
    expect(created.body?.['next_actions'].map((action: { command: string }) => action.command)).toEqual(['start_server']);
    expect(created.body?.['root_password']).toEqual(expect.any(String));

    const inUse = await call(standIn.url, 'DELETE', `/firewalls/${firewall['firewall'].id}`);
    expect([inUse.status, inUse.body?.['error'].code]).toEqual([422, 'resource_in_use']);

    const ids = [created.body?.['action'].id, created.body?.['next_actions'][0].id];
    const statuses: string[] = [];
    for (let poll = 0; poll < 4; poll++) {
      const actions = (await call(standIn.url, 'GET', `/actions?id=${ids[0]}&id=${ids[1]}`)).body?.['actions'] as { status: string }[];
      statuses.push(actions.map((action) => action.status).join('+'));
      await clock.sleep(500);
    }
    expect(statuses[0]).toBe('running+running');
    expect(statuses.at(-1)).toBe('success+success');
    expect((await call(standIn.url, 'GET', `/servers/${created.body?.['server'].id}`)).body?.['server'].status).toBe('running');
  });

  it('SSH keys are unique by fingerprint and by name (409 uniqueness_error)', async () => {
    const { standIn } = await harness();
    const key = newPublicKey();
    expect((await call(standIn.url, 'POST', '/ssh_keys', { name: 'a', public_key: key })).status).toBe(201);
    const sameKey = await call(standIn.url, 'POST', '/ssh_keys', { name: 'b', public_key: key });
    expect([sameKey.status, sameKey.body?.['error'].code]).toEqual([409, 'uniqueness_error']);
    const sameName = await call(standIn.url, 'POST', '/ssh_keys', { name: 'a', public_key: newPublicKey() });
    expect(sameName.body?.['error'].message).toBe('name is already used');
    const invalid = await call(standIn.url, 'POST', '/ssh_keys', { name: 'c', public_key: 'not a key', labels: { 'bad key!': 'x' } });
    expect(invalid.body?.['error'].details.fields.map((field: { name: string }) => field.name)).toEqual(['labels', 'public_key']);
  });

  it('per_page is at most 50 and meta.pagination describes the pages', async () => {
    const { standIn } = await harness();
    for (let index = 0; index < 51; index++) standIn.seedFirewall({ name: `fw-${index}` });
    const page = await call(standIn.url, 'GET', '/firewalls?per_page=500&page=2');
    expect(page.body?.['firewalls']).toHaveLength(1);
    expect(page.body?.['meta'].pagination).toEqual({ page: 2, per_page: 50, previous_page: 1, next_page: null, last_page: 2, total_entries: 51 });
  });
});
