import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_NETWORK } from '../lifecycle/support.js';
import { newPublicKey } from '../providers/hetzner/support.js';
import { startHetznerApiStandIn, type HetznerApiStandIn } from '../stand-ins/hetzner-api/server.js';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { minimalConfig } from '../support/configs.js';

/**
 * `ttd provision ENV --dry-run` and `ttd destroy ENV --dry-run` through the built
 * binary: for Hetzner every API call (method, path, body; token never, user data as
 * size and sha256) in order, the cost line and deprecation warnings from the API
 * stand-in (loopback), and destroy's calls per recorded server id; for LXD the lxc
 * lines. The text and the --json plan carry the same lines. Nothing is created.
 */

const TOKEN = 'dry-run-secret-hcloud-token-0123456789';
const RECORDED_SERVER = '4711';

let standIn: HetznerApiStandIn;
let workingDir: string;

const ttd = (args: readonly string[], options: { network?: boolean } = {}) =>
  runBinary(['--working-dir', workingDir, ...args], { cwd: workingDir, env: { HOME: workingDir, HCLOUD_ENDPOINT: standIn.url }, ...(options.network === false ? { nodeOptions: ['--import', NO_NETWORK] } : {}) });

function writeEnvironment(name: string, provider: Record<string, unknown>): string {
  const file = join(workingDir, 'envs', `${name}.json`);
  writeFileSync(file, JSON.stringify(minimalConfig({ environment: { name }, ssh_credentials: { private_key_path: join(workingDir, 'keys', 'id'), public_key_path: join(workingDir, 'keys', 'id.pub') }, provider })));
  return file;
}

/** As if provision had created the server: the state records its id. */
function recordServer(name: string, id: string): void {
  const file = join(workingDir, 'data', name, 'environment.json');
  const record = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const resource = { provider: (record['config'] as { snapshot: { provider: { provider: string } } }).snapshot.provider.provider, kind: 'server', id, name: `torrust-tracker-vm-${name}`, created_at: '2026-12-06T10:00:00.000Z' };
  writeFileSync(file, JSON.stringify({ ...record, state: 'provisioned', reached: 'provisioned', resources: [resource] }));
}

/** The `→ …` lines of the plan's first provider step (create, or destroy), and its `ℹ`/`⚠` notices. */
function providerLines(text: string): { calls: string[]; notices: string[] } {
  const all = text.split('\n').map((line) => line.trim());
  const start = all.findIndex((line) => line.startsWith('API: '));
  const end = all.findIndex((line, index) => index > start && /^\d+\. /.test(line));
  const lines = all.slice(start, end === -1 ? undefined : end);
  return { calls: lines.filter((line) => line.startsWith('→ ')).map((line) => line.slice(2)), notices: lines.filter((line) => /^[ℹ⚠] /.test(line)) };
}

interface PlanStep {
  kind: string;
  call?: { action: string };
  requests?: string[];
  notices?: { level: string; message: string }[];
}

async function jsonPlanStep(args: readonly string[]): Promise<PlanStep> {
  const run = await ttd(['--json', ...args]);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  const plan = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; stages?: { steps: PlanStep[] }[] }).find((line) => line.type === 'plan')!;
  return plan.stages!.flatMap((stage) => stage.steps).find((step) => step.kind === 'provider' && step.call?.action !== 'address')!;
}

const head = (call: string) => call.split(/[ ?]/).slice(0, 2).join(' ');
const bodyOf = (call: string) => JSON.parse(call.slice(call.indexOf('{'), call.lastIndexOf('}') + 1)) as Record<string, unknown>;

