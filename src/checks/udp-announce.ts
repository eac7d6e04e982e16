import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import {
  announceRequest,
  connectRequest,
  parseReply,
  ProtocolError,
  scrapeRequest,
  type ActionName,
  type AnnounceEventName,
  type Peer,
  type Reply,
  type ScrapeCounts,
} from './bep15.js';

/**
 * A BEP 15 client for smoke checks: connect, then announce or scrape, over
 * IPv4 or IPv6. Retries are short (a smoke check, not a BitTorrent client that
 * waits 15 s × 2ⁿ) and every wait honours the caller's AbortSignal.
 */

export interface UdpTarget {
  readonly host: string;
  readonly port: number;
}

export interface RetryPolicy {
  /** How long to wait for each reply. */
  readonly timeoutMs: number;
  readonly tries: number;
}

export const DEFAULT_UDP_RETRY: RetryPolicy = { timeoutMs: 3000, tries: 3 };

export type AddressLookup = (host: string) => Promise<{ address: string; family: number }>;

export interface UdpOptions {
  readonly signal?: AbortSignal;
  readonly retry?: Partial<RetryPolicy>;
  /** Resolves a host name (default: the system resolver). */
  readonly lookup?: AddressLookup;
}

export interface UdpAnnounceOptions extends UdpOptions {
  /** Default: a random hash, so the check never touches a real swarm. */
  readonly infoHash?: Buffer;
  readonly peerId?: Buffer;
  /** The port announced for this peer; never 0 (Torrust rejects it). */
  readonly peerPort?: number;
  readonly event?: AnnounceEventName;
  /** Bytes left to download: 0 makes this peer a seeder. */
  readonly left?: bigint;
}

export type UdpFailureReason = 'error-reply' | 'timeout' | 'protocol' | 'network' | 'aborted';

export interface UdpFailure {
  readonly ok: false;
  readonly reason: UdpFailureReason;
  readonly message: string;
}

export type UdpAnnounceResult =
  | { readonly ok: true; readonly interval: number; readonly leechers: number; readonly seeders: number; readonly peers: Peer[] }
  | UdpFailure;

export type UdpScrapeResult = { readonly ok: true; readonly files: ScrapeCounts[] } | UdpFailure;

