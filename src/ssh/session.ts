import type { NodeSSH } from 'node-ssh';
import { DeployerError } from '../domain/errors.js';
import { shellQuote } from '../shell/quote.js';
import { addressOf, connectWithRetry, type Connection, type ConnectOptions } from './connect.js';
import { RemoteCommandError, STDERR_TAIL_LINES, sudoDeniedError, sudoRefusalIn } from './errors.js';
import type { HostKey } from './host-key.js';
import { ConcurrencyLimiter } from './limiter.js';
import { LineSplitter, LineTail } from './lines.js';
import { maskSecrets } from '../domain/mask-secrets.js';

export interface SessionOptions extends ConnectOptions {
  /** Channels open at once on the connection (OpenSSH allows 10 by default; SFTP takes one more). */
  readonly maxChannels?: number;
}

export const DEFAULT_MAX_CHANNELS = 4;

export interface ExecOptions {
  /** Each output line as it arrives (secrets masked). */
  readonly onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Exit statuses that are answers rather than failures (for example 1 from `test -f`). */
  readonly acceptExitCodes?: readonly number[];
  /** Sent to the command's standard input, so secrets need not appear in the command line. */
  readonly stdin?: string;
  readonly signal?: AbortSignal;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * One SSH connection to a host for a whole command: every exec has its exit status
 * checked, output streamed line by line, channels capped, and uploads go over a
 * single SFTP channel. Open it with `SshSession.open`, close it with `close()`.
 */
export class SshSession {
  readonly address: string;
  readonly hostKey: HostKey;
  /** 'first-use': the caller stores `hostKey.fingerprint`; 'replaced': it replaces the stored one. */
  readonly hostKeyChange: 'first-use' | 'none' | 'replaced';
  readonly auth: 'key' | 'agent';
  readonly keepalive: { readonly intervalMs: number; readonly countMax: number };
  private readonly channels: ConcurrencyLimiter;
  private closed = false;

  private readonly ssh: NodeSSH;

  private constructor(
    connection: Connection,
    private readonly options: SessionOptions,
  ) {
    this.ssh = connection.ssh;
    this.address = addressOf(options);
    this.hostKey = connection.hostKey;
    this.hostKeyChange = connection.hostKeyChange;
    this.auth = connection.auth;
    this.keepalive = connection.keepalive;
    this.channels = new ConcurrencyLimiter(options.maxChannels ?? DEFAULT_MAX_CHANNELS);
  }

  static async open(options: SessionOptions): Promise<SshSession> {
    return new SshSession(await connectWithRetry(options), options);
  }

  get username(): string {
    return this.options.username;
  }

  get maxChannels(): number {
    return this.channels.limit;
  }

  /** Runs a shell command; an exit status not in `acceptExitCodes` (default: only 0) throws RemoteCommandError. */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.channels.run(() => this.execOnChannel(command, command, options));
  }

  /**
   * Runs a shell command as root through `sudo -n` (never prompts: a user without
   * passwordless sudo gets `ssh.sudo_denied`). As root, the command runs directly.
   */
  sudo(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.options.username === 'root') return this.exec(command, options);
    return this.channels.run(() => this.execOnChannel(`sudo -n -- sh -c ${shellQuote(command)}`, command, options, true));
  }

  /** A channel to address:port as the host sees it (an SSH forward). */
  async forwardOut(address: string, port: number): ReturnType<NodeSSH['forwardOut']> {
    this.assertOpen();
    return this.ssh.forwardOut('127.0.0.1', 0, address, port);
  }

  /** Called once when the connection ends, whoever ends it (ssh2 notices a dead peer by keepalive or reset). */
  onClosed(listener: () => void): void {
    this.ssh.connection?.once('close', listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ssh.dispose();
  }

  private async execOnChannel(command: string, shown: string, options: ExecOptions, viaSudo = false): Promise<ExecResult> {
    this.assertOpen();
    const secrets = this.options.secrets ?? [];
    if (options.signal?.aborted) throw interrupted(shown, secrets);
    const stderrTail = new LineTail(STDERR_TAIL_LINES);
    const emit = (stream: 'stdout' | 'stderr') => (line: string) => {
      if (stream === 'stderr') stderrTail.add(line);
      options.onLine?.(stream, maskSecrets(line, secrets));
    };
    const stdoutLines = new LineSplitter(emit('stdout'));
    const stderrLines = new LineSplitter(emit('stderr'));
    let channel: { signal(name: string): void; close(): void } | undefined;
    let response: Awaited<ReturnType<NodeSSH['execCommand']>>;
    try {
      const execution = this.ssh.execCommand(command, {
        noTrim: true,
        ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
        onChannel: (opened) => {
          channel = opened as unknown as typeof channel;
        },
        onStdout: (chunk) => stdoutLines.push(chunk),
        onStderr: (chunk) => stderrLines.push(chunk),
      });
      response = await untilAborted(execution, options.signal, () => {
        // Ask the remote process to stop, and stop waiting for it: a process that
        // ignores the signal must not hold the command (OpenSSH ≥ 7.9 delivers it).
        try {
          channel?.signal('TERM');
          channel?.close();
        } catch {
          // The channel is already closed.
        }
      });
    } catch (error) {
      if (options.signal?.aborted) throw interrupted(shown, secrets);
      throw this.channelError(error as Error, shown);
    }
    stdoutLines.end();
    stderrLines.end();
    const { code, signal } = response;
    if (code === null && signal === null) {
      throw new DeployerError('ssh.connection_lost', `The SSH connection to ${this.address} was lost while running: ${maskSecrets(shown, secrets).split('\n')[0] ?? ''}`, {
        where: this.address,
        fix: 'check the host and the network; running the command again resumes where it stopped',
      });
    }
    if (code !== null && (code === 0 || options.acceptExitCodes?.includes(code))) {
      return { exitCode: code, stdout: response.stdout, stderr: response.stderr };
    }
    const refusal = viaSudo ? sudoRefusalIn(stderrTail.get()) : undefined;
    if (refusal !== undefined) throw sudoDeniedError(this.address, this.options.username, refusal);
    throw new RemoteCommandError({ address: this.address, command: shown, exitStatus: code, signal, stderrTail: stderrTail.get(), secrets });
  }

  private channelError(error: Error, command: string): DeployerError {
    const secrets = this.options.secrets ?? [];
    const what = maskSecrets(command, secrets).split('\n')[0] ?? '';
    if (/Channel open failure/i.test(error.message)) {
      return new DeployerError('ssh.channel_refused', `${this.address} refused a new SSH channel for: ${what} (${error.message})`, {
        where: this.address,
        fix: `the server allows fewer sessions per connection (sshd MaxSessions) than this session opens (${this.channels.limit} commands plus one SFTP channel): raise MaxSessions or lower the session's maxChannels`,
      });
    }
    return new DeployerError('ssh.connection_lost', `The SSH connection to ${this.address} failed while starting: ${what} (${error.message})`, {
      where: this.address,
      fix: 'check the host and the network; running the command again resumes where it stopped',
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new DeployerError('internal', `The SSH session to ${this.address} is already closed`);
  }
}

/** The execution's result, or a rejection as soon as `signal` aborts (after `onAbort`). */
function untilAborted<T>(execution: Promise<T>, signal: AbortSignal | undefined, onAbort: () => void): Promise<T> {
  if (signal === undefined) return execution;
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', abort, { once: true });
    execution.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

function interrupted(command: string, secrets: readonly string[]): DeployerError {
  return new DeployerError('interrupted', `Stopped while running: ${maskSecrets(command, secrets).split('\n')[0] ?? ''}`);
}
