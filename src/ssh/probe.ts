import { connect } from 'node:net';

/** Where a connection attempt got to: the TCP connect, the server's banner, or the SSH handshake. */
export type AttemptStage = 'tcp' | 'banner' | 'handshake';

export type ProbeResult =
  | { readonly ok: true; readonly banner: string }
  | { readonly ok: false; readonly stage: 'tcp' | 'banner'; readonly error: string };

const BANNER_LIMIT = 8192;

/**
 * Opens a TCP connection and waits for the `SSH-` identification line (RFC 4253 §4.2:
 * a server may send other lines first). A freshly booted host accepts TCP before its
 * sshd is ready, or resets connections while it restarts, so both steps are checked
 * before the (slow to time out) handshake is tried.
 */
export function probeSshBanner(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let stage: 'tcp' | 'banner' = 'tcp';
    let received = '';
    const socket = connect({ host, port });
    const finish = (result: ProbeResult) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => {
      finish({ ok: false, stage, error: stage === 'tcp' ? `no TCP answer within ${timeoutMs} ms` : `connected, but no SSH banner within ${timeoutMs} ms` });
    }, timeoutMs);
    socket.on('connect', () => {
      stage = 'banner';
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const banner = received.split(/\r?\n/).find((line, index, lines) => line.startsWith('SSH-') && index < lines.length - 1);
      if (banner !== undefined) finish({ ok: true, banner });
      else if (received.length > BANNER_LIMIT) finish({ ok: false, stage, error: 'the server sent data that is not an SSH banner' });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, stage, error: error.code ?? error.message }));
    socket.on('close', () => finish({ ok: false, stage, error: stage === 'tcp' ? 'connection closed' : 'connection closed before the SSH banner' }));
  });
}
