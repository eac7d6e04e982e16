import { createServer, type AddressInfo, type Server } from 'node:net';
import { httpGet, type HttpGetResult } from '../checks/http-get.js';
import { DeployerError } from '../domain/errors.js';
import type { RemoteHost } from '../run/ports.js';
import { remoteHostOf } from '../run/ssh-connector.js';
import type { ConnectOptions } from '../ssh/connect.js';
import { SshSession } from '../ssh/session.js';

/**
 * The host side of `status`: one SSH connection, opened on demand with the
 * environment's user, key and recorded host key, and given up the moment a
 * probe times out, so the next refresh connects afresh. Each connect is a
 * single attempt (the watch loop is the retry), and every call is bounded.
 */
export class StatusSshSource {
  private connection: SshSession | undefined;
  private connecting: Promise<SshSession> | undefined;
  private readonly forwards = new Map<string, Promise<{ server: Server; port: number }>>();
  private closed = false;

  constructor(private readonly options: Omit<ConnectOptions, 'connectDeadlineMs' | 'attemptTimeoutMs' | 'signal'>) {}

  /** Runs `read` on the host (connected on demand); rejects on a timeout, a lost connection or a failed connect. */
  async withHost<T>(timeoutMs: number, read: (remote: RemoteHost, signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.bounded(timeoutMs, async (signal) => read(remoteHostOf(await this.connect(timeoutMs, signal)), signal));
  }

  /** A GET to address:port from the host, through an SSH forward (a local listener per target, kept while the source lives). */
  async forwardedGet(address: string, port: number, pathAndQuery: string, timeoutMs: number): Promise<HttpGetResult> {
    const local = await this.bounded(timeoutMs, async (signal) => {
      await this.connect(timeoutMs, signal);
      return this.forward(address, port);
    });
    return httpGet(new URL(`http://127.0.0.1:${local}${pathAndQuery}`), { timeoutMs });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const forward of this.forwards.values()) await forward.then(({ server }) => new Promise((done) => server.close(done)), () => undefined);
    this.forwards.clear();
    this.drop();
  }

  private async connect(timeoutMs: number, signal: AbortSignal): Promise<SshSession> {
    if (this.closed) throw new Error('the status source is closed');
    if (this.connection) return this.connection;
    this.connecting ??= SshSession.open({ ...this.options, connectDeadlineMs: 1, attemptTimeoutMs: timeoutMs, signal })
      .then(async (connection) => {
        if (this.closed) {
          await connection.close();
          throw new Error('the status source is closed');
        }
        this.connection = connection;
        // A dead connection is noticed by ssh2 (keepalive, reset): connect again next time.
        connection.onClosed(() => {
          if (this.connection === connection) this.connection = undefined;
        });
        return connection;
      })
      .catch((error: unknown) => {
        throw new Error(sshFailure(error));
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  private forward(address: string, port: number): Promise<number> {
    const key = `${address}:${port}`;
    let forward = this.forwards.get(key);
    if (!forward) {
      forward = new Promise((resolve, reject) => {
        const server = createServer((socket) => {
          socket.on('error', () => undefined);
          const connection = this.connection;
          if (!connection) return socket.destroy();
          connection.forwardOut(address, port).then(
            (channel) => {
              channel.on('error', () => socket.destroy());
              socket.pipe(channel).pipe(socket);
            },
            () => socket.destroy(),
          );
        });
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port }));
      });
      this.forwards.set(key, forward);
    }
    return forward.then(({ port: local }) => local);
  }

  /** The task's result, or a rejection after `timeoutMs`; on a timeout the connection is dropped (it may be dead). */
  private bounded<T>(timeoutMs: number, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        controller.abort();
        this.drop();
        reject(new Error(`no answer over SSH within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      task(controller.signal).then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  private drop(): void {
    const connection = this.connection;
    this.connection = undefined;
    void connection?.close();
  }
}

function sshFailure(error: unknown): string {
  if (error instanceof DeployerError && error.code === 'ssh.unreachable') {
    const data = error.data as { stage?: string; last_error?: string } | undefined;
    return `SSH to ${error.where ?? 'the host'} failed at the ${data?.stage ?? 'connect'} step: ${data?.last_error ?? error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
