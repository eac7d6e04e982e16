/**
 * A real OpenSSH server on a real Debian 13 system for the SSH tests: the cached
 * debootstrap rootfs (scripts/build-test-rootfs.sh) is copied, given fresh host and
 * client keys, and its own sshd runs chrooted in private mount/PID/UTS namespaces
 * inside a network namespace reached over a veth pair (LAB.md §3a). Needs root.
 * Everything started is stopped by PID, and the namespace and copy are removed.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { probeSshBanner } from '../../src/ssh/probe.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const PROJECT_ROOT = join(here, '..', '..');
const BUILD_SCRIPT = join(PROJECT_ROOT, 'scripts', 'build-test-rootfs.sh');
const START_SCRIPT = join(here, 'ssh-target-start.sh');
const NEEDED_COMMANDS = ['ip', 'nsenter', 'unshare', 'chroot', 'cp', 'ssh-keygen', 'debootstrap'];

export interface SshTarget {
  readonly host: string;
  readonly port: number;
  /** The target's root directory as seen from the test (to check uploaded files). */
  readonly rootfs: string;
  /** A key without passphrase, authorized for root, torrust (passwordless sudo) and nosudo. */
  readonly clientKey: string;
  /** A passphrase-protected key, authorized for the same users. */
  readonly encryptedKey: string;
  readonly passphrase: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** What `ssh-keygen -lf` says of the target's ed25519 host key: SHA256:… */
  hostKeyFingerprint(): Promise<string>;
  /** New host keys, as a rebuilt server would have; restart for sshd to use them. */
  regenerateHostKeys(): Promise<void>;
  /** Takes the host side of the link down (packets vanish, as behind a dead NAT) or up again. */
  setLink(state: 'up' | 'down'): Promise<void>;
  sshdLog(): string;
  dispose(): Promise<void>;
}

let counter = 0;

