// @module-tag needs-ssh-target
/**
 * Connecting to a real OpenSSH 10 server on Debian 13: host key trust on first use,
 * a changed host key, a late sshd, wrong keys. Each test restarts the target as it needs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeployerError } from '../../src/domain/errors.js';
import type { ConnectAttempt } from '../../src/ssh/connect.js';
import { SshSession, type SessionOptions } from '../../src/ssh/session.js';
import { startSshTarget, type SshTarget } from '../support/ssh-target.js';

const run = promisify(execFile);
let target: SshTarget;
let local: string;

beforeAll(async () => {
  target = await startSshTarget();
  local = await mkdtemp(join(tmpdir(), 'ttd-ssh-connect-'));
}, 300_000);

afterAll(async () => {
  await target?.dispose();
  if (local) await rm(local, { recursive: true, force: true });
});

/** Opens, runs `true`, closes; returns the session for its host key facts. */
async function connect(options: Partial<SessionOptions> = {}): Promise<SshSession> {
  const session = await SshSession.open({ host: target.host, port: target.port, username: 'torrust', privateKeyPath: target.clientKey, connectDeadlineMs: 20_000, ...options });
  try {
    await session.exec('true');
  } finally {
    await session.close();
  }
  return session;
}

async function rejection(promise: Promise<unknown>): Promise<DeployerError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected a DeployerError').toBeInstanceOf(DeployerError);
  return error as DeployerError;
}

describe('host key trust on first use', () => {
  it('returns the key on first use, fingerprinted as OpenSSH does, and accepts it afterwards', async () => {
    const first = await connect();
    expect(first.hostKeyChange).toBe('first-use');
    expect(first.hostKey.algorithm).toBe('ssh-ed25519');
    expect(first.hostKey.fingerprint).toBe(await target.hostKeyFingerprint());

    const again = await connect({ knownHostKey: first.hostKey.fingerprint });
    expect(again.hostKeyChange).toBe('none');
    expect(again.hostKey).toEqual(first.hostKey);
  });

  it('refuses a changed key, runs nothing, and says how to accept the new one deliberately', async () => {
    const known = (await connect()).hostKey.fingerprint;
    await target.stop();
    await target.regenerateHostKeys();
    await target.start();
    const offered = await target.hostKeyFingerprint();
    expect(offered).not.toBe(known);

    const logins = () => target.sshdLog().split('Accepted publickey').length;
    const loginsBefore = logins();
    const error = await rejection(connect({ knownHostKey: known }));
    expect(error.code).toBe('ssh.host_key_changed');
    expect(error.message).toContain(known);
    expect(error.message).toContain(offered);
    expect(error.fix).toContain(`--accept-host-key ${offered}`);
    expect(error.fix).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    expect(error.toJSON()).toMatchObject({ expected_fingerprint: known, offered_fingerprint: offered });
    // Refused during key exchange, before authentication: the server saw no login.
    expect(logins()).toBe(loginsBefore);

    const accepted = await connect({ knownHostKey: known, acceptHostKey: offered });
    expect(accepted.hostKeyChange).toBe('replaced');
    expect(accepted.hostKey.fingerprint).toBe(offered);

    const otherAccepted = await rejection(connect({ knownHostKey: known, acceptHostKey: 'SHA256:' + 'A'.repeat(43) }));
    expect(otherAccepted.code).toBe('ssh.host_key_changed');
  });
});

describe('connection retry while the host boots', () => {
  it('retries while sshd is not up yet, reporting each attempt, then connects', async () => {
    await target.stop();
    const attempts: ConnectAttempt[] = [];
    let started: Promise<void> | undefined;
    const opening = SshSession.open({
      host: target.host,
      port: target.port,
      username: 'torrust',
      privateKeyPath: target.clientKey,
      connectDeadlineMs: 60_000,
      retryIntervalMs: 250,
      onAttempt: (attempt) => {
        attempts.push(attempt);
        // sshd comes up only after a few refused attempts, as on a booting host.
        if (attempts.length === 3) started = target.start();
      },
    });
    const session = await opening;
    await started;
    expect((await session.exec('echo up')).stdout).toBe('up\n');
    await session.close();
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts[0]).toMatchObject({ attempt: 1, stage: 'tcp', error: 'ECONNREFUSED', retryInMs: 250 });
    expect(attempts.map((attempt) => attempt.attempt)).toEqual(attempts.map((_, index) => index + 1));
  });

  it('gives up at the deadline with the attempts, the stage and the last error', async () => {
    await target.stop();
    try {
      const attempts: ConnectAttempt[] = [];
      const error = await rejection(
        SshSession.open({ host: target.host, port: target.port, username: 'torrust', privateKeyPath: target.clientKey, connectDeadlineMs: 1_000, retryIntervalMs: 200, onAttempt: (attempt) => attempts.push(attempt) }),
      );
      expect(error.code).toBe('ssh.unreachable');
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.data).toMatchObject({ attempts: attempts.length, stage: 'tcp', last_error: 'ECONNREFUSED' });
      expect(attempts.at(-1)?.retryInMs).toBeUndefined();
    } finally {
      await target.start();
    }
  });
});

describe('authentication', () => {
  it('fails at once, naming the key and the user, when the server does not know the key', async () => {
    const stranger = join(local, 'id_stranger');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const attempts: ConnectAttempt[] = [];
    const error = await rejection(connect({ privateKeyPath: stranger, onAttempt: (attempt) => attempts.push(attempt) }));
    expect(error.code).toBe('ssh.auth_failed');
    expect(error.message).toContain(stranger);
    expect(error.fix).toContain(`${stranger}.pub`);
    expect(error.fix).toContain('~torrust/.ssh/authorized_keys');
    expect(attempts).toEqual([]);
  });

  it('reports a missing key file or a public key given as the private one', async () => {
    const missing = await rejection(connect({ privateKeyPath: join(local, 'nope') }));
    expect(missing.code).toBe('ssh.key_unreadable');
    expect(missing.message).toContain('does not exist');
    const publicHalf = await rejection(connect({ privateKeyPath: `${target.clientKey}.pub` }));
    expect(publicHalf.code).toBe('ssh.key_unreadable');
    expect(publicHalf.message).toContain('it is a public key');
  });

  it('passes ssh2 protocol debug lines to the debug callback, secrets masked', async () => {
    const lines: string[] = [];
    const session = await SshSession.open({ host: target.host, port: target.port, username: 'torrust', privateKeyPath: target.clientKey, secrets: ['sekrit-value'], debug: (line) => lines.push(line) });
    await session.exec('echo sekrit-value > /dev/null');
    await session.close();
    expect(lines.some((line) => line.includes('Handshake completed'))).toBe(true);
    expect(lines.some((line) => line.includes('echo *** > /dev/null'))).toBe(true);
    expect(lines.join('\n')).not.toContain('sekrit-value');
  });
});



