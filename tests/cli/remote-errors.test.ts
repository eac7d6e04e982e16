// @module-tag needs-ssh-target
// @module-tag needs-lxd
/**
 * What a user sees when the host gets in the way, through the built binary: a changed
 * host key, a key the host does not authorize, a refused connection, a user without
 * sudo (on a real OpenSSH server, tests/support/ssh-target.ts), and a failing apt (on a
 * real LXD container, which has the systemd configure needs). Each failure exits 1
 * with an error whose cause has a code and a fix, leaves the environment in the failed
 * state of its stage, and the same command succeeds once the cause is fixed.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory, type CliResult } from '../support/cli.js';
import { writeTestConfig, type TestConfigOptions } from '../support/environment-config.js';
import { lxc, prepareLxd, removeTestResources } from '../support/lxd/real-lxd.js';
import { startSshTarget, type SshTarget } from '../support/ssh-target.js';

interface ErrorJson {
  readonly code: string;
  readonly message: string;
  readonly fix: string;
  readonly state: string;
  readonly stopped: { readonly stage: string; readonly step: string; readonly cause?: { readonly code: string; readonly message: string; readonly fix: string } & Record<string, unknown> };
}

interface StateJson {
  readonly state: string;
  readonly reached: string;
  readonly instance: { readonly ssh_host_key?: string };
  readonly failure?: { readonly step: string; readonly error: string; readonly hint: string };
}

function configOptions(name: string, ssh: { username: string; key: string }, provider: NonNullable<TestConfigOptions['provider']>): TestConfigOptions {
  return { name, username: ssh.username, privateKeyPath: ssh.key, provider, adminToken: 'remote-errors-admin-token' };
}

/** One environment in its own working directory, and the binary run against it. */
function environment(workingDir: string, name: string) {
  return {
    name,
    ttd: (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => runBinary(['--working-dir', workingDir, ...args], { env }),
    state: (): StateJson => JSON.parse(readFileSync(join(workingDir, 'data', name, 'environment.json'), 'utf8')) as StateJson,
  };
}

/** The error of a failed --json run: the last NDJSON line is the result. */
function errorOf(result: CliResult): ErrorJson {
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  const line = JSON.parse(last) as { type: string; ok: boolean; exit_code: number; error: ErrorJson };
  expect(line).toMatchObject({ type: 'result', ok: false, exit_code: 1 });
  return line.error;
}

/** Exit 1, the cause named by its code with a fix, the stage's failed state recorded with the step, and no stack trace. */
function expectFailure(result: CliResult, env: ReturnType<typeof environment>, expected: { stage: string; step: string; cause: string; fix: RegExp }): ErrorJson {
  expect(result.code, result.stdout + result.stderr).toBe(1);
  const error = errorOf(result);
  expect(error.code).toBe(expected.cause);
  expect(error.stopped).toMatchObject({ stage: expected.stage, step: expected.step });
  expect(error.stopped.cause?.code).toBe(expected.cause);
  expect(error.stopped.cause?.fix).toMatch(expected.fix);
  // One headline (the cause's message) and one fix (the cause's, saying how to resume): printed once (issue 16).
  expect(error.message).toContain(error.stopped.cause?.message);
  expect(error.message).not.toContain('fix:');
  expect(error.fix).toContain(error.stopped.cause!.fix.replace(/[.;:,\s]+$/, ''));
  expect(error.fix).toMatch(new RegExp(`resumes|then run ttd ${expected.stage === 'provision' ? 'register' : expected.stage} ${env.name}`));
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  const state = env.state();
  expect(state.state).toBe(`${expected.stage}_failed`);
  expect(error.state).toBe(state.state);
  expect(state.failure?.step).toBe(expected.step);
  expect(state.failure?.error).toContain(error.stopped.cause?.fix);
  expect(state.failure?.hint).toContain(`re-run ttd ${expected.stage === 'provision' ? 'register' : expected.stage} ${env.name}`);
  return error;
}

const LXD_NAME = `apt-errors-${process.pid}`;
const LXD_INSTANCE = `torrust-tracker-vm-${LXD_NAME}`;
const LXD_PROFILE = `torrust-profile-${LXD_NAME}`;

/** Creates and provisions the LXD environment (about 20 s of a container booting). */
async function provisionLxdEnvironment(): Promise<ReturnType<typeof environment>> {
  const image = await prepareLxd();
  const workingDir = temporaryDirectory('ttd-remote-errors-lxd-');
  mkdirSync(join(workingDir, 'envs'));
  const key = join(workingDir, 'envs', 'id');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const file = writeTestConfig(workingDir, configOptions(LXD_NAME, { username: 'torrust', key }, { provider: 'lxd', profile_name: LXD_PROFILE, instance_type: 'container', image }));
  const env = environment(workingDir, LXD_NAME);
  const created = await env.ttd(['create', 'environment', '--env-file', file]);
  if (created.code !== 0) throw new Error(`create environment failed: ${created.stderr}`);
  const provisioned = await env.ttd(['provision', LXD_NAME]);
  if (provisioned.code !== 0) throw new Error(`provision failed: ${provisioned.stderr}`);
  return env;
}

// The container boots while the SSH server's cases run; the apt case waits for it.
let lxdEnvironment: Promise<ReturnType<typeof environment>>;
beforeAll(() => {
  lxdEnvironment = provisionLxdEnvironment();
  // Its failure is reported by the apt case's beforeAll, not as an unhandled rejection.
  lxdEnvironment.catch(() => undefined);
});

afterAll(async () => {
  await lxdEnvironment?.catch(() => undefined);
  await removeTestResources([LXD_INSTANCE], [LXD_PROFILE]);
}, 120_000);

describe('on a real OpenSSH server: the cause, its fix, the failed state, and a resume', () => {
  let target: SshTarget;
  let workingDir: string;

  const register = (env: ReturnType<typeof environment>, extra: NodeJS.ProcessEnv = {}) => env.ttd(['register', env.name, '--instance-ip', target.host, '--json'], extra);

  async function created(name: string, ssh: { username: string; key: string }) {
    const env = environment(workingDir, name);
    const file = writeTestConfig(workingDir, configOptions(name, ssh, 'existing'));
    const result = await env.ttd(['create', 'environment', '--env-file', file]);
    expect(result.code, result.stderr).toBe(0);
    return env;
  }

  /** Registers; after a failure, resumes as the recorded hint says (`ttd register ENV`: the address given before is reused). */
  async function expectResumed(env: ReturnType<typeof environment>, extra: NodeJS.ProcessEnv = {}) {
    const failure = env.state().failure;
    if (failure) expect(failure.hint).toContain(`ttd register ${env.name} `);
    const result = failure ? await env.ttd(['register', env.name, '--json'], extra) : await register(env, extra);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const state = env.state();
    expect(state.state).toBe('provisioned');
    expect(state.failure).toBeUndefined();
    return state;
  }

  beforeAll(async () => {
    target = await startSshTarget();
    // OpenSSH 10 refuses a source for a while after failed logins (PerSourcePenalties):
    // the deployer retries through it, but the tests need not wait for it.
    writeFileSync(join(target.rootfs, 'etc/ssh/sshd_config.d/20-no-penalties.conf'), 'PerSourcePenalties no\n');
    await target.stop();
    await target.start();
    workingDir = temporaryDirectory('ttd-remote-errors-');
    mkdirSync(join(workingDir, 'envs'));
  }, 300_000);

  afterAll(async () => {
    await target?.dispose();
  });

  it('a changed host key is refused before anything runs, naming both keys; accepting the new one resumes and records it', async () => {
    const env = await created('hostkey', { username: 'torrust', key: target.clientKey });
    const first = await expectResumed(env);
    const known = first.instance.ssh_host_key;
    expect(known).toBe(await target.hostKeyFingerprint());

    await target.stop();
    await target.regenerateHostKeys();
    await target.start();
    const offered = await target.hostKeyFingerprint();
    const logins = () => target.sshdLog().split('Accepted publickey').length;
    const loginsBefore = logins();

    const error = expectFailure(await register(env), env, { stage: 'provision', step: 'wait-ssh', cause: 'ssh.host_key_changed', fix: new RegExp(`TORRUST_TD_ACCEPT_HOST_KEY=${offered.replace(/[+/]/g, '\\$&')}`) });
    expect(error.stopped.cause).toMatchObject({ expected_fingerprint: known, offered_fingerprint: offered });
    expect(error.stopped.cause?.fix).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    expect(logins()).toBe(loginsBefore);
    expect(env.state().instance.ssh_host_key).toBe(known);

    // Another fingerprint than the one offered is still refused, and a malformed one is bad usage.
    const wrong = await register(env, { TORRUST_TD_ACCEPT_HOST_KEY: known });
    expect(errorOf(wrong).stopped.cause?.code).toBe('ssh.host_key_changed');
    const malformed = await register(env, { TORRUST_TD_ACCEPT_HOST_KEY: 'SHA256:nope' });
    expect(malformed.code).toBe(2);
    expect(JSON.parse(malformed.stdout.trim().split('\n').at(-1) ?? '')).toMatchObject({ error: { code: 'usage.invalid' } });

    // The fix names the flag; accepting exactly the offered key resumes and records it.
    expect(error.stopped.cause?.fix).toContain(`--accept-host-key ${offered}`);
    const accepted = await env.ttd(['register', env.name, '--accept-host-key', offered, '--json']);
    expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
    expect(env.state()).toMatchObject({ state: 'provisioned', instance: { ssh_host_key: offered } });
    // The new key is the known one now: no flag needed any more.
    await expectResumed(env);
  }, 60_000);

  it('a key the host does not authorize is refused at once, naming the key and where its public half belongs; authorizing it resumes', async () => {
    const stranger = join(workingDir, 'envs', 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stranger', '-f', stranger]);
    const env = await created('wrongkey', { username: 'torrust', key: stranger });

    const error = expectFailure(await register(env), env, { stage: 'provision', step: 'wait-ssh', cause: 'ssh.auth_failed', fix: /~torrust\/\.ssh\/authorized_keys/ });
    expect(error.stopped.cause?.message).toContain(stranger);
    expect(error.stopped.cause?.fix).toContain(`${stranger}.pub`);

    appendFileSync(join(target.rootfs, 'home/torrust/.ssh/authorized_keys'), readFileSync(`${stranger}.pub`, 'utf8'));
    await expectResumed(env);
  }, 60_000);

  it('a refused connection says nothing listens on the SSH port after the wait; starting sshd resumes', async () => {
    const env = await created('refused', { username: 'torrust', key: target.clientKey });
    await target.stop();
    try {
      const started = Date.now();
      const result = await register(env, { TORRUST_TD_SSH_WAIT_SECONDS: '3' });
      expect(Date.now() - started).toBeLessThan(20_000);
      const error = expectFailure(result, env, { stage: 'provision', step: 'wait-ssh', cause: 'ssh.unreachable', fix: /nothing listens on TCP port 22: start its SSH server/ });
      expect(error.stopped.cause).toMatchObject({ stage: 'tcp', last_error: 'ECONNREFUSED' });
      expect(env.state().instance.ssh_host_key).toBeUndefined();
    } finally {
      await target.start();
    }
    await expectResumed(env);
  }, 60_000);

  it('a user without passwordless sudo gets the sudoers line to add; adding it resumes', async () => {
    const env = await created('nosudo', { username: 'nosudo', key: target.clientKey });

    const error = expectFailure(await register(env), env, { stage: 'provision', step: 'check-host', cause: 'ssh.sudo_denied', fix: /nosudo ALL=\(ALL\) NOPASSWD:ALL' > \/etc\/sudoers\.d\/nosudo/ });
    expect(error.stopped.cause?.message).toMatch(/sudo: a (password|terminal) is required/);
    // Without --json the same cause and fix reach stderr, with no stack trace.
    const text = await env.ttd(['register', env.name, '--instance-ip', target.host]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(`nosudo on nosudo@${target.host}:22`);
    expect(text.stderr).toContain('cannot run commands with sudo without a password');
    expect(text.stderr).toContain("echo 'nosudo ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/nosudo");
    // Printed once: one headline, one fix (issue 16).
    expect(text.stderr.split("echo 'nosudo ALL=(ALL) NOPASSWD:ALL'").length - 1).toBe(1);
    expect(text.stderr.split('cannot run commands with sudo without a password').length - 1).toBe(1);
    expect(text.stderr.match(/Fix:/g)).toHaveLength(1);
    expect(text.stderr).not.toMatch(/\n\s+at /);

    const sudoers = join(target.rootfs, 'etc/sudoers.d/nosudo');
    writeFileSync(sudoers, 'nosudo ALL=(ALL) NOPASSWD:ALL\n');
    chmodSync(sudoers, 0o440);
    await expectResumed(env);
  }, 60_000);
});

describe('apt failing in configure on a real LXD container: the cause, its fix, the failed state, and a resume', () => {
  let env: ReturnType<typeof environment>;
  const onInstance = async (command: string) => {
    const result = await lxc('exec', LXD_INSTANCE, '--', 'sh', '-c', command);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout.trim();
  };

  beforeAll(async () => {
    env = await lxdEnvironment;
  }, 600_000);

  it('an unreachable mirror is named with apt\'s own line and what to check; fixing the sources resumes', async () => {
    // The host's apt points at a mirror nothing answers on.
    await onInstance('mkdir -p /root/apt-saved && mv /etc/apt/sources.list.d /root/apt-saved/ && mkdir /etc/apt/sources.list.d && if [ -f /etc/apt/sources.list ]; then mv /etc/apt/sources.list /root/apt-saved/; fi && echo "deb http://127.0.0.1:9/debian trixie main" > /etc/apt/sources.list');

    const error = expectFailure(await env.ttd(['configure', LXD_NAME, '--json']), env, { stage: 'configure', step: 'install-docker', cause: 'apt.failed', fix: /mirror URLs in \/etc\/apt\/sources\.list/ });
    expect(error.stopped.cause?.message).toContain('could not download from its package mirror');
    expect(error.stopped.cause?.['stderr_tail']).toEqual(expect.arrayContaining([expect.stringContaining('127.0.0.1:9')]));
    expect(env.state().reached).toBe('provisioned');

    await onInstance('rm -rf /etc/apt/sources.list /etc/apt/sources.list.d && mv /root/apt-saved/* /etc/apt/');
    const resumed = await env.ttd(['configure', LXD_NAME]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(env.state()).toMatchObject({ state: 'configured', reached: 'configured' });
    expect(env.state().failure).toBeUndefined();
    expect(await onInstance('docker --version')).toMatch(/^Docker version/);
  }, 600_000);
});