beforeAll(async () => {
  standIn = await startHetznerApiStandIn({ tokens: { [TOKEN]: 'read_write' } });
  standIn.deprecateServerType('cx33', { location: 'hel1', daysLeft: -1 });
  workingDir = temporaryDirectory('ttd-dry-run-calls-');
  mkdirSync(join(workingDir, 'envs'));
  mkdirSync(join(workingDir, 'keys'));
  writeFileSync(join(workingDir, 'keys', 'id'), '-----BEGIN PRIVATE KEY-----\nnot a real key\n-----END PRIVATE KEY-----\n', { mode: 0o600 });
  writeFileSync(join(workingDir, 'keys', 'id.pub'), `${newPublicKey()}\n`);
  const hetzner = { provider: 'hetzner', api_token: TOKEN, location: 'nbg1', image: 'ubuntu-24.04' };
  for (const [name, provider] of [
    ['cloud', { ...hetzner, server_type: 'cx23' }],
    ['old-type', { ...hetzner, server_type: 'cx22' }],
    ['ended-type', { ...hetzner, server_type: 'cx33', location: 'hel1' }],
    ['local', { provider: 'lxd', profile_name: 'torrust-profile-local' }],
  ] as const) {
    const created = await ttd(['create', 'environment', '--env-file', writeEnvironment(name, provider)], { network: false });
    expect(created.code, created.stderr).toBe(0);
  }
});

afterAll(async () => {
  await standIn?.close();
});

