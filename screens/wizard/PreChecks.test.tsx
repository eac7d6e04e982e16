import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Answer } from '../../questionnaire/types.js';
import { checkHetznerToken } from '../../src/wizard/hetzner.js';
import { startHetznerApiStandIn, STAND_IN_TOKEN, type HetznerApiStandIn } from '../../tests/stand-ins/hetzner-api/server.js';
import { answer, KEY, press, waitFor } from '../testing.js';
import { testContext } from './fixtures.js';
import { Wizard, type WizardOutcome } from './Wizard.js';

/**
 * Before writing (issue 16): the key files the answers name exist (else ssh-keygen, really run,
 * makes them), `lxc` is there for LXD, and a Hetzner token answers GET /locations on the
 * Hetzner API stand-in (a refusal keeps the token question; no network is a warning).
 */

function start(given: Record<string, Answer>, options: { env?: NodeJS.ProcessEnv; checkToken?: (answer: string) => Promise<Awaited<ReturnType<typeof checkHetznerToken>>> } = {}) {
  const workingDir = mkdtempSync(join(tmpdir(), 'ttd-prechecks-'));
  const onExit = vi.fn<(outcome: WizardOutcome) => void>();
  const instance = render(<Wizard context={testContext()} given={given} workingDir={workingDir} canDeploy={false} onExit={onExit} env={options.env ?? process.env} {...(options.checkToken ? { checkToken: options.checkToken } : {})} />);
  return { instance, onExit, workingDir };
}

/** On the recommended settings (no deploy offered): Write only. */
async function writeOnly(instance: ReturnType<typeof render>) {
  await answer(instance, 'Recommended settings', KEY.down, KEY.enter);
}

function keyPairIn(directory: string): string {
  const path = join(directory, 'id_test');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
  return path;
}

describe('the key files, before writing', () => {
  it('a key that does not exist is offered to be generated; ssh-keygen makes the pair and the file names it', async () => {
    const keys = mkdtempSync(join(tmpdir(), 'ttd-keys-'));
    const key = join(keys, 'id_missing');
    const { instance, onExit, workingDir } = start({ name: 'keyless', provider: 'existing', host: '127.0.0.1', ssh_key: key });
    await writeOnly(instance);
    const frame = await waitFor(instance, 'Before writing envs/keyless.toml');
    expect(frame).toContain(`✗ The SSH key ${key} does not exist.`);
    expect(frame).toContain('❯ Generate it now (ssh-keygen -t ed25519, no passphrase)');
    await press(instance, KEY.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalled());
    expect(onExit.mock.calls[0]![0]).toMatchObject({ status: 'written', deployNow: false });
    // A real pair: ssh-keygen reads the private key back to the public key written beside it.
    expect(execFileSync('ssh-keygen', ['-y', '-f', key], { encoding: 'utf8' }).split(' ').slice(0, 2)).toEqual(readFileSync(`${key}.pub`, 'utf8').split(' ').slice(0, 2));
    const written = parse(readFileSync(join(workingDir, 'envs', 'keyless.toml'), 'utf8')) as { ssh_credentials: { private_key_path: string } };
    expect(written.ssh_credentials.private_key_path).toBe(key);
    rmSync(keys, { recursive: true, force: true });
  });

  it('a private key without its .pub gets the public key written beside it', async () => {
    const keys = mkdtempSync(join(tmpdir(), 'ttd-keys-'));
    const key = keyPairIn(keys);
    const expected = readFileSync(`${key}.pub`, 'utf8').split(' ').slice(0, 2);
    rmSync(`${key}.pub`);
    const { instance, onExit } = start({ name: 'halfkey', provider: 'existing', host: '127.0.0.1', ssh_key: key });
    await writeOnly(instance);
    expect(await waitFor(instance, 'has no public key beside it')).toContain('❯ Write its public key beside it (ssh-keygen -y)');
    await press(instance, KEY.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalled());
    expect(readFileSync(`${key}.pub`, 'utf8').split(' ').slice(0, 2)).toEqual(expected);
    rmSync(keys, { recursive: true, force: true });
  });

  it('"Choose another key" goes to the SSH key question; Back returns to the review and writes nothing', async () => {
    const { instance, onExit, workingDir } = start({ name: 'other', provider: 'existing', host: '127.0.0.1', ssh_key: '/nonexistent/ttd-key' });
    await writeOnly(instance);
    await answer(instance, 'Before writing', KEY.down, KEY.enter);
    await waitFor(instance, 'SSH key the deployer logs in with');
    await press(instance, KEY.escape);
    await answer(instance, 'Review', KEY.enter);
    await answer(instance, 'Before writing', KEY.up, KEY.enter);
    await waitFor(instance, 'Review');
    expect(onExit).not.toHaveBeenCalled();
    expect(existsSync(join(workingDir, 'envs'))).toBe(false);
  });
});

