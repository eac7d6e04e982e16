import { randomBytes } from 'node:crypto';
import { decodeBencode, isDictionary, type BencodeDictionary, type BencodeValue } from './bencode.js';
import { peerFromBytes, type AnnounceEventName, type Peer } from './bep15.js';
import { httpGet, type HttpFailureReason, type HttpGetOptions } from './http-get.js';
import { randomPeerId } from './udp-announce.js';

/** HTTP tracker announce and scrape (BEP 3, compact peers BEP 23, scrape convention BEP 48). */

export interface HttpAnnounceOptions extends HttpGetOptions {
  readonly infoHash?: Buffer;
  readonly peerId?: Buffer;
  readonly peerPort?: number;
  readonly event?: Exclude<AnnounceEventName, 'none'>;
  readonly left?: number;
}

export type HttpTrackerFailureReason = 'failure-reason' | 'http-status' | 'protocol' | HttpFailureReason;

export interface HttpTrackerFailure {
  readonly ok: false;
  readonly reason: HttpTrackerFailureReason;
  readonly message: string;
}

export type HttpAnnounceResult =
  | { readonly ok: true; readonly interval: number; readonly complete: number | undefined; readonly incomplete: number | undefined; readonly peers: Peer[] }
  | HttpTrackerFailure;

export interface HttpScrapeFile {
  readonly infoHash: string;
  readonly complete: number;
  readonly downloaded: number;
  readonly incomplete: number;
}

export type HttpScrapeResult = { readonly ok: true; readonly files: HttpScrapeFile[] } | HttpTrackerFailure;

/** Percent-encodes raw bytes: info_hash and peer_id are binary, not text. */
export function encodeBytes(bytes: Buffer): string {
  let encoded = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9.\-_~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

export function announceUrlFor(announceUrl: URL, options: HttpAnnounceOptions = {}): URL {
  const query = [
    `info_hash=${encodeBytes(options.infoHash ?? randomBytes(20))}`,
    `peer_id=${encodeBytes(options.peerId ?? randomPeerId())}`,
    `port=${options.peerPort ?? 6881}`,
    'uploaded=0',
    'downloaded=0',
    `left=${options.left ?? 1}`,
    `event=${options.event ?? 'started'}`,
    'compact=1',
    'numwant=50',
  ].join('&');
  const url = new URL(announceUrl.href);
  url.search = url.search === '' ? `?${query}` : `${url.search}&${query}`;
  return url;
}

export async function httpAnnounce(announceUrl: URL, options: HttpAnnounceOptions = {}): Promise<HttpAnnounceResult> {
  const reply = await bencodedGet(announceUrlFor(announceUrl, options), options);
  if (!reply.ok) return reply;
  const { dictionary, where } = reply;
  const interval = dictionary['interval'];
  if (typeof interval !== 'number') return protocolError(where, 'the reply has no "interval"');
  const peers = [...peersOf(dictionary['peers'], 4), ...peersOf(dictionary['peers6'], 6)];
  if (peers.some((peer) => peer === undefined)) return protocolError(where, 'the peer list is malformed');
  return {
    ok: true,
    interval,
    complete: numberOrUndefined(dictionary['complete']),
    incomplete: numberOrUndefined(dictionary['incomplete']),
    peers: peers as Peer[],
  };
}

/** Scrape URL by the BEP 48 convention: the last path segment "announce" becomes "scrape". */
export function scrapeUrlFor(announceUrl: URL, infoHashes: readonly Buffer[]): URL | undefined {
  const segments = announceUrl.pathname.split('/');
  if (!segments.at(-1)?.startsWith('announce')) return undefined;
  const url = new URL(announceUrl.href);
  url.pathname = [...segments.slice(0, -1), segments.at(-1)!.replace(/^announce/, 'scrape')].join('/');
  const query = infoHashes.map((hash) => `info_hash=${encodeBytes(hash)}`).join('&');
  url.search = url.search === '' ? `?${query}` : `${url.search}&${query}`;
  return url;
}

export async function httpScrape(announceUrl: URL, infoHashes: readonly Buffer[], options: HttpGetOptions = {}): Promise<HttpScrapeResult> {
  const url = scrapeUrlFor(announceUrl, infoHashes);
  if (!url) return { ok: false, reason: 'protocol', message: `${announceUrl.href} does not end in /announce, so it has no scrape URL` };
  const reply = await bencodedGet(url, options);
  if (!reply.ok) return reply;
  const files = reply.dictionary['files'];
  if (!isDictionary(files)) return protocolError(reply.where, 'the reply has no "files" dictionary');
  const result: HttpScrapeFile[] = [];
  for (const hash of infoHashes) {
    // Keys are the raw 20-byte hashes, which decodeBencode reads as latin1.
    const entry = files[hash.toString('latin1')];
    if (!isDictionary(entry)) return protocolError(reply.where, `no entry for info hash ${hash.toString('hex')}`);
    result.push({
      infoHash: hash.toString('hex'),
      complete: numberOrUndefined(entry['complete']) ?? 0,
      downloaded: numberOrUndefined(entry['downloaded']) ?? 0,
      incomplete: numberOrUndefined(entry['incomplete']) ?? 0,
    });
  }
  return { ok: true, files: result };
}

async function bencodedGet(url: URL, options: HttpGetOptions): Promise<{ ok: true; dictionary: BencodeDictionary; where: string } | HttpTrackerFailure> {
  const where = `${url.origin}${url.pathname}`;
  const response = await httpGet(url, options);
  if (!response.ok) return response;
  let decoded: BencodeValue | undefined;
  try {
    decoded = decodeBencode(response.body);
  } catch {
    decoded = undefined;
  }
  // Trackers send "failure reason" with 200 or with an error status: either way it is the tracker's answer.
  if (isDictionary(decoded) && Buffer.isBuffer(decoded['failure reason'])) {
    return { ok: false, reason: 'failure-reason', message: `${where} refused: ${decoded['failure reason'].toString('utf8')}` };
  }
  if (response.status < 200 || response.status > 299) {
    return { ok: false, reason: 'http-status', message: `${where} answered HTTP ${response.status}${snippet(response.body)}` };
  }
  if (!isDictionary(decoded)) return protocolError(where, `the reply is not a bencoded dictionary${snippet(response.body)}`);
  return { ok: true, dictionary: decoded, where };
}

function peersOf(value: BencodeValue | undefined, family: 4 | 6): (Peer | undefined)[] {
  if (value === undefined) return [];
  if (Buffer.isBuffer(value)) {
    const entry = family === 4 ? 6 : 18;
    if (value.length % entry !== 0) return [undefined];
    const peers: Peer[] = [];
    for (let offset = 0; offset < value.length; offset += entry) {
      peers.push(peerFromBytes(value.subarray(offset, offset + entry), family));
    }
    return peers;
  }
  if (Array.isArray(value)) {
    return value.map((item) => {
      if (!isDictionary(item) || !Buffer.isBuffer(item['ip']) || typeof item['port'] !== 'number') return undefined;
      return { ip: item['ip'].toString('utf8'), port: item['port'] };
    });
  }
  return [undefined];
}

function numberOrUndefined(value: BencodeValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function protocolError(where: string, what: string): HttpTrackerFailure {
  return { ok: false, reason: 'protocol', message: `${where} answered, but not as a BitTorrent HTTP tracker: ${what}` };
}

function snippet(body: Buffer): string {
  const text = body.toString('utf8', 0, Math.min(body.length, 120)).replace(/\s+/g, ' ').trim();
  return text === '' ? '' : `: ${text}${body.length > 120 ? '…' : ''}`;
}
