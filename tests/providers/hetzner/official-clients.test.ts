// @module-tag needs-hcloud-clients
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHetznerApiStandIn, STAND_IN_TOKEN, type HetznerApiStandIn } from '../../stand-ins/hetzner-api/server.js';
import { newPublicKey } from './support.js';

/**
 * The stand-in checked by clients we did not write: Hetzner's `hcloud` CLI (on
 * hcloud-go) and python3-hcloud, both from Debian, pointed at it with
 * HCLOUD_ENDPOINT / api_endpoint. They make the calls our client makes, in its
 * order; where the stand-in strays from the API's schema or rules they fail.
 * The stand-in runs on the real clock here (actions take 300 ms).
 */

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3'; // Debian's: python3-hcloud is installed for it
const SCRIPT = join(import.meta.dirname, 'official-clients', 'python_client_check.py');
const labels = (environment: string) => ['--label', 'managed-by=torrust-tracker-deployer', '--label', `environment=${environment}`];

let standIn: HetznerApiStandIn;
let home: string;

async function hcloud(...args: string[]): Promise<string> {
  const { stdout } = await run('hcloud', args, {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, HCLOUD_CONFIG: join(home, 'cli.toml'), HCLOUD_ENDPOINT: standIn.url, HCLOUD_TOKEN: STAND_IN_TOKEN },
    timeout: 60_000,
  });
  return stdout;
}

/** The CLI's error output for a call made with another token than the stand-in's. */
async function hcloudRefused(token: string, ...args: string[]): Promise<string> {
  try {
    await run('hcloud', args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, HCLOUD_CONFIG: join(home, 'cli.toml'), HCLOUD_ENDPOINT: standIn.url, HCLOUD_TOKEN: token }, timeout: 60_000 });
  } catch (error) {
    return String((error as { stderr?: string }).stderr);
  }
  throw new Error(`hcloud ${args.join(' ')} was accepted with the token ${token}`);
}

async function hcloudJson<T>(...args: string[]): Promise<T> {
  return JSON.parse(await hcloud(...args, '-o', 'json')) as T;
}

/** A list command's items (the CLI prints an empty list as null). */
async function hcloudList<T = unknown>(...args: string[]): Promise<T[]> {
  return (await hcloudJson<T[] | null>(...args)) ?? [];
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read();
    if (done(value) || attempt >= 100) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  standIn = await startHetznerApiStandIn({ actionMs: 300 });
  home = mkdtempSync(join(tmpdir(), 'ttd-hcloud-clients-'));
});

