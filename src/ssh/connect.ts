import { setTimeout as sleep } from 'node:timers/promises';
import { NodeSSH } from 'node-ssh';
import { DeployerError } from '../domain/errors.js';
import { hostKeyChangedError, hostKeyOf, judgeHostKey, type HostKey } from './host-key.js';
import { maskSecrets } from '../domain/mask-secrets.js';
import { resolveAuth, type SshAuth } from './private-key.js';
import { probeSshBanner, type AttemptStage } from './probe.js';

export interface SshEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKeyPath: string;
}

export interface ConnectAttempt {
  readonly attempt: number;
  readonly stage: AttemptStage;
  readonly error: string;
  /** Since the first attempt started. */
  readonly elapsedMs: number;
  /** How long until the next attempt; undefined when this was the last one. */
  readonly retryInMs: number | undefined;
}

export interface ConnectOptions extends SshEndpoint {
  /** The fingerprint stored for this environment (SHA256:…), or none on first use. */
  readonly knownHostKey?: string | undefined;
  /** A new fingerprint the user accepted deliberately (replaces the known one). */
  readonly acceptHostKey?: string | undefined;
  /** Where SSH_AUTH_SOCK is read from. */
  readonly env?: NodeJS.ProcessEnv;
  /** Masked in errors, streamed lines and debug output. */
  readonly secrets?: readonly string[];
  /** How long to keep retrying while the host boots (the Rust deployer waits 300 s). */
  readonly connectDeadlineMs?: number;
  /**
   * How long a refused TCP connection is retried. A host that is already up (an existing,
   * registered one) refusing the port will not change its mind while we wait: give up early.
   */
  readonly refusedDeadlineMs?: number;
  readonly retryIntervalMs?: number;
  /** TCP, banner and handshake timeout of one attempt. */
  readonly attemptTimeoutMs?: number;
  /** ssh2 sends no keepalives by default; a silent `docker compose pull` would be dropped by NATs. */
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
  readonly onAttempt?: (attempt: ConnectAttempt) => void;
  /** A stop request (the first Ctrl-C): honoured between attempts, where stopping is safe. */
  readonly stopRequested?: () => boolean;
  /** ssh2's protocol trace (-vvv). */
  readonly debug?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export const CONNECT_DEFAULTS = {
  connectDeadlineMs: 300_000,
  retryIntervalMs: 2_000,
  attemptTimeoutMs: 10_000,
  keepaliveIntervalMs: 10_000,
  keepaliveCountMax: 3,
} as const;

export interface Connection {
  readonly ssh: NodeSSH;
  readonly hostKey: HostKey;
  readonly hostKeyChange: 'first-use' | 'none' | 'replaced';
  readonly auth: SshAuth['kind'];
  readonly keepalive: { readonly intervalMs: number; readonly countMax: number };
}

/** Errors after which trying again cannot help. */
class FinalError extends Error {
  constructor(readonly error: DeployerError) {
    super(error.message);
  }
}

/**
 * Connects, retrying while the host is not there yet (TCP refused or silent, no
 * banner, handshake timing out) until the deadline. Each failed attempt is reported.
 * A wrong key, a changed host key or a protocol mismatch fail at once.
 */
export async function connectWithRetry(options: ConnectOptions): Promise<Connection> {
  const settings: Settings = {
    connectDeadlineMs: options.connectDeadlineMs ?? CONNECT_DEFAULTS.connectDeadlineMs,
    retryIntervalMs: options.retryIntervalMs ?? CONNECT_DEFAULTS.retryIntervalMs,
    attemptTimeoutMs: options.attemptTimeoutMs ?? CONNECT_DEFAULTS.attemptTimeoutMs,
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? CONNECT_DEFAULTS.keepaliveIntervalMs,
    keepaliveCountMax: options.keepaliveCountMax ?? CONNECT_DEFAULTS.keepaliveCountMax,
  };
  const address = addressOf(options);
  const auth = await resolveAuth(options.privateKeyPath, options.env ?? process.env);
  const started = Date.now();
  const deadline = started + settings.connectDeadlineMs;
  let lastError = '';
  for (let attempt = 1; ; attempt += 1) {
    throwIfStopped(options);
    let stage: AttemptStage;
    const probe = await probeSshBanner(options.host, options.port, settings.attemptTimeoutMs);
    if (probe.ok) {
      try {
        return await connectOnce(options, auth, settings);
      } catch (error) {
        if (error instanceof FinalError) throw error.error;
        stage = 'handshake';
        lastError = (error as Error).message;
      }
    } else {
      stage = probe.stage;
      lastError = probe.error;
    }
    const now = Date.now();
    const refused = stage === 'tcp' && lastError === 'ECONNREFUSED';
    const stopAt = refused && options.refusedDeadlineMs !== undefined ? Math.min(deadline, started + options.refusedDeadlineMs) : deadline;
    const retryInMs = stopAt - now > settings.retryIntervalMs ? settings.retryIntervalMs : undefined;
    options.onAttempt?.({ attempt, stage, error: lastError, elapsedMs: now - started, retryInMs });
    if (retryInMs === undefined) {
      const seconds = Math.round((now - started) / 1000);
      const message =
        refused && stopAt < deadline
          ? `Nothing listens for SSH on ${address}: the connection was refused ${attempt} times over ${seconds} s`
          : `Could not reach SSH on ${address} in ${attempt} attempts over ${seconds} s; the last one failed at the ${stage} step: ${lastError}`;
      throw new DeployerError('ssh.unreachable', message, {
        where: address,
        fix: unreachableFix(stage, lastError, options.port),
        data: { attempts: attempt, stage, last_error: lastError },
      });
    }
    await pause(retryInMs, options);
  }
}

/** Sleeps between attempts, waking early for a stop request or an abort. */
async function pause(ms: number, options: ConnectOptions): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    throwIfStopped(options);
    await sleep(Math.min(STOP_POLL_MS, until - Date.now()), undefined, options.signal ? { signal: options.signal } : {}).catch(() => throwIfAborted(options.signal));
  }
  throwIfStopped(options);
}

