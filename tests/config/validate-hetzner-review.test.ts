import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPublicKey } from '../providers/hetzner/support.js';
import { startHetznerApiStandIn, type HetznerApiStandIn } from '../stand-ins/hetzner-api/server.js';
import { NO_HETZNER_API, runBinary, temporaryDirectory } from '../support/cli.js';
import { minimalConfig } from '../support/configs.js';

/**
 * `ttd validate` on a Hetzner config asks the API (the stand-in, on loopback) what
 * provision would ask before it creates the server, when a token is there: the cost
 * line in the summary, a deprecated type's warning, the refusal of a type past its
 * date (exit 2). Without a token, or without the API, it says so and stays valid.
 */

const TOKEN = 'validate-review-secret-token-42';
let standIn: HetznerApiStandIn;
let dir: string;

function configFile(name: string, provider: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(minimalConfig({ environment: { name }, ssh_credentials: { private_key_path: join(dir, 'keys', 'id'), public_key_path: join(dir, 'keys', 'id.pub') }, provider: { provider: 'hetzner', location: 'nbg1', image: 'ubuntu-24.04', ...provider } })));
  return file;
}

const validate = (file: string, env: NodeJS.ProcessEnv = {}, ...flags: string[]) => runBinary(['validate', file, ...flags], { cwd: dir, env: { HOME: dir, HCLOUD_ENDPOINT: standIn.url, ...env } });

beforeAll(async () => {
  standIn = await startHetznerApiStandIn({ tokens: { [TOKEN]: 'read_write' } });
  standIn.deprecateServerType('cx33', { location: 'nbg1', daysLeft: -1 });
  dir = temporaryDirectory('ttd-validate-review-');
  mkdirSync(join(dir, 'keys'));
  writeFileSync(join(dir, 'keys', 'id'), 'not read by validate\n', { mode: 0o600 });
  writeFileSync(join(dir, 'keys', 'id.pub'), `${newPublicKey()}\n`);
});

afterAll(async () => {
  await standIn?.close();
});

describe('validate with a Hetzner token asks the API what the server would cost', () => {
  it('prints the cost line (gross, monthly and hourly, currency) in the summary and in --json', async () => {
    const file = configFile('priced', { server_type: 'cx23' });
    const text = await validate(file, { HCLOUD_TOKEN: TOKEN });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Cost: a cx23 server in nbg1 costs 3.56 EUR a month at most, 0.0049 EUR an hour, gross (19.00 % VAT included)');
    expect(text.stdout + text.stderr).not.toContain(TOKEN);

    const json = await validate(file, { HCLOUD_TOKEN: TOKEN }, '--json');
    const result = JSON.parse(json.stdout) as { provider_review: { checked: boolean; cost: Record<string, string>; warnings: string[] } };
    expect(result.provider_review).toMatchObject({ checked: true, cost: { server_type: 'cx23', location: 'nbg1', currency: 'EUR', vat_rate: '19.00', monthly_gross: expect.stringMatching(/^3\.558/), hourly_gross: expect.stringMatching(/^0\.0048/) }, warnings: [] });
    expect(standIn.requests.every((request) => request.method === 'GET')).toBe(true);
  });

  it('warns about a deprecated type that can still be ordered, and refuses one past its unavailable_after date with exit 2', async () => {
    const warned = await validate(configFile('old', { server_type: 'cx22' }), { HCLOUD_TOKEN: TOKEN });
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toMatch(/The Hetzner server type "cx22" is deprecated: it can be ordered until \d{4}-\d\d-\d\d, after that provisioning with it fails/);

    const refused = await validate(configFile('ended', { server_type: 'cx33' }), { HCLOUD_TOKEN: TOKEN }, '--json');
    expect(refused.code).toBe(2);
    expect((JSON.parse(refused.stdout.trim().split('\n').at(-1)!) as { error: unknown }).error).toMatchObject({ code: 'hetzner.server_type_unavailable', where: 'provider.server_type', message: expect.stringContaining('no longer offered in nbg1') });
  });

  it('says clearly when it cannot know the cost: no token, or no API to ask', async () => {
    const file = configFile('unpriced', { server_type: 'cx23' });
    const before = standIn.requests.length;
    const noToken = await validate(file);
    expect(noToken.code, noToken.stderr).toBe(0);
    expect(noToken.stdout).toContain('Cost: not known: no Hetzner API token (provider.api_token or HCLOUD_TOKEN)');
    expect(standIn.requests.length).toBe(before);

    const unreachable = await runBinary(['validate', file], { cwd: dir, env: { HOME: dir, HCLOUD_TOKEN: TOKEN, HCLOUD_ENDPOINT: NO_HETZNER_API } });
    expect(unreachable.code, unreachable.stderr).toBe(0);
    expect(unreachable.stdout).toContain('Cost: not known: the Hetzner API could not be asked');
    expect(unreachable.stdout + unreachable.stderr).not.toContain(TOKEN);
  });
});
