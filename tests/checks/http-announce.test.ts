import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BencodeError, decodeBencode } from '../../src/checks/bencode.js';
import { announceUrlFor, encodeBytes, httpAnnounce, httpScrape, scrapeUrlFor } from '../../src/checks/http-announce.js';
import { randomPeerId } from '../../src/checks/udp-announce.js';
import { startTracker, type RunningTracker } from './tracker.js';

describe('the bencode decoder', () => {
  it('decodes integers, byte strings, lists and dictionaries', () => {
    expect(decodeBencode(Buffer.from('i42e'))).toBe(42);
    expect(decodeBencode(Buffer.from('i-7e'))).toBe(-7);
    expect(decodeBencode(Buffer.from('4:spam'))).toEqual(Buffer.from('spam'));
    expect(decodeBencode(Buffer.from('0:'))).toEqual(Buffer.alloc(0));
    expect(decodeBencode(Buffer.from('l4:spami3ee'))).toEqual([Buffer.from('spam'), 3]);
    expect({ ...(decodeBencode(Buffer.from('d3:cow3:moo4:spaml1:a1:bee')) as object) }).toEqual({ cow: Buffer.from('moo'), spam: [Buffer.from('a'), Buffer.from('b')] });
  });

  it('keeps binary strings byte for byte', () => {
    const bytes = Buffer.from([0, 255, 10, 58, 101]);
    expect(decodeBencode(Buffer.concat([Buffer.from('5:'), bytes]))).toEqual(bytes);
  });

  it.each([
    ['', /unexpected end/],
    ['i12', /unterminated number/],
    ['i012e', /"012" is not an integer/],
    ['i-0e', /"-0" is not an integer/],
    ['5:abc', /runs past the end/],
    ['l1:a', /unexpected end|unterminated/],
    ['i1ei2e', /at byte 3: 3 trailing bytes/],
    ['x', /unexpected byte 0x78/],
    ['i99999999999999999999e', /too large/],
  ])('rejects %j', (input, message) => {
    expect(() => decodeBencode(Buffer.from(input))).toThrow(BencodeError);
    expect(() => decodeBencode(Buffer.from(input))).toThrow(message);
  });

  it('treats a "__proto__" key as data, not as the prototype', () => {
    const decoded = decodeBencode(Buffer.from('d9:__proto__d5:pwnedi1eee')) as Record<string, unknown>;
    expect(Object.keys(decoded)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['pwned']).toBeUndefined();
    expect((decoded as { pwned?: unknown }).pwned).toBeUndefined();
  });
});

describe('announce and scrape URLs', () => {
  it('percent-encodes info_hash and peer_id as raw bytes', () => {
    expect(encodeBytes(Buffer.from([0x00, 0x12, 0xab, 0xff, 0x41, 0x7e, 0x2d, 0x20, 0x25]))).toBe('%00%12%AB%FFA~-%20%25');
    const infoHash = Buffer.from('0123456789abcdef0123456789abcdef01234567', 'hex');
    const url = announceUrlFor(new URL('http://tracker.example.com:7070/announce'), { infoHash, peerId: Buffer.from('-TD0001-abcdefghijkl'), peerPort: 6881 });
    expect(url.search).toContain('info_hash=%01%23Eg%89%AB%CD%EF%01%23Eg%89%AB%CD%EF%01%23Eg');
    expect(url.search).toContain('peer_id=-TD0001-abcdefghijkl');
    expect(url.search).toContain('compact=1');
    expect(url.search).toContain('port=6881');
  });

  it('keeps a private tracker key in the path and derives the scrape URL (BEP 48)', () => {
    expect(scrapeUrlFor(new URL('http://t.example.com:7070/announce'), [Buffer.alloc(20, 1)])?.href).toBe(`http://t.example.com:7070/scrape?info_hash=${'%01'.repeat(20)}`);
    expect(scrapeUrlFor(new URL('https://t.example.com/announce/KEY123'), [Buffer.alloc(20, 1)])).toBeUndefined();
    expect(scrapeUrlFor(new URL('https://t.example.com/x/announce.php'), [Buffer.alloc(20, 2)])?.pathname).toBe('/x/scrape.php');
  });
});

