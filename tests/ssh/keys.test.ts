/** Host key fingerprints and private key detection, checked against keys made by the real ssh-keygen. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWithRetry, type ConnectAttempt } from '../../src/ssh/connect.js';
import { fingerprintOf, hostKeyOf, isFingerprint, judgeHostKey } from '../../src/ssh/host-key.js';
import { isEncryptedPrivateKey, resolveAuth } from '../../src/ssh/private-key.js';
import { probeSshBanner } from '../../src/ssh/probe.js';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ttd-ssh-keys-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function keygen(name: string, args: string[]): Promise<string> {
  const path = join(dir, name);
  await run('ssh-keygen', ['-q', '-C', name, '-f', path, ...args]);
  return path;
}

describe('host key fingerprints', () => {
  it.each([
    ['ed25519', ['-t', 'ed25519'], 'ssh-ed25519'],
    ['ecdsa', ['-t', 'ecdsa'], 'ecdsa-sha2-nistp256'],
    ['rsa', ['-t', 'rsa', '-b', '2048'], 'ssh-rsa'],
  ])('match ssh-keygen -lf for %s keys', async (name, args, algorithm) => {
    const path = await keygen(`host_${name}`, [...args, '-N', '']);
    const publicKey = (await readFile(`${path}.pub`, 'utf8')).split(' ');
    const blob = Buffer.from(publicKey[1] ?? '', 'base64');
    const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`]);
    expect(fingerprintOf(blob)).toBe(stdout.split(' ')[1]);
    expect(hostKeyOf(blob)).toEqual({ algorithm, fingerprint: stdout.split(' ')[1] });
    expect(isFingerprint(fingerprintOf(blob))).toBe(true);
  });

  it('recognises only OpenSSH SHA256 fingerprints', () => {
    expect(isFingerprint('SHA256:' + 'a'.repeat(43))).toBe(true);
    expect(isFingerprint('MD5:aa:bb')).toBe(false);
    expect(isFingerprint('SHA256:short')).toBe(false);
  });
});

describe('judgeHostKey (trust on first use)', () => {
  const seen = { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:' + 'n'.repeat(43) };
  const old = 'SHA256:' + 'o'.repeat(43);
  it('trusts and records a first-seen key, trusts the known key, refuses another', () => {
    expect(judgeHostKey(seen, undefined, undefined)).toEqual({ trusted: true, change: 'first-use' });
    expect(judgeHostKey(seen, seen.fingerprint, undefined)).toEqual({ trusted: true, change: 'none' });
    expect(judgeHostKey(seen, old, undefined)).toEqual({ trusted: false });
  });
  it('accepts a changed key only when that exact key was accepted deliberately', () => {
    expect(judgeHostKey(seen, old, seen.fingerprint)).toEqual({ trusted: true, change: 'replaced' });
    expect(judgeHostKey(seen, old, old)).toEqual({ trusted: false });
  });
});

describe('passphrase detection', () => {
  it.each([
    ['OpenSSH format, bcrypt KDF', ['-t', 'ed25519']],
    ['PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY)', ['-t', 'rsa', '-b', '2048', '-m', 'PKCS8']],
    ['legacy PEM (Proc-Type: 4,ENCRYPTED)', ['-t', 'rsa', '-b', '2048', '-m', 'PEM']],
  ])('tells a protected key from an open one: %s', async (_, args) => {
    const name = args.join('');
    const open = await keygen(`open${name}`, [...args, '-N', '']);
    const locked = await keygen(`locked${name}`, [...args, '-N', 'a passphrase']);
    expect(isEncryptedPrivateKey(await readFile(open, 'utf8'))).toBe(false);
    expect(isEncryptedPrivateKey(await readFile(locked, 'utf8'))).toBe(true);
  });

  it('recognises PuTTY keys with and without encryption', () => {
    expect(isEncryptedPrivateKey('PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: aes256-cbc\n')).toBe(true);
    expect(isEncryptedPrivateKey('PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n')).toBe(false);
  });

  it('uses an open key directly, and the agent for a protected one', async () => {
    const open = await keygen('auth-open', ['-t', 'ed25519', '-N', '']);
    const locked = await keygen('auth-locked', ['-t', 'ed25519', '-N', 'pass phrase']);
    expect(await resolveAuth(open, {})).toMatchObject({ kind: 'key' });
    await expect(resolveAuth(locked, {})).rejects.toMatchObject({ code: 'ssh.key_encrypted', fix: expect.stringContaining(`eval "$(ssh-agent)" && ssh-add ${locked}`) });
    const notSocket = join(dir, 'not-a-socket');
    await writeFile(notSocket, '');
    await expect(resolveAuth(locked, { SSH_AUTH_SOCK: notSocket })).rejects.toMatchObject({ message: expect.stringContaining('is not a socket') });
  });
});

describe('waiting for SSH (loopback listeners made by the test)', () => {
  const servers: Server[] = [];
  async function listen(onConnection: (socket: import('node:net').Socket) => void): Promise<number> {
    const server = createServer(onConnection);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('finds the banner after other lines', async () => {
    const port = await listen((socket) => socket.end('hello\r\nSSH-2.0-OpenSSH_10.0p2 Debian-7\r\n'));
    expect(await probeSshBanner('127.0.0.1', port, 2000)).toEqual({ ok: true, banner: 'SSH-2.0-OpenSSH_10.0p2 Debian-7' });
  });

  it('fails at the banner step when the port accepts but closes, or stays silent', async () => {
    const closing = await listen((socket) => socket.destroy());
    expect(await probeSshBanner('127.0.0.1', closing, 2000)).toMatchObject({ ok: false, stage: 'banner' });
    const silent = await listen(() => undefined);
    expect(await probeSshBanner('127.0.0.1', silent, 200)).toMatchObject({ ok: false, stage: 'banner', error: expect.stringContaining('no SSH banner') });
  });

  it('fails at the TCP step when nothing listens', async () => {
    const port = await listen(() => undefined);
    await new Promise((resolve) => servers.pop()?.close(resolve));
    expect(await probeSshBanner('127.0.0.1', port, 2000)).toEqual({ ok: false, stage: 'tcp', error: 'ECONNREFUSED' });
  });

  it('retries a host that never sends a banner, reports each attempt, and gives up at the deadline', async () => {
    const key = await keygen('retry', ['-t', 'ed25519', '-N', '']);
    const port = await listen((socket) => socket.destroy());
    const attempts: ConnectAttempt[] = [];
    await expect(
      connectWithRetry({ host: '127.0.0.1', port, username: 'torrust', privateKeyPath: key, connectDeadlineMs: 600, retryIntervalMs: 100, onAttempt: (attempt) => attempts.push(attempt) }),
    ).rejects.toMatchObject({ code: 'ssh.unreachable', data: { stage: 'banner' } });
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.every((attempt) => attempt.stage === 'banner')).toBe(true);
  });

  it('stops waiting when aborted', async () => {
    const key = await keygen('abort', ['-t', 'ed25519', '-N', '']);
    const port = await listen((socket) => socket.destroy());
    const abort = new AbortController();
    await expect(
      connectWithRetry({ host: '127.0.0.1', port, username: 'torrust', privateKeyPath: key, retryIntervalMs: 50, signal: abort.signal, onAttempt: () => abort.abort() }),
    ).rejects.toMatchObject({ code: 'interrupted' });
  });
});
