// @module-tag needs-ssh-target
/**
 * The SSH session against a real OpenSSH 10 server on Debian 13 (tests/support/ssh-target.ts):
 * exit codes, streaming, stdin, sudo, the channel cap, keepalive and the SSH agent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeployerError } from '../../src/domain/errors.js';
import { RemoteCommandError } from '../../src/ssh/errors.js';
import { SshSession, type SessionOptions } from '../../src/ssh/session.js';
import { startSshTarget, type SshTarget } from '../support/ssh-target.js';

const run = promisify(execFile);
let target: SshTarget;
let local: string;
const sessions: SshSession[] = [];

beforeAll(async () => {
  target = await startSshTarget();
  local = await mkdtemp(join(tmpdir(), 'ttd-ssh-session-'));
}, 300_000);

afterAll(async () => {
  await Promise.all(sessions.map((session) => session.close()));
  await target?.dispose();
  if (local) await rm(local, { recursive: true, force: true });
});

async function open(options: Partial<SessionOptions> = {}): Promise<SshSession> {
  const session = await SshSession.open({ host: target.host, port: target.port, username: 'torrust', privateKeyPath: target.clientKey, connectDeadlineMs: 20_000, ...options });
  sessions.push(session);
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

describe('exec', () => {
  it('returns the output of a command that exits 0, untrimmed', async () => {
    const session = await open();
    const result = await session.exec('printf "  two spaces\\n"; whoami');
    expect(result).toEqual({ exitCode: 0, stdout: '  two spaces\ntorrust\n', stderr: '' });
  });

  it('throws a typed error with the command, the status and the last stderr lines on a non-zero exit', async () => {
    const session = await open();
    const error = await rejection(session.exec('for i in $(seq 1 30); do echo "line $i" >&2; done; exit 3'));
    expect(error).toBeInstanceOf(RemoteCommandError);
    const failure = error as RemoteCommandError;
    expect(failure.code).toBe('ssh.command_failed');
    expect(failure.exitStatus).toBe(3);
    expect(failure.command).toContain('exit 3');
    expect(failure.stderrTail).toHaveLength(20);
    expect(failure.stderrTail.at(-1)).toBe('line 30');
    expect(failure.stderrTail[0]).toBe('line 11');
    expect(failure.message).toContain('exited with status 3');
    expect(failure.toJSON()).toMatchObject({ code: 'ssh.command_failed', exit_status: 3 });
  });

  it('accepts the exit statuses the caller declares as answers', async () => {
    const session = await open();
    const result = await session.exec('test -e /nonexistent', { acceptExitCodes: [1] });
    expect(result.exitCode).toBe(1);
    await expect(session.exec('exit 2', { acceptExitCodes: [1] })).rejects.toMatchObject({ exitStatus: 2 });
  });

  it('reports a command killed by a signal', async () => {
    const session = await open();
    const error = (await rejection(session.exec('kill -KILL $$'))) as RemoteCommandError;
    expect(error.exitStatus).toBeNull();
    expect(error.signal).toBe('SIGKILL');
    expect(error.message).toContain('killed by signal SIGKILL');
  });

  it('masks secrets in the error, its data and the streamed lines', async () => {
    const secret = 'hunter2-s3cret';
    const session = await open({ secrets: [secret] });
    const lines: string[] = [];
    const error = (await rejection(session.exec(`echo "token ${secret}"; echo "bad ${secret}" >&2; false`, { onLine: (_, line) => lines.push(line) }))) as RemoteCommandError;
    expect(JSON.stringify(error.toJSON()) + error.message).not.toContain(secret);
    expect(error.command).toContain('echo "token ***"');
    expect(error.stderrTail).toEqual(['bad ***']);
    expect(lines).toEqual(expect.arrayContaining(['token ***', 'bad ***']));
    expect(lines.join('\n')).not.toContain(secret);
  });

  it('streams stdout and stderr line by line, while the command runs', async () => {
    const session = await open();
    const seen: Array<[string, string]> = [];
    let sawFirstBeforeEnd = false;
    const marker = join('/tmp', `ttd-stream-${process.pid}`);
    await session.exec(`echo first; echo oops >&2; while [ ! -e ${marker} ]; do sleep 0.1; done; printf 'last without newline'`, {
      onLine: (stream, line) => {
        seen.push([stream, line]);
        if (line === 'first') {
          sawFirstBeforeEnd = true;
          void writeFile(join(target.rootfs, marker), '');
        }
      },
    });
    expect(sawFirstBeforeEnd).toBe(true);
    expect(seen).toContainEqual(['stdout', 'first']);
    expect(seen).toContainEqual(['stderr', 'oops']);
    expect(seen.at(-1)).toEqual(['stdout', 'last without newline']);
  });

  it('passes stdin, so a secret need not be on the command line', async () => {
    const session = await open();
    const result = await session.exec('read -r value; echo "got ${#value} characters"', { stdin: 'abcdef\n' });
    expect(result.stdout).toBe('got 6 characters\n');
  });

  it('stops a running command when its signal aborts', async () => {
    const session = await open();
    const abort = new AbortController();
    const running = session.exec('echo started; sleep 60', { signal: abort.signal, onLine: (_, line) => line === 'started' && abort.abort() });
    expect((await rejection(running)).code).toBe('interrupted');
    expect((await session.exec('echo still usable')).stdout).toBe('still usable\n');
    // The remote command got the signal too (pgrep exits 1 once nothing matches).
    let remaining = 0;
    for (let tries = 0; tries < 50; tries += 1) {
      remaining = (await session.exec('pgrep -f "^sh -c echo started; sleep 60"', { acceptExitCodes: [1] })).exitCode;
      if (remaining === 1) break;
      await sleep(100);
    }
    expect(remaining).toBe(1);
  });
});

describe('sudo', () => {
  it('runs a command as root for a user with passwordless sudo, quoting intact', async () => {
    const session = await open();
    const result = await session.sudo(`id -u; echo "it's $(whoami)"`);
    expect(result.stdout).toBe("0\nit's root\n");
  });

  it('runs directly when connected as root', async () => {
    const session = await open({ username: 'root' });
    expect((await session.sudo('id -un')).stdout).toBe('root\n');
  });

  it('names sudo as the cause, with the sudoers fix, for a user without sudo rights', async () => {
    const session = await open({ username: 'nosudo' });
    const error = await rejection(session.sudo('id -u'));
    expect(error.code).toBe('ssh.sudo_denied');
    expect(error.message).toContain('nosudo');
    expect(error.fix).toContain("echo 'nosudo ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/nosudo");
  });

  it('reports a failing command under sudo as a command failure, not a sudo refusal', async () => {
    const session = await open();
    const error = (await rejection(session.sudo('echo broken >&2; exit 4'))) as RemoteCommandError;
    expect(error.code).toBe('ssh.command_failed');
    expect(error.exitStatus).toBe(4);
    expect(error.command).toBe('echo broken >&2; exit 4');
  });
});

describe('channels and keepalive', () => {
  it('runs 20 commands started at once, at most 4 channels at a time', async () => {
    const session = await open();
    expect(session.maxChannels).toBe(4);
    const counter = '/tmp/ttd-channels';
    await session.exec(`rm -rf ${counter}; mkdir -p ${counter}`);
    // Each command records how many commands are running beside it.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => session.exec(`touch ${counter}/${index}; sleep 0.3; ls ${counter} | wc -l; rm ${counter}/${index}`)),
    );
    expect(results.map((result) => result.exitCode)).toEqual(Array(20).fill(0));
    const concurrent = results.map((result) => Number(result.stdout.trim()));
    expect(Math.max(...concurrent)).toBeLessThanOrEqual(4);
  });

  it('proves the cap is needed: without it, this sshd (MaxSessions 10) refuses channels', async () => {
    const session = await open({ maxChannels: 20 });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => session.exec('sleep 1')));
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason as DeployerError);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.code).toBe('ssh.channel_refused');
    expect(refused[0]?.fix).toContain('MaxSessions');
  });

  it('sends keepalives through a long silent command', async () => {
    const debug: string[] = [];
    const session = await open({ keepaliveIntervalMs: 200, debug: (line) => debug.push(line) });
    expect(session.keepalive).toEqual({ intervalMs: 200, countMax: 3 });
    await session.exec('sleep 2');
    expect(debug.filter((line) => line.includes('keepalive@openssh.com')).length).toBeGreaterThan(1);
  });

  it('ends a command with connection_lost, not a crash, when keepalives go unanswered', async () => {
    const session = await open({ keepaliveIntervalMs: 200, keepaliveCountMax: 2 });
    const running = session.exec('echo started; sleep 30', { onLine: (_, line) => line === 'started' && void target.setLink('down') });
    try {
      const error = await rejection(running);
      expect(error.code).toBe('ssh.connection_lost');
      expect(error.message).toContain('sleep 30');
    } finally {
      await target.setLink('up');
    }
    const again = await open();
    expect((await again.exec('echo back')).stdout).toBe('back\n');
  });

  it('keeps keepalive on by default', async () => {
    const session = await open();
    expect(session.keepalive.intervalMs).toBeGreaterThan(0);
  });
});

describe('passphrase-protected keys', () => {
  it('fails without an agent, saying how to start one', async () => {
    const error = await rejection(open({ privateKeyPath: target.encryptedKey, env: {} }));
    expect(error.code).toBe('ssh.key_encrypted');
    expect(error.message).toContain('passphrase');
    expect(error.fix).toContain(`ssh-add ${target.encryptedKey}`);
  });

  describe('with a real ssh-agent', () => {
    let agent: ChildProcess;
    let socket: string;

    beforeAll(async () => {
      socket = join(local, 'agent.sock');
      agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
      for (let tries = 0; tries < 100 && !(await stat(socket).then((s) => s.isSocket(), () => false)); tries += 1) await sleep(50);
    });

    afterAll(async () => {
      if (agent?.pid !== undefined && agent.exitCode === null) {
        const exited = new Promise((resolve) => agent.once('exit', resolve));
        agent.kill('SIGTERM');
        await exited;
      }
    });

    it('names the agent in the auth failure while it does not hold the key', async () => {
      const error = await rejection(open({ privateKeyPath: target.encryptedKey, env: { SSH_AUTH_SOCK: socket } }));
      expect(error.code).toBe('ssh.auth_failed');
      expect(error.fix).toContain(`ssh-add ${target.encryptedKey}`);
    });

    it('connects through the agent once the key is added', async () => {
      const askpass = join(local, 'askpass.sh');
      await writeFile(askpass, '#!/bin/sh\nprintf "%s\\n" "$TTD_TEST_PASSPHRASE"\n', { mode: 0o700 });
      await run('ssh-add', [target.encryptedKey], {
        env: { ...process.env, SSH_AUTH_SOCK: socket, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0', TTD_TEST_PASSPHRASE: target.passphrase },
      });
      const session = await open({ privateKeyPath: target.encryptedKey, env: { SSH_AUTH_SOCK: socket } });
      expect(session.auth).toBe('agent');
      expect((await session.exec('whoami')).stdout).toBe('torrust\n');
    });
  });
});