describe('HTTP announce against a real BitTorrent tracker (bittorrent-tracker)', () => {
  let tracker: RunningTracker;
  beforeAll(async () => {
    tracker = await startTracker({ intervalSeconds: 900 });
  });
  afterAll(() => tracker.close());

  it('announces and decodes the bencoded reply: interval and counts', async () => {
    const result = await httpAnnounce(tracker.announceUrl, { peerPort: 40002 });
    expect(result).toMatchObject({ ok: true, interval: 900, complete: 0, incomplete: 1 });
  });

  it('a second peer sees the first in the compact peer list, and scrape counts both', async () => {
    // Hashes of bytes below 0x80: this tracker writes scrape keys as UTF-8 text, which
    // changes higher bytes (Torrust and BEP 48 use the raw 20 bytes, as the client expects).
    const asciiHash = () => Buffer.from(randomBytes(20).map((byte) => byte & 0x7f));
    const infoHash = asciiHash();
    const seeder = await httpAnnounce(tracker.announceUrl, { infoHash, peerId: randomPeerId(), peerPort: 51413, left: 0 });
    expect(seeder).toMatchObject({ ok: true, complete: 1, incomplete: 0 });
    const leecher = await httpAnnounce(tracker.announceUrl, { infoHash, peerId: randomPeerId(), peerPort: 51414 });
    expect(leecher).toMatchObject({ ok: true, complete: 1, incomplete: 1 });
    expect(leecher.ok && leecher.peers).toContainEqual({ ip: '127.0.0.1', port: 51413 });

    const unknown = asciiHash();
    const scrape = await httpScrape(tracker.announceUrl, [infoHash, unknown]);
    expect(scrape).toMatchObject({
      ok: true,
      files: [
        { infoHash: infoHash.toString('hex'), complete: 1, incomplete: 1 },
        { infoHash: unknown.toString('hex'), complete: 0, downloaded: 0, incomplete: 0 },
      ],
    });
  });

  it('a tracker\'s "failure reason" is a typed refusal carrying its text', async () => {
    const refusing = await startTracker({ refuse: 'unregistered torrent' });
    try {
      const result = await httpAnnounce(refusing.announceUrl);
      expect(result).toEqual({ ok: false, reason: 'failure-reason', message: `http://127.0.0.1:${refusing.httpPort}/announce refused: unregistered torrent` });
    } finally {
      await refusing.close();
    }
  });
});

describe('HTTP announce failures', () => {
  let server: Server;
  let base: string;
  const replies: Record<string, { status: number; body: string | Buffer }> = {
    '/not-found/announce': { status: 404, body: 'Not Found' },
    '/html/announce': { status: 200, body: '<html>welcome</html>' },
    '/no-interval/announce': { status: 200, body: 'd8:completei1ee' },
    '/bad-peers/announce': { status: 200, body: Buffer.concat([Buffer.from('d8:intervali60e5:peers5:'), Buffer.from([1, 2, 3, 4, 5]), Buffer.from('e')]) },
    '/refused-with-400/announce': { status: 400, body: 'd14:failure reason17:info_hash invalide' },
  };
  beforeAll(async () => {
    server = createServer((request, response) => {
      const reply = replies[new URL(request.url ?? '/', 'http://x').pathname] ?? { status: 500, body: '' };
      response.writeHead(reply.status).end(reply.body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it.each([
    ['/not-found/announce', 'http-status', 'answered HTTP 404: Not Found'],
    ['/html/announce', 'protocol', 'answered, but not as a BitTorrent HTTP tracker: the reply is not a bencoded dictionary: <html>welcome</html>'],
    ['/no-interval/announce', 'protocol', 'the reply has no "interval"'],
    ['/bad-peers/announce', 'protocol', 'the peer list is malformed'],
    ['/refused-with-400/announce', 'failure-reason', 'refused: info_hash invalid'],
  ])('%s → %s', async (path, reason, message) => {
    const result = await httpAnnounce(new URL(`${base}${path}`));
    expect(result).toMatchObject({ ok: false, reason });
    expect(result.ok === false && result.message).toContain(message);
  });

  it('a closed port is refused, naming the port', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const result = await httpAnnounce(new URL(`http://127.0.0.1:${port}/announce`));
    expect(result).toEqual({ ok: false, reason: 'network', message: `connection to http://127.0.0.1:${port} refused: nothing listens on ${port}/tcp (is the service running?)` });
  });
});