export function udpUrl(target: UdpTarget): string {
  return `udp://${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
}

export function randomPeerId(): Buffer {
  // Azureus-style client prefix: "-TD0001-" names this tool in tracker logs.
  return Buffer.concat([Buffer.from('-TD0001-'), randomBytes(12)]);
}

export async function udpAnnounce(target: UdpTarget, options: UdpAnnounceOptions = {}): Promise<UdpAnnounceResult> {
  return withTrackerSocket(target, options, async (exchange) => {
    const connectionId = await connectionIdOf(exchange);
    const reply = await exchange('announce', (transactionId) =>
      announceRequest({
        connectionId,
        transactionId,
        infoHash: options.infoHash ?? randomBytes(20),
        peerId: options.peerId ?? randomPeerId(),
        downloaded: 0n,
        left: options.left ?? 1n,
        uploaded: 0n,
        event: options.event ?? 'started',
        key: randomBytes(4).readUInt32BE(0),
        numWant: -1,
        port: options.peerPort ?? 6881,
      }),
    );
    return { ok: true, interval: reply.interval, leechers: reply.leechers, seeders: reply.seeders, peers: reply.peers };
  });
}

export async function udpScrape(target: UdpTarget, infoHashes: readonly Buffer[], options: UdpOptions = {}): Promise<UdpScrapeResult> {
  return withTrackerSocket(target, options, async (exchange) => {
    const connectionId = await connectionIdOf(exchange);
    const reply = await exchange('scrape', (transactionId) => scrapeRequest(connectionId, transactionId, infoHashes));
    if (reply.files.length !== infoHashes.length) {
      throw new ProtocolError(`scrape reply has ${reply.files.length} entries for ${infoHashes.length} info hashes`);
    }
    return { ok: true, files: reply.files };
  });
}

type ReplyTo<A extends ActionName> = Extract<Reply, { action: A }>;
type Exchange = <A extends ActionName>(expected: A, packetFor: (transactionId: number) => Buffer) => Promise<ReplyTo<A>>;

async function connectionIdOf(exchange: Exchange): Promise<Buffer> {
  return (await exchange('connect', connectRequest)).connectionId;
}

class Failure extends Error {
  constructor(readonly reason: UdpFailureReason, message: string) {
    super(message);
  }
}

async function withTrackerSocket<T extends { ok: true }>(target: UdpTarget, options: UdpOptions, body: (exchange: Exchange) => Promise<T>): Promise<T | UdpFailure> {
  const url = udpUrl(target);
  const retry = { ...DEFAULT_UDP_RETRY, ...options.retry };
  let socket: Socket | undefined;
  try {
    const address = await resolve(target.host, options.lookup ?? dnsLookup, url);
    socket = createSocket(address.family === 6 ? 'udp6' : 'udp4');
    const ready = socket;
    await new Promise<void>((done, fail) => {
      ready.once('error', fail);
      ready.bind(0, () => { ready.off('error', fail); done(); });
    });
    // Each exchange listens for errors while it waits; one arriving between exchanges has nobody to tell.
    ready.on('error', () => undefined);
    const exchange: Exchange = (expected, packetFor) =>
      exchangeWithRetries(ready, { ...address, port: target.port }, url, expected, packetFor, retry, options.signal);
    return await body(exchange);
  } catch (error) {
    if (error instanceof Failure) return { ok: false, reason: error.reason, message: error.message };
    if (error instanceof ProtocolError) return { ok: false, reason: 'protocol', message: `${url} answered, but not as a BitTorrent UDP tracker: ${error.message}` };
    return { ok: false, reason: 'network', message: `${url}: ${(error as Error).message}` };
  } finally {
    socket?.close();
  }
}

async function resolve(host: string, lookup: AddressLookup, url: string): Promise<{ address: string; family: 4 | 6 }> {
  const literal = isIP(host);
  if (literal !== 0) return { address: host, family: literal === 6 ? 6 : 4 };
  try {
    const found = await lookup(host);
    return { address: found.address, family: found.family === 6 ? 6 : 4 };
  } catch (error) {
    throw new Failure('network', `${url}: cannot resolve ${host} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * Sends a request and waits for the reply with the same transaction id,
 * resending after each timeout. Replies with another transaction id (late
 * answers to an earlier try, strays) are ignored; a reply that is not BEP 15
 * fails at once.
 */
function exchangeWithRetries<A extends ActionName>(
  socket: Socket,
  peer: { address: string; port: number },
  url: string,
  expected: A,
  packetFor: (transactionId: number) => Buffer,
  retry: RetryPolicy,
  signal: AbortSignal | undefined,
): Promise<ReplyTo<A>> {
  const family = isIP(peer.address) === 6 ? 6 : 4;
  const transactionId = randomBytes(4).readUInt32BE(0);
  const packet = packetFor(transactionId);
  return new Promise<ReplyTo<A>>((done, fail) => {
    let tries = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onMessage = (message: Buffer, from: RemoteInfo) => {
      if (from.port !== peer.port || !sameAddress(from.address, peer.address)) return;
      let reply: Reply;
      try {
        reply = parseReply(message, family);
      } catch (error) {
        finish(() => fail(error));
        return;
      }
      if (reply.transactionId !== transactionId) return;
      if (reply.action === 'error') {
        finish(() => fail(new Failure('error-reply', `${url} answered the ${expected} request with an error: ${reply.message || '(no message)'}`)));
      } else if (reply.action !== expected) {
        finish(() => fail(new ProtocolError(`expected a ${expected} reply, got ${reply.action}`)));
      } else {
        finish(() => done(reply as ReplyTo<A>));
      }
    };
    const onError = (error: Error) => finish(() => fail(new Failure('network', `${url}: ${error.message}`)));
    const onAbort = () => finish(() => fail(new Failure('aborted', `${url}: cancelled`)));
    const send = () => {
      if (tries === retry.tries) {
        const port = `${peer.port}/udp`;
        const step = expected === 'connect' ? '' : ` to the ${expected} request (connect succeeded)`;
        finish(() => fail(new Failure('timeout', `no answer from ${url}${step} after ${retry.tries} ${retry.tries === 1 ? 'try' : 'tries'} of ${seconds(retry.timeoutMs)}: is ${port} open in the firewall, and is the tracker running?`)));
        return;
      }
      tries++;
      socket.send(packet, peer.port, peer.address, (error) => {
        if (error) onError(error);
      });
      timer = setTimeout(send, retry.timeoutMs);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('message', onMessage);
    socket.on('error', onError);
    send();
  });
}

function sameAddress(a: string, b: string): boolean {
  const canonical = (address: string) => {
    const bare = address.replace(/^::ffff:(?=\d+\.)/i, '');
    return isIP(bare) === 6 ? new URL(`http://[${bare}]/`).hostname : bare;
  };
  return canonical(a) === canonical(b);
}

function seconds(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000} s` : `${milliseconds} ms`;
}
