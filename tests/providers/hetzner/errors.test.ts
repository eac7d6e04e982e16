import { describe, expect, it } from 'vitest';
import { DeployerError } from '../../../src/domain/errors.js';
import { HetznerCloud } from '../../../src/providers/hetzner/cloud.js';
import { DEFAULT_ENDPOINT, endpointFrom } from '../../../src/providers/hetzner/http.js';
import { environmentLabels, environmentSelector } from '../../../src/providers/hetzner/labels.js';
import { STAND_IN_TOKEN } from '../../stand-ins/hetzner-api/server.js';
import { fakeClock, harness, newPublicKey } from './support.js';

const READ_ONLY = 'read-only-token-4f9a2c';

async function failure(promise: Promise<unknown>): Promise<DeployerError & { apiCode?: string }> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(DeployerError);
  return error as DeployerError;
}

describe('Hetzner API errors become messages that say what to do', () => {
  it('a wrong token: hetzner.unauthorized, pointing at the token setting, exit 2', async () => {
    const h = await harness({ client: { token: 'wrong-token-0123456789' } });
    const error = await failure(h.cloud.location('fsn1'));
    expect(error).toMatchObject({ code: 'hetzner.unauthorized', where: 'provider.api_token (or HCLOUD_TOKEN)', exitCode: 2 });
    expect(error.fix).toContain('API tokens');
    expect(h.clock.sleeps).toEqual([]);
  });

  it('a read-only token: reads work, the first write says a Read & Write token is needed', async () => {
    const h = await harness({ standIn: { tokens: { [STAND_IN_TOKEN]: 'read_write', [READ_ONLY]: 'read' } }, client: { token: READ_ONLY } });
    await h.cloud.validate({ serverType: 'cx23', location: 'nbg1', image: 'ubuntu-24.04' });
    const error = await failure(h.cloud.ensureSshKey({ environment: 'ro', name: 'ro-key', publicKey: newPublicKey() }));
    expect(error.code).toBe('hetzner.token_readonly');
    expect(error.fix).toContain('Read & Write');
  });

  it('an unknown location lists the real ones', async () => {
    const h = await harness();
    const error = await failure(h.cloud.validate({ serverType: 'cx23', location: 'mars1', image: 'ubuntu-24.04' }));
    expect(error).toMatchObject({ code: 'hetzner.location_unknown', where: 'provider.location', exitCode: 2 });
    expect(error.fix).toContain('nbg1 (Nuremberg)');
  });

  it('an unknown server type lists the types offered in the location', async () => {
    const h = await harness();
    const error = await failure(h.cloud.validate({ serverType: 'cx9000', location: 'nbg1', image: 'ubuntu-24.04' }));
    expect(error).toMatchObject({ code: 'hetzner.server_type_unavailable', where: 'provider.server_type' });
    expect(error.fix).toContain('cx23 (2 vCPU, 4 GB)');
    expect(error.fix).not.toContain('cx11');
  });

  it('a server type not offered in the location says so', async () => {
    const h = await harness();
    const error = await failure(h.cloud.validate({ serverType: 'cx23', location: 'ash', image: 'ubuntu-24.04' }));
    expect(error.message).toContain('not offered in ash');
    expect(error.fix).toContain('cpx22');
  });

  it('an unknown image lists the system images', async () => {
    const h = await harness();
    const error = await failure(h.cloud.validate({ serverType: 'cx23', location: 'nbg1', image: 'windows-95' }));
    expect(error).toMatchObject({ code: 'hetzner.image_unknown', where: 'provider.image' });
    expect(error.fix).toContain('ubuntu-24.04');
  });

  it('invalid input carries the fields the API named', async () => {
    const h = await harness();
    const error = await failure(h.cloud.createServer({ environment: 'inv', name: 'bad_name!', serverType: 'cx23', location: 'nbg1', image: 'windows-95', userData: '', sshKeyIds: [], firewallIds: [] }));
    expect(error.code).toBe('hetzner.invalid_input');
    expect(error.data?.['fields']).toEqual([
      { name: 'name', messages: ['must be a valid hostname'] },
      { name: 'image', messages: ['image not found'] },
    ]);
    expect(error.message).toContain('image: image not found');
  });

  it('the project\'s server limit is reported as a quota with what to do', async () => {
    const h = await harness({ standIn: { serverLimit: 0 } });
    const error = await failure(h.cloud.createServer({ environment: 'q', name: 'q1', serverType: 'cx23', location: 'nbg1', image: 'ubuntu-24.04', userData: '', sshKeyIds: [], firewallIds: [] }));
    expect(error).toMatchObject({ code: 'hetzner.quota_exceeded', apiCode: 'resource_limit_exceeded' });
    expect(error.fix).toContain('Limits');
  });

  it('an injected resource_limit_exceeded on firewalls is mapped the same way and not retried', async () => {
    const h = await harness();
    h.standIn.inject({ kind: 'resource_limit_exceeded', method: 'POST', path: '/firewalls' });
    const error = await failure(h.cloud.ensureFirewall({ environment: 'q', name: 'q-firewall', rules: [] }));
    expect(error.code).toBe('hetzner.quota_exceeded');
    expect(h.clock.sleeps).toEqual([]);
  });

  it('the token never appears in errors or in the log', async () => {
    const secret = 'very-secret-token-value-7c1e';
    const h = await harness({ standIn: { tokens: { [secret]: 'read_write' } }, client: { token: secret } });
    await h.cloud.validate({ serverType: 'cx23', location: 'nbg1', image: 'ubuntu-24.04' });
    h.standIn.inject({ kind: 'bad_gateway', times: 2 });
    await h.cloud.findEnvironment('leak');
    const wrong = new HetznerCloud({ token: `${secret}-revoked`, endpoint: h.standIn.url, clock: fakeClock(), log: (line) => h.log.push(line) });
    const errors = [await failure(wrong.location('fsn1')), await failure(new HetznerCloud({ token: secret, endpoint: 'http://127.0.0.1:1/v1', clock: fakeClock(), retry: { maxRetries: 1 } }).location('fsn1'))];
    // The bearer header did carry it: the stand-in saw it.
    expect(h.standIn.requests.some((request) => request.authorization === `Bearer ${secret}`)).toBe(true);
    expect(h.log.length).toBeGreaterThan(5);
    for (const text of [...h.log, ...errors.flatMap((error) => [error.message, error.fix ?? '', JSON.stringify(error.toJSON()), String(error.stack)])]) {
      expect(text).not.toContain(secret);
    }
  });

  it('an API message that quotes the token is redacted', async () => {
    const secret = 'echoed-token-value-99';
    const h = await harness({ client: { token: secret, fetch: async () => new Response(JSON.stringify({ error: { code: 'forbidden', message: `token ${secret} may not do this`, details: null } }), { status: 403 }) } });
    const error = await failure(h.cloud.location('fsn1'));
    expect(error.message).toContain('token *** may not do this');
    expect(h.log.join('\n')).not.toContain(secret);
  });
});