describe('lxc, before writing an LXD config', () => {
  it('without lxc on the PATH the user is warned and may still write', async () => {
    const keys = mkdtempSync(join(tmpdir(), 'ttd-keys-'));
    const { instance, onExit, workingDir } = start({ name: 'nolxc', provider: 'lxd', ssh_key: keyPairIn(keys) }, { env: { PATH: '/nonexistent' } });
    await writeOnly(instance);
    const frame = await waitFor(instance, 'Before writing');
    expect(frame).toContain('⚠ lxc is not installed: LXD deploys need it');
    expect(frame).not.toContain('SSH key');
    expect(frame).toContain('❯ Write envs/nolxc.toml anyway');
    await press(instance, KEY.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalled());
    expect(existsSync(join(workingDir, 'envs', 'nolxc.toml'))).toBe(true);
    rmSync(keys, { recursive: true, force: true });
  });
});

describe('Back from the pre-checks', () => {
  it('returns to the recommended settings, each default still with its reason', async () => {
    const keys = mkdtempSync(join(tmpdir(), 'ttd-keys-'));
    const { instance, onExit } = start({ name: 'back', provider: 'lxd', ssh_key: keyPairIn(keys) }, { env: { PATH: '/nonexistent' } });
    expect(await waitFor(instance, 'Recommended settings')).toContain('↳ a VM has its own kernel');
    await writeOnly(instance);
    await answer(instance, 'Before writing', KEY.up, KEY.enter);
    expect(await waitFor(instance, 'Recommended settings')).toContain('↳ a VM has its own kernel');
    expect(onExit).not.toHaveBeenCalled();
    rmSync(keys, { recursive: true, force: true });
  });
});

describe('the Hetzner token, at its question', () => {
  let standIn: HetznerApiStandIn;
  beforeAll(async () => {
    standIn = await startHetznerApiStandIn();
  });
  afterAll(async () => {
    await standIn?.close();
  });

  it('a token the API refuses (401) keeps the question, saying so with the fix; the right one goes on', async () => {
    const env = { HCLOUD_ENDPOINT: standIn.url };
    const { instance } = start({ name: 'cloud', provider: 'hetzner' }, { checkToken: (token) => checkHetznerToken(token, env) });
    await answer(instance, 'Hetzner Cloud API token', 'not-a-valid-token', KEY.enter);
    const refused = await waitFor(instance, 'The token was refused');
    expect(refused).toContain('Hetzner Cloud API token');
    expect(refused.replace(/\s+/g, ' ')).toMatch(/The token was refused: The Hetzner Cloud API rejected the token \(GET \/locations: unable to authenticate\)\. Fix: check the token/);
    expect(refused).not.toContain('not-a-valid-token');
    await press(instance, STAND_IN_TOKEN, KEY.enter);
    const summary = await waitFor(instance, 'Recommended settings');
    expect(summary).not.toContain('refused');
    expect(summary).not.toContain('could not be checked');
  });

  it('an API that cannot be reached is a warning under the summary, not a block', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const env = { HCLOUD_ENDPOINT: `http://127.0.0.1:${port}/v1` };
    const { instance } = start({ name: 'offline', provider: 'hetzner' }, { checkToken: (token) => checkHetznerToken(token, env) });
    await answer(instance, 'Hetzner Cloud API token', 'some-token', KEY.enter);
    const summary = await waitFor(instance, 'could not be checked', 5000);
    expect(summary).toContain('Recommended settings');
    expect(summary).toMatch(/⚠ The Hetzner token could not be checked: Could not reach the Hetzner Cloud API/);
  });
});