afterAll(async () => {
  await standIn?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('the hcloud CLI against the API stand-in', () => {
  it("refuses a token it does not know with the API's 401 unauthorized, which the CLI reports as such (the wizard's token check)", async () => {
    expect(await hcloudRefused('not-a-valid-token', 'location', 'list')).toMatch(/unable to authenticate \(unauthorized/);
  });

  it('reads the catalog: locations, orderable server types with prices, system images', async () => {
    const locations = await hcloudList<{ name: string }>('location', 'list');
    expect(locations.map((location) => location.name)).toEqual(['fsn1', 'nbg1', 'hel1', 'ash']);
    const types = await hcloudList<{ name: string }>('server-type', 'list');
    expect(types.map((type) => type.name)).toContain('cx23');
    expect(types.map((type) => type.name)).toContain('cx22'); // deprecated, still orderable
    expect(types.map((type) => type.name)).not.toContain('cx11'); // past its unavailable_after
    const cx23 = await hcloudJson<{ prices: { location: string; price_monthly: { gross: string } }[] }>('server-type', 'describe', 'cx23');
    expect(cx23.prices.map((price) => price.location)).toEqual(['fsn1', 'nbg1', 'hel1']);
    expect(Number(cx23.prices[0]!.price_monthly.gross)).toBeGreaterThan(0);
    // The CLI reads the type's prices (gross) through hcloud-go's schema; GET /pricing (what the
    // deployer's cost line reads; no Debian client asks for it) has the same for the type and location.
    const described = await hcloud('server-type', 'describe', 'cx23');
    const pricing = (await (await fetch(`${standIn.url}/pricing`, { headers: { Authorization: `Bearer ${STAND_IN_TOKEN}` } })).json()) as { pricing: { currency: string; server_types: { name: string; prices: { location: string; price_hourly: { gross: string }; price_monthly: { gross: string } }[] }[] } };
    const listed = pricing.pricing.server_types.find((type) => type.name === 'cx23')!.prices.find((price) => price.location === 'nbg1')!;
    expect(pricing.pricing.currency).toBe('EUR');
    expect(described).toContain(`Location:\tnbg1:\n    Hourly:\t€ ${listed.price_hourly.gross}\n    Monthly:\t€ ${listed.price_monthly.gross}`);
    const images = await hcloudList<{ name: string }>('image', 'list', '--type', 'system');
    // The CLI asks with include_deprecated, so the deprecated debian-11 is listed too.
    expect(new Set(images.map((image) => image.name))).toEqual(new Set(['ubuntu-24.04', 'ubuntu-22.04', 'debian-12', 'debian-13', 'debian-11']));
    expect(standIn.requests.filter((request) => request.path === '/images').at(-1)?.query.get('include_deprecated')).toBe('true');
  }, 60_000);

  it('creates what provision creates, finds it by label, pages through lists, and deletes it in destroy\'s order', async () => {
    const environment = 'cli-env';
    const dir = mkdtempSync(join(home, 'files-'));
    await hcloud('ssh-key', 'create', '--name', `${environment}-ssh-key`, '--public-key', newPublicKey(), ...labels(environment));
    const rules = [
      { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0', '::/0'], description: 'SSH' },
      { direction: 'in', protocol: 'udp', port: '6969', source_ips: ['0.0.0.0/0', '::/0'], description: 'UDP tracker' },
    ];
    writeFileSync(join(dir, 'rules.json'), JSON.stringify(rules));
    await hcloud('firewall', 'create', '--name', `${environment}-firewall`, '--rules-file', join(dir, 'rules.json'), ...labels(environment));
    const firewall = await hcloudJson<{ rules: { port: string; destination_ips: string[] }[] }>('firewall', 'describe', `${environment}-firewall`);
    expect(firewall.rules.map((rule) => [rule.port, rule.destination_ips])).toEqual([['22', []], ['6969', []]]);

    writeFileSync(join(dir, 'user-data.yml'), '#cloud-config\nusers: []\n');
    // No --location: the API's only required fields are name, server_type and image. The CLI waits for the actions.
    await hcloud('server', 'create', '--name', `${environment}-server`, '--type', 'cx23', '--image', 'debian-13', '--ssh-key', `${environment}-ssh-key`, '--firewall', `${environment}-firewall`, '--user-data-from-file', join(dir, 'user-data.yml'), ...labels(environment));
    const server = await hcloudJson<{ status: string; labels: Record<string, string>; public_net: { ipv4: { ip: string }; floating_ips: unknown[]; firewalls: unknown[] }; datacenter: { location: { name: string } }; protection: { delete: boolean } }>('server', 'describe', `${environment}-server`);
    expect(server.status).toBe('running');
    expect(server.labels).toEqual({ 'managed-by': 'torrust-tracker-deployer', environment });
    expect(server.public_net.floating_ips).toEqual([]);
    expect(server.public_net.firewalls).toHaveLength(1);
    expect(server.protection.delete).toBe(false);
    expect(server.datacenter.location.name).toBe('fsn1');

    const selector = `managed-by=torrust-tracker-deployer,environment=${environment}`;
    expect((await hcloudList<{ name: string }>('server', 'list', '-l', selector)).map((entry) => entry.name)).toEqual([`${environment}-server`]);
    expect(await hcloudList('server', 'list', '-l', 'environment=someone-else')).toEqual([]);

    for (let index = 0; index < 60; index++) standIn.seedSshKey({ name: `page-key-${index}`, public_key: newPublicKey() });
    expect(await hcloudList('ssh-key', 'list')).toHaveLength(61);
    expect(standIn.requests.some((request) => request.path === '/ssh_keys' && request.query.get('page') === '2')).toBe(true);

    // hcloud server delete does not wait: the deletion must still finish on the stand-in's own clock.
    await hcloud('server', 'delete', `${environment}-server`);
    const left = await until(() => hcloudList('server', 'list', '-l', selector), (servers) => servers.length === 0);
    expect(left).toEqual([]);
    await hcloud('firewall', 'delete', `${environment}-firewall`);
    await hcloud('ssh-key', 'delete', `${environment}-ssh-key`);
    expect(await hcloudList('firewall', 'list', '-l', selector)).toEqual([]);
    expect(await hcloudList('ssh-key', 'list', '-l', selector)).toEqual([]);
  }, 120_000);
});

describe('python3-hcloud against the API stand-in', () => {
  it('makes every call the deployer makes and parses every answer', async () => {
    const { stdout } = await run(PYTHON, [SCRIPT, standIn.url, STAND_IN_TOKEN, 'py-env', newPublicKey()], { timeout: 90_000 });
    const seen = JSON.parse(stdout) as Record<string, any>;
    expect(seen['locations']).toEqual(['fsn1', 'nbg1', 'hel1', 'ash']);
    expect(seen['server_type']).toEqual({ name: 'cx23', prices: ['fsn1', 'nbg1', 'hel1'], deprecated: false });
    expect(seen['server_type_names']).not.toContain('cx11');
    expect(seen['image']).toMatchObject({ name: 'debian-13', disk_size: 5 });
    expect([seen['deprecated_image_hidden'], seen['deprecated_image_listed']]).toEqual([true, true]);
    expect(seen['duplicate_key']).toBe('uniqueness_error');
    expect(seen['key_by_fingerprint']).toBe(true);
    expect(seen['rules']).toEqual([{ port: '22', protocol: 'tcp', destination_ips: [] }, { port: '6969', protocol: 'udp', destination_ips: [] }]);
    expect(seen['root_password']).toBeNull();
    expect(seen['server']).toMatchObject({ status: 'running', floating_ips: [], datacenter: 'nbg1', primary_disk_size: 40, labels: { environment: 'py-env' } });
    expect(seen['server'].firewalls).toHaveLength(1);
    expect(seen['by_selector']).toEqual(['py-env-server']);
    expect(seen['other_selector']).toEqual([]);
    expect(seen['detach_after_delete']).toBe('firewall_resource_not_found');
    expect(seen['left']).toEqual({ servers: 0, firewalls: 0, ssh_keys: 0 });
  }, 120_000);
});