describe('HCLOUD_ENDPOINT and labels', () => {
  it('HCLOUD_ENDPOINT overrides the API address; unset or blank means Hetzner\'s', async () => {
    expect(endpointFrom({})).toBe(DEFAULT_ENDPOINT);
    expect(DEFAULT_ENDPOINT).toBe('https://api.hetzner.cloud/v1');
    expect(endpointFrom({ HCLOUD_ENDPOINT: '  ' })).toBe(DEFAULT_ENDPOINT);
    const h = await harness();
    const cloud = new HetznerCloud({ token: STAND_IN_TOKEN, endpoint: endpointFrom({ HCLOUD_ENDPOINT: `${h.standIn.url}/` }), clock: fakeClock() });
    expect(cloud.http.endpoint).toBe(h.standIn.url);
    expect((await cloud.location('hel1')).country).toBe('FI');
    expect(h.standIn.requests.map((request) => request.path)).toEqual(['/locations']);
  });

  it('labels every resource with managed-by and the environment; names too long for a label value are refused', () => {
    expect(environmentLabels('prod')).toEqual({ 'managed-by': 'torrust-tracker-deployer', environment: 'prod' });
    expect(environmentSelector('prod')).toBe('managed-by=torrust-tracker-deployer,environment=prod');
    expect(() => environmentLabels('a'.repeat(64))).toThrow(expect.objectContaining({ code: 'config.invalid', where: 'environment.name' }));
    expect(environmentLabels('a'.repeat(63))['environment']).toHaveLength(63);
  });
});