describe('ttd provision --dry-run on Hetzner', () => {
  it('shows every API call in order, with bodies, the cost and nothing secret; the JSON plan carries the same', async () => {
    const run = await ttd(['provision', 'cloud', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    const { calls, notices } = providerLines(run.stdout);
    expect(calls.map(head)).toEqual(['GET /locations', 'GET /server_types', 'GET /images', 'POST /ssh_keys', 'POST /firewalls', 'POST /servers', 'GET /actions', 'GET /servers/<id>']);

    const labels = { 'managed-by': 'torrust-tracker-deployer', environment: 'cloud' };
    expect(bodyOf(calls[3]!)).toMatchObject({ name: 'torrust-tracker-vm-cloud-ssh-key', public_key: readFileSync(join(workingDir, 'keys', 'id.pub'), 'utf8').trim(), labels });
    const firewall = bodyOf(calls[4]!) as { rules: { direction: string; protocol: string; port?: string }[]; labels: unknown };
    expect(firewall.labels).toEqual(labels);
    expect(firewall.rules.map((rule) => `${rule.protocol}/${rule.port}`)).toEqual(expect.arrayContaining(['tcp/22', 'udp/6969', 'tcp/7070']));
    const server = bodyOf(calls[5]!);
    expect(server).toMatchObject({ name: 'torrust-tracker-vm-cloud', server_type: 'cx23', location: 'nbg1', image: '<id of ubuntu-24.04>', labels });
    const userData = String(server['user_data']).match(/^<(\d+) bytes, sha256 ([0-9a-f]{64})>$/);
    expect(userData, String(server['user_data'])).not.toBeNull();

    // The checksum is the rendered cloud-init's, which `ttd render` writes out.
    const rendered = await ttd(['render', '--env-name', 'cloud', '--output-dir', join(workingDir, 'rendered-cloud'), '--instance-ip', '192.0.2.10'], { network: false });
    expect(rendered.code, rendered.stderr).toBe(0);
    const cloudInit = readFileSync(join(workingDir, 'rendered-cloud', 'cloud-init.yml'));
    expect(userData![1]).toBe(String(cloudInit.length));
    expect(userData![2]).toBe(createHash('sha256').update(cloudInit).digest('hex'));

    // The cost from the API's price list: gross, monthly and hourly, with the currency.
    const pricing = (await (await fetch(`${standIn.url}/pricing`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { pricing: { currency: string; server_types: { name: string; prices: { location: string; price_monthly: { gross: string }; price_hourly: { gross: string } }[] }[] } };
    const price = pricing.pricing.server_types.find((type) => type.name === 'cx23')!.prices.find((entry) => entry.location === 'nbg1')!;
    expect(notices).toEqual([`ℹ Cost: a cx23 server in nbg1 costs ${Number(price.price_monthly.gross).toFixed(2)} ${pricing.pricing.currency} a month at most, ${Number(price.price_hourly.gross).toFixed(4)} ${pricing.pricing.currency} an hour, gross (19.00 % VAT included), from creation until destroy.`]);

    expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(run.stdout).not.toContain('#cloud-config');
    // Only reads reached the API.
    expect(standIn.requests.filter((request) => request.method !== 'GET')).toEqual([]);

    const step = await jsonPlanStep(['provision', 'cloud', '--dry-run']);
    expect(step.requests).toEqual(calls);
    expect(step.notices).toEqual([{ level: 'info', message: notices[0]!.slice(2) }]);
  });

  it('warns about a deprecated type that can still be ordered, and refuses one past its unavailable_after date', async () => {
    const warned = await ttd(['provision', 'old-type', '--dry-run']);
    expect(warned.code, warned.stderr).toBe(0);
    expect(providerLines(warned.stdout).notices).toContainEqual(expect.stringMatching(/^⚠ The Hetzner server type "cx22" is deprecated: it can be ordered until \d{4}-\d\d-\d\d/));
    expect((await jsonPlanStep(['provision', 'old-type', '--dry-run'])).notices).toContainEqual(expect.objectContaining({ level: 'warning', message: expect.stringContaining('"cx22" is deprecated') }));

    const refused = await ttd(['--json', 'provision', 'ended-type', '--dry-run']);
    expect(refused.code).toBe(2);
    const result = JSON.parse(refused.stdout.trim().split('\n').at(-1)!) as { error: { code: string; message: string; fix: string } };
    expect(result.error).toMatchObject({ code: 'hetzner.server_type_unavailable', message: expect.stringContaining('no longer offered in hel1') });
    expect(result.error.fix).toContain('cx23');
  });

  it('does not review an order provision would not place: a server of the environment that exists is adopted', async () => {
    const created = await fetch(`${standIn.url}/servers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'torrust-tracker-vm-ended-type', server_type: 'cx23', location: 'nbg1', image: 'ubuntu-24.04', labels: { 'managed-by': 'torrust-tracker-deployer', environment: 'ended-type' } }),
    });
    const { server } = (await created.json()) as { server: { id: number } };
    const run = await ttd(['provision', 'ended-type', '--dry-run']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(providerLines(run.stdout).notices).toEqual([`ℹ torrust-tracker-vm-ended-type exists already (${server.id}): provision adopts it, nothing is ordered`]);
  });
});

describe('ttd destroy --dry-run on Hetzner', () => {
  it('lists the label-selector reads, then the calls for each recorded server id, then firewalls and SSH keys', async () => {
    recordServer('cloud', RECORDED_SERVER);
    const run = await ttd(['destroy', 'cloud', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    const { calls } = providerLines(run.stdout);
    expect(calls.map(head)).toEqual(['GET /servers', 'GET /firewalls', 'GET /ssh_keys', `GET /servers/${RECORDED_SERVER}`, `DELETE /servers/${RECORDED_SERVER},`, 'DELETE /servers/<id>', 'GET /firewalls/<id>,', 'DELETE /ssh_keys/<id>']);
    expect(calls[0]).toContain('label_selector=managed-by%3Dtorrust-tracker-deployer%2Cenvironment%3Dcloud');
    expect(calls[6]).toContain('remove_from_resources');
    expect(calls[6]).toContain(`DELETE /firewalls/<id>`);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect((await jsonPlanStep(['destroy', 'cloud', '--dry-run'])).requests).toEqual(calls);
  });
});

describe('ttd provision and destroy --dry-run on LXD', () => {
  it('show the lxc command lines, in text and in the JSON plan, without touching the network', async () => {
    const provision = await ttd(['provision', 'local', '--dry-run'], { network: false });
    expect(provision.code, provision.stderr).toBe(0);
    const created = providerLines(provision.stdout).calls;
    expect(created.every((line) => line.startsWith('lxc '))).toBe(true);
    expect(created).toEqual(expect.arrayContaining([expect.stringMatching(/^lxc init .* torrust-tracker-vm-local\b/), 'lxc start torrust-tracker-vm-local', expect.stringContaining('lxc profile create torrust-profile-local')]));

    recordServer('local', 'torrust-tracker-vm-local');
    const destroy = await ttd(['destroy', 'local', '--dry-run'], { network: false });
    expect(destroy.code, destroy.stderr).toBe(0);
    const removed = providerLines(destroy.stdout).calls;
    expect(removed).toContain('lxc delete torrust-tracker-vm-local --force');
    expect(removed).toContain('lxc profile delete torrust-profile-local');
    expect(providerLines(destroy.stdout).notices).toEqual([]);

    expect((await jsonPlanStep(['provision', 'local', '--dry-run'])).requests).toEqual(created);
    expect((await jsonPlanStep(['destroy', 'local', '--dry-run'])).requests).toEqual(removed);
  });
});
