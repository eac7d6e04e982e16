/**
 * Why a remote step failed reaches the user with its code and fix (tests/cli/remote-errors.test.ts
 * shows it through the binary on real hosts); here each piece on its own: apt's complaints,
 * sudo's refusal, a refused port, the accepted host key, and the executor carrying the
 * cause into the result and the state.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DeployerError } from '../../src/domain/errors.js';
import type { Plan, Step } from '../../src/plan/types.js';
import { masking, type EngineEvent } from '../../src/plan/events.js';
import { runLifecycle, withDiscovery, type LifecycleRequest } from '../../src/run/lifecycle.js';
import type { RemoteConnector } from '../../src/run/ports.js';
import { explainConnectFailure, remoteFailureCause, sshConnector, type ExplainingRemoteHost } from '../../src/run/ssh-connector.js';
import { connectWithRetry, unreachableFix } from '../../src/ssh/connect.js';
import { aptFailureIn } from '../../src/ssh/errors.js';
import { hostKeyChangedError } from '../../src/ssh/host-key.js';
import { environmentFile, readEnvironmentRecord } from '../../src/state/store.js';
import { connectorFor, ShellHost } from '../lifecycle/doubles.js';
import { provisionedEnvironment, scratch } from '../lifecycle/support.js';
import type { EnvironmentConfig } from '../../src/config/schema.js';
import type { EnvironmentRecord } from '../../src/state/environment-record.js';

const OLD_KEY = `SHA256:${'A'.repeat(43)}`;
const NEW_KEY = `SHA256:${'B'.repeat(43)}`;

describe('apt failures are told apart by apt\'s own lines', () => {
  it.each([
    [['Err:1 http://127.0.0.1:9/debian trixie InRelease', '  Could not connect to 127.0.0.1:9 (127.0.0.1). - connect (111: Connection refused)', 'E: Unable to locate package docker.io'], 'package mirror', /network, DNS and proxy, and the mirror URLs/],
    [['W: Failed to fetch http://deb.example/debian/dists/trixie/InRelease  Temporary failure resolving \'deb.example\''], 'package mirror', /mirror URLs/],
    [['E: Malformed entry 1 in list file /etc/apt/sources.list (Component)', 'E: The list of sources could not be read.'], 'sources list is broken', /fix the line apt names in \/etc\/apt\/sources\.list/],
    [['E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 812 (unattended-upgr)', 'E: Unable to acquire the dpkg frontend lock'], 'package lock', /wait for it to finish/],
    [["E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem."], 'interrupted', /sudo dpkg --configure -a/],
    [['E: Sub-process /usr/bin/dpkg returned an error code (1)'], 'apt reported an error', /sudo apt-get update on the host/],
  ])('%j → %s', (lines, cause, fix) => {
    const failure = aptFailureIn('apt-get update -qq && apt-get install -y docker.io', lines);
    expect(failure?.cause).toContain(cause);
    expect(failure?.fix).toMatch(fix);
    expect(failure?.fix).toContain('run the command again');
  });

  it('says nothing for a command that does not run apt, or for output without an apt error', () => {
    expect(aptFailureIn('usermod -aG docker torrust', ['E: Could not get lock'])).toBeUndefined();
    expect(aptFailureIn('apt-get update', ['something else went wrong'])).toBeUndefined();
  });
});

describe('the cause of a failed remote step', () => {
  it('a sudo refusal is ssh.sudo_denied with the sudoers line, before anything apt says', () => {
    const cause = remoteFailureCause('deploy@192.0.2.7:22', 'deploy', 'apt-get update', ['sudo: a password is required'], true);
    expect(cause?.code).toBe('ssh.sudo_denied');
    expect(cause?.fix).toContain("echo 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/deploy");
  });

  it('a failing apt is apt.failed with its last lines; an unexplained failure has no cause', () => {
    const cause = remoteFailureCause('deploy@192.0.2.7:22', 'deploy', 'apt-get update -qq', ['Err:1 http://127.0.0.1:9/debian trixie InRelease', '  Could not connect to 127.0.0.1:9'], true);
    expect(cause?.code).toBe('apt.failed');
    expect(cause?.message).toBe('apt on deploy@192.0.2.7:22 failed: the host could not download from its package mirror: Could not connect to 127.0.0.1:9');
    expect(cause?.toJSON()['stderr_tail']).toHaveLength(2);
    expect(remoteFailureCause('deploy@192.0.2.7:22', 'deploy', 'false', ['nope'], true)).toBeUndefined();
  });
});

describe('a refused SSH port', () => {
  it('has its own fix: nothing listens there, start sshd or set the port', () => {
    expect(unreachableFix('tcp', 'ECONNREFUSED', 2222)).toMatch(/nothing listens on TCP port 2222: start its SSH server .*\(ssh_credentials\.port, or register --ssh-port\)/);
    expect(unreachableFix('tcp', 'no TCP answer within 10000 ms', 22)).toMatch(/check that the host is running/);
    expect(unreachableFix('banner', 'connection closed before the SSH banner', 22)).toMatch(/check that the host is running/);
  });

  it('reaches the ssh.unreachable error of a port nothing listens on', async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    await new Promise((done) => server.close(done));
    const key = `${scratch()}/id`;
    writeFileSync(key, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----\n', { mode: 0o600 });
    const error = await connectWithRetry({ host: '127.0.0.1', port, username: 'torrust', privateKeyPath: key, connectDeadlineMs: 300, retryIntervalMs: 100, env: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeployerError);
    expect((error as DeployerError).code).toBe('ssh.unreachable');
    expect((error as DeployerError).fix).toContain(`nothing listens on TCP port ${port}`);
  });
});

describe('the SSH connector', () => {
  const config = { ssh_credentials: { username: 'torrust', port: 22, private_key_path: '/nonexistent' }, provider: { provider: 'lxd' } } as unknown as EnvironmentConfig;
  const record = { instance: {} } as unknown as EnvironmentRecord;

  it.each([
    [{ TORRUST_TD_ACCEPT_HOST_KEY: 'SHA256:short' }, /TORRUST_TD_ACCEPT_HOST_KEY=SHA256:short is not a host key fingerprint/],
    [{ TORRUST_TD_SSH_WAIT_SECONDS: 'soon' }, /TORRUST_TD_SSH_WAIT_SECONDS=soon is not a whole number of seconds/],
    [{ TORRUST_TD_SSH_WAIT_SECONDS: '0' }, /is not a whole number of seconds/],
  ])('refuses %j as bad usage before connecting', (env, message) => {
    let caught: unknown;
    try {
      sshConnector(config, record, env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DeployerError);
    expect((caught as DeployerError).code).toBe('usage.invalid');
    expect((caught as DeployerError).message).toMatch(message);
  });

  it('accepts a fingerprint and a wait in seconds', () => {
    expect(typeof sshConnector(config, record, { TORRUST_TD_ACCEPT_HOST_KEY: NEW_KEY, TORRUST_TD_SSH_WAIT_SECONDS: '600' })).toBe('function');
  });

  it('tells how to accept a changed host key from the command line, keeping the fingerprints', () => {
    const original = hostKeyChangedError('torrust@192.0.2.7:22', OLD_KEY, { algorithm: 'ssh-ed25519', fingerprint: NEW_KEY });
    const explained = explainConnectFailure(original) as DeployerError;
    expect(explained.code).toBe('ssh.host_key_changed');
    expect(explained.message).toBe(original.message);
    expect(explained.fix).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    expect(explained.fix).toContain(`run the same command again with --accept-host-key ${NEW_KEY} (or TORRUST_TD_ACCEPT_HOST_KEY=${NEW_KEY} in its environment)`);
    expect(explained.toJSON()).toMatchObject({ expected_fingerprint: OLD_KEY, offered_fingerprint: NEW_KEY });
    const other = new DeployerError('ssh.auth_failed', 'refused');
    expect(explainConnectFailure(other)).toBe(other);
  });
});

const remote = (id: string, command: string, sudo = false): Step => ({ kind: 'remote', id, title: `do ${id}`, command, check: undefined, sudo, changes: id });
const waitForSsh: Step = { kind: 'wait', id: 'wait-ssh', title: 'Wait for SSH', condition: { type: 'ssh-reachable' }, timeoutSeconds: 30, intervalSeconds: 5, changes: 'nothing' };

async function run(workingDir: string, steps: Step[], connect: RemoteConnector) {
  const events: EngineEvent[] = [];
  const plan: LifecycleRequest['plan'] = (current): Plan => ({ environment: current.name, command: 'configure', gaps: [], stages: [{ stage: 'configure', command: 'configure', steps }] });
  const result = await runLifecycle({
    workingDir,
    environment: 'race',
    command: 'configure',
    plan,
    provider: undefined,
    connect,
    lockWaitSeconds: 0,
    emit: masking([], (event) => events.push(event)),
    signal: new AbortController().signal,
    stopRequested: () => false,
  });
  return { result, events, record: await readEnvironmentRecord(workingDir, 'race') };
}

describe('the executor carries the cause of a failure', () => {
  it('an SSH error while connecting for a remote step: its code and fix reach the result and the state', async () => {
    const workingDir = scratch();
    await provisionedEnvironment(workingDir);
    const refused = new DeployerError('ssh.auth_failed', 'torrust@127.0.0.1:22 refused torrust with the key id', { fix: 'put id.pub in ~torrust/.ssh/authorized_keys' });
    const { result, record } = await run(workingDir, [remote('a', 'true')], async () => {
      throw refused;
    });
    expect(result.outcome).toBe('failed');
    expect(result.stopped?.cause).toMatchObject({ code: 'ssh.auth_failed', fix: 'put id.pub in ~torrust/.ssh/authorized_keys' });
    // The error is the headline alone: its fix travels as the cause's, so it is printed once.
    expect(result.stopped?.error).toBe('torrust@127.0.0.1:22 refused torrust with the key id');
    // The state's record keeps both: `show` explains a failure from it alone.
    expect(record).toMatchObject({ state: 'configure_failed', failure: { step: 'a', error: 'torrust@127.0.0.1:22 refused torrust with the key id (fix: put id.pub in ~torrust/.ssh/authorized_keys)' } });
  });

  it('a failed step the host explains (sudo, apt) fails with that cause; one it cannot explain keeps the exit code and last line', async () => {
    const workingDir = scratch();
    await provisionedEnvironment(workingDir);
    // A sudo that runs what it is given, as on a host where the user has it (this machine may have none).
    const bin = scratch();
    writeFileSync(join(bin, 'sudo'), '#!/bin/sh\n[ "$1" = -n ] && shift\nexec "$@"\n', { mode: 0o755 });
    const host: ExplainingRemoteHost = Object.assign(new ShellHost(scratch(), { PATH: `${bin}:${process.env['PATH'] ?? ''}` }), {
      explainFailure: (command: string, lines: readonly string[], viaSudo: boolean) => remoteFailureCause('torrust@127.0.0.1:22', 'torrust', command, lines, viaSudo),
    });
    const denied = await run(workingDir, [remote('check', 'echo "sudo: a password is required" >&2; exit 1', true)], connectorFor(host as ShellHost));
    expect(denied.result.stopped?.cause).toMatchObject({ code: 'ssh.sudo_denied' });
    expect(denied.record?.failure?.error).toContain("(fix: give torrust passwordless sudo on the host, for example as root: echo 'torrust ALL=(ALL) NOPASSWD:ALL'");

    const plain = await run(workingDir, [remote('other', 'echo broken >&2; exit 3', true)], connectorFor(host as ShellHost));
    expect(plain.result.stopped?.cause).toBeUndefined();
    expect(plain.result.stopped?.error).toBe('exited with code 3: broken');
  });

  it('a connection lost in the middle of a batch leaves the stage failed, not stuck in its transient state', async () => {
    const workingDir = scratch();
    await provisionedEnvironment(workingDir);
    const host = new ShellHost(scratch());
    host.exec = async () => {
      throw new DeployerError('ssh.connection_lost', 'The SSH connection to torrust@127.0.0.1:22 was lost', { fix: 'running the command again resumes where it stopped' });
    };
    const { result, record } = await run(workingDir, [remote('a', 'true'), remote('b', 'true')], connectorFor(host));
    expect(result.outcome).toBe('failed');
    expect(result.stopped).toMatchObject({ step: 'a', cause: { code: 'ssh.connection_lost' } });
    expect(record).toMatchObject({ state: 'configure_failed', failure: { step: 'a' } });
  });

  it('a host key the state refuses ends a wait for SSH at once: the connection is not reused by a retry', async () => {
    const workingDir = scratch();
    const created = await provisionedEnvironment(workingDir);
    writeFileSync(environmentFile(workingDir, 'race'), JSON.stringify({ ...created, instance: { address: '127.0.0.1', ssh_host_key: OLD_KEY } }));
    const host = new ShellHost(scratch());
    host.hostKey = NEW_KEY;
    const started = Date.now();
    const { result, record } = await run(workingDir, [waitForSsh, remote('a', 'true')], connectorFor(host));
    expect(result.outcome).toBe('failed');
    expect(result.stopped?.step).toBe('wait-ssh');
    expect(result.stopped?.error).toMatch(/host key .* changed/);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(host.scripts).toEqual([]);
    expect(record?.instance.ssh_host_key).toBe(OLD_KEY);
  });

  it('a host key the user accepted replaces the recorded one', async () => {
    const workingDir = scratch();
    const created = await provisionedEnvironment(workingDir);
    writeFileSync(environmentFile(workingDir, 'race'), JSON.stringify({ ...created, instance: { address: '127.0.0.1', ssh_host_key: OLD_KEY } }));
    // A sudo that runs what it is given, as on a host where the user has it (this machine may have none).
    const bin = scratch();
    writeFileSync(join(bin, 'sudo'), '#!/bin/sh\n[ "$1" = -n ] && shift\nexec "$@"\n', { mode: 0o755 });
    const host: ExplainingRemoteHost = Object.assign(new ShellHost(scratch(), { PATH: `${bin}:${process.env['PATH'] ?? ''}` }), { hostKey: NEW_KEY, hostKeyReplaced: true });
    const { result, record } = await run(workingDir, [waitForSsh, remote('a', 'true')], connectorFor(host as ShellHost));
    expect(result.outcome).toBe('succeeded');
    expect(record?.instance.ssh_host_key).toBe(NEW_KEY);
  });

  it('withDiscovery refuses a different key unless it was accepted', () => {
    const record = { instance: { address: '192.0.2.7', ssh_host_key: OLD_KEY } } as unknown as EnvironmentRecord;
    expect(() => withDiscovery(record, { type: 'host-key', hostKey: NEW_KEY })).toThrow(/changed/);
    expect(withDiscovery(record, { type: 'host-key', hostKey: NEW_KEY, replaced: true }).instance.ssh_host_key).toBe(NEW_KEY);
  });
});