const STOP_POLL_MS = 200;

type Settings = { readonly [K in keyof typeof CONNECT_DEFAULTS]: number };

async function connectOnce(options: ConnectOptions, auth: SshAuth, settings: Settings): Promise<Connection> {
  const address = addressOf(options);
  const secrets = options.secrets ?? [];
  let seen: HostKey | undefined;
  let change: Connection['hostKeyChange'] = 'first-use';
  const ssh = new NodeSSH();
  try {
    await ssh.connect({
      host: options.host,
      port: options.port,
      username: options.username,
      ...(auth.kind === 'key' ? { privateKey: auth.privateKey } : { agent: auth.socket }),
      readyTimeout: settings.attemptTimeoutMs,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: settings.keepaliveCountMax,
      // ssh2's default accepts every host key; this is the only place one is judged.
      hostVerifier: (key: Buffer) => {
        seen = hostKeyOf(key);
        const verdict = judgeHostKey(seen, options.knownHostKey, options.acceptHostKey);
        if (verdict.trusted) change = verdict.change;
        return verdict.trusted;
      },
      ...(options.debug ? { debug: (line: string) => options.debug?.(maskSecrets(line, secrets)) } : {}),
    });
  } catch (error) {
    ssh.dispose();
    throw classify(error as Error & { level?: string }, options, auth, seen);
  }
  const connection = ssh.connection;
  if (connection === null || seen === undefined) throw new FinalError(new DeployerError('internal', `SSH connection to ${address} closed right after it opened`));
  // node-ssh listens for 'error' only while connecting: a keepalive timeout later
  // would be an unhandled 'error' event. Each running exec sees the channel close.
  connection.on('error', () => undefined);
  connection.setMaxListeners(64);
  return { ssh, hostKey: seen, hostKeyChange: change, auth: auth.kind, keepalive: { intervalMs: settings.keepaliveIntervalMs, countMax: settings.keepaliveCountMax } };
}

function classify(error: Error & { level?: string }, options: ConnectOptions, auth: SshAuth, seen: HostKey | undefined): Error {
  const address = addressOf(options);
  if (seen !== undefined && options.knownHostKey !== undefined && !judgeHostKey(seen, options.knownHostKey, options.acceptHostKey).trusted) {
    return new FinalError(hostKeyChangedError(address, options.knownHostKey, seen));
  }
  if (error.level === 'client-authentication') {
    const how = auth.kind === 'agent' ? `the keys in the SSH agent (the key ${options.privateKeyPath} is passphrase-protected, so the agent is used)` : `the key ${options.privateKeyPath}`;
    return new FinalError(
      new DeployerError('ssh.auth_failed', `${address} refused ${options.username} with ${how}`, {
        where: address,
        fix:
          auth.kind === 'agent'
            ? `add the key to the agent (ssh-add ${options.privateKeyPath}; ssh-add -l lists what it holds), and check that its public key is in ~${options.username}/.ssh/authorized_keys on the host`
            : `check ssh_credentials.username, and that the public key (${options.privateKeyPath}.pub) is in ~${options.username}/.ssh/authorized_keys on the host`,
      }),
    );
  }
  if (error.level === 'client-timeout' || error.level === 'client-socket' || /No response from server|ECONNRESET|ECONNREFUSED|handshake/i.test(error.message)) return error;
  return new FinalError(
    new DeployerError('ssh.handshake_failed', `SSH handshake with ${address} failed: ${error.message}`, {
      where: address,
      fix: 'check that the address and port belong to an SSH server (OpenSSH 7.4 or newer); run with -vvv to see the protocol trace',
    }),
  );
}

/** What to do when SSH never answered: a refused port says more than a silent one. */
export function unreachableFix(stage: AttemptStage, lastError: string, port: number): string {
  if (stage === 'tcp' && lastError === 'ECONNREFUSED') {
    return `the host answers but nothing listens on TCP port ${port}: start its SSH server (on the host: sudo systemctl start ssh), or set the port sshd listens on (ssh_credentials.port, or register --ssh-port); then run the command again: it resumes`;
  }
  return `check that the host is running, that the address and ssh_credentials.port are right, and that a firewall lets TCP port ${port} through; then run the command again: it resumes`;
}

export function addressOf(endpoint: Pick<SshEndpoint, 'host' | 'port' | 'username'>): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.username}@${host}:${endpoint.port}`;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DeployerError('interrupted', 'Stopped while waiting for SSH');
}

function throwIfStopped(options: ConnectOptions): void {
  throwIfAborted(options.signal);
  if (options.stopRequested?.() === true) throw new DeployerError('interrupted', 'Stopped while waiting for SSH');
}