export async function startSshTarget(): Promise<SshTarget> {
  assertPrerequisites();
  const cachedRootfs = await buildRootfs();
  const id = `${process.pid}x${(counter += 1)}`;
  const namespace = `ttd-ssh-${id}`;
  const hostVeth = `vh${id}`;
  const targetVeth = `vt${id}`;
  // Beside the cached rootfs, not in /tmp: Debian 13 mounts /tmp as a nosuid tmpfs, where the
  // target's sudo cannot become root (and each copy would take 280 MB of memory).
  const copies = join(dirname(cachedRootfs), 'ssh-targets');
  await mkdir(copies, { recursive: true, mode: 0o700 });
  const work = await mkdtemp(join(copies, 'target-'));
  const rootfs = join(work, 'rootfs');
  let sshd: ChildProcess | undefined;
  let log = '';
  let networkMade = false;

  const cleanupOnExit = () => {
    if (sshd?.pid !== undefined && isRunning(sshd)) process.kill(sshd.pid, 'SIGKILL');
    if (networkMade) spawnSync('ip', ['netns', 'del', namespace]);
  };
  process.once('exit', cleanupOnExit);

  await run('cp', ['-a', '--reflink=auto', cachedRootfs, rootfs]);
  const keys = join(work, 'keys');
  await mkdir(keys, { mode: 0o700 });
  const clientKey = join(keys, 'id_ed25519');
  const encryptedKey = join(keys, 'id_ed25519_passphrase');
  const passphrase = `correct horse ${randomInt(1e9)}`;
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ttd-test', '-f', clientKey]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'ttd-test-passphrase', '-f', encryptedKey]);
  const authorized = (await readFile(`${clientKey}.pub`, 'utf8')) + (await readFile(`${encryptedKey}.pub`, 'utf8'));
  for (const [user, home] of [['root', '/root'], ['torrust', '/home/torrust'], ['nosudo', '/home/nosudo']] as const) {
    await mkdir(join(rootfs, home, '.ssh'), { recursive: true, mode: 0o700 });
    await writeFile(join(rootfs, home, '.ssh', 'authorized_keys'), authorized, { mode: 0o600 });
    await run('chroot', [rootfs, 'chown', '-R', `${user}:${user}`, `${home}/.ssh`]);
  }
  // The host's ssh-keygen writes into the copy (-f is the prefix): inside a container where
  // root may not mknod, debootstrap leaves the rootfs's /dev empty, and a chrooted ssh-keygen
  // fails on the missing /dev/null (sshd itself runs with /dev bind-mounted).
  const regenerateHostKeys = async () => {
    await run('sh', ['-c', `rm -f ${rootfs}/etc/ssh/ssh_host_*`]);
    await run('ssh-keygen', ['-A', '-f', rootfs]);
  };
  await regenerateHostKeys();
  // sudo looks its own host name up, as on any Debian host.
  await writeFile(join(rootfs, 'etc/hostname'), 'ttd-ssh-target\n');
  await appendFile(join(rootfs, 'etc/hosts'), '127.0.1.1 ttd-ssh-target\n');

  const subnet = await freeSubnet();
  const host = `${subnet}.2`;
  try {
    await run('ip', ['netns', 'add', namespace]);
    networkMade = true;
    await run('ip', ['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', targetVeth]);
    await run('ip', ['link', 'set', targetVeth, 'netns', namespace]);
    await run('ip', ['addr', 'add', `${subnet}.1/24`, 'dev', hostVeth]);
    await run('ip', ['link', 'set', hostVeth, 'up']);
    await run('ip', ['netns', 'exec', namespace, 'sh', '-c', `ip addr add ${host}/24 dev ${targetVeth} && ip link set ${targetVeth} up && ip link set lo up && ip route add default via ${subnet}.1`]);
  } catch (error) {
    cleanupOnExit();
    throw error;
  }

  const start = async () => {
    if (sshd && isRunning(sshd)) throw new Error('the SSH target is already running');
    const child = spawn('nsenter', [`--net=/run/netns/${namespace}`, 'unshare', '--mount', '--pid', '--uts', '--fork', '--kill-child', '--propagation', 'private', 'bash', START_SCRIPT, rootfs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    sshd = child;
    const collect = (chunk: Buffer) => {
      log += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    for (let waited = 0; waited < 150; waited += 1) {
      if (!isRunning(child)) throw new Error(`the SSH target's sshd exited at start (${child.exitCode ?? child.signalCode}):\n${log}`);
      if ((await probeSshBanner(host, 22, 1000)).ok) return;
      await sleep(100);
    }
    throw new Error(`the SSH target's sshd did not answer on ${host}:22 within 15 s:\n${log}`);
  };

  const stop = async () => {
    const child = sshd;
    if (!child || !isRunning(child)) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // unshare ignores SIGTERM while it waits; killing it makes --kill-child end sshd,
    // PID 1 of the target's PID namespace, and the kernel then ends all left in it.
    child.kill('SIGKILL');
    await exited;
    // The kernel ends sshd just after unshare exits; until then its listener may still
    // accept and reset. Stopped means refused, as a host without sshd answers.
    for (let waited = 0; waited < 100; waited += 1) {
      const probe = await probeSshBanner(host, 22, 1000);
      if (!probe.ok && probe.stage === 'tcp' && probe.error === 'ECONNREFUSED') return;
      await sleep(50);
    }
    throw new Error(`the SSH target still accepts connections on ${host}:22 after its sshd was killed`);
  };

  await start();
  const target: SshTarget = {
    host,
    port: 22,
    rootfs,
    clientKey,
    encryptedKey,
    passphrase,
    start,
    stop,
    regenerateHostKeys,
    setLink: async (state) => {
      await run('ip', ['link', 'set', hostVeth, state]);
    },
    sshdLog: () => log,
    hostKeyFingerprint: async () => {
      const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(rootfs, 'etc/ssh/ssh_host_ed25519_key.pub')]);
      const fingerprint = stdout.split(' ')[1];
      if (fingerprint === undefined) throw new Error(`unexpected ssh-keygen -l output: ${stdout}`);
      return fingerprint;
    },
    dispose: async () => {
      await stop();
      await run('ip', ['netns', 'del', namespace]);
      networkMade = false;
      process.off('exit', cleanupOnExit);
      await appendFile(join(work, 'sshd.log'), log).catch(() => undefined);
      await removeCopy(work);
    },
  };
  return target;
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function assertPrerequisites(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('The SSH tests boot a real Debian 13 sshd in a network namespace, which needs root: run the suite as root (CI does).');
  }
  const missing = NEEDED_COMMANDS.filter((command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
  if (missing.length > 0) {
    throw new Error(`The SSH test target needs ${missing.join(', ')}: as root on Debian, npm test installs them (scripts/test-setup.mjs).`);
  }
}

/** The cached rootfs; built on first use (1-2 minutes), reused afterwards. */
async function buildRootfs(): Promise<string> {
  try {
    const { stdout } = await run('bash', [BUILD_SCRIPT], { maxBuffer: 16 * 1024 * 1024 });
    const path = stdout.trim().split('\n').at(-1) ?? '';
    if (!existsSync(join(path, 'usr/sbin/sshd'))) throw new Error(`no sshd in ${path}`);
    return path;
  } catch (error) {
    const failure = error as Error & { stderr?: string };
    throw new Error(`Building the Debian 13 test rootfs failed (${BUILD_SCRIPT}): ${failure.stderr ?? failure.message}`);
  }
}

/** A 10.231.X.0/24 that no interface on the host uses yet: the first three octets. */
async function freeSubnet(): Promise<string> {
  const { stdout } = await run('ip', ['-4', '-o', 'addr', 'show']);
  for (;;) {
    const candidate = `10.231.${randomInt(1, 255)}`;
    if (!stdout.includes(` ${candidate}.`)) return candidate;
  }
}

/** Removes the copy, after making sure no mount of the target is visible from here. */
async function removeCopy(work: string): Promise<void> {
  const mounts = await readFile('/proc/self/mountinfo', 'utf8');
  if (mounts.split('\n').some((line) => line.split(' ')[4]?.startsWith(work))) {
    throw new Error(`refusing to remove ${work}: something is still mounted under it`);
  }
  await rm(work, { recursive: true, force: true });
}
