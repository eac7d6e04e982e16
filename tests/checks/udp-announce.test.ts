import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRequest, parseReply, PROTOCOL_ID } from '../../src/checks/bep15.js';
import { randomPeerId, udpAnnounce, udpScrape } from '../../src/checks/udp-announce.js';
import { startTracker, type RunningTracker } from './tracker.js';

/** For exchanges expected to succeed: generous, since a loaded CI machine may be slow (success returns at once anyway). */
const PATIENT = { timeoutMs: 2000, tries: 3 };
/** For exchanges expected to time out. */
const FAST = { timeoutMs: 200, tries: 2 };

/** A UDP socket on loopback that hands every datagram to `onMessage`. */
async function udpResponder(onMessage: (socket: Socket, message: Buffer, from: { address: string; port: number }) => void): Promise<{ port: number; received: Buffer[]; close: () => void }> {
  const socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (message, from) => {
    received.push(message);
    onMessage(socket, message, from);
  });
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
  return { port: socket.address().port, received, close: () => socket.close() };
}

describe('the BEP 15 packets', () => {
  it('writes the connect request with the protocol id, action 0 and the transaction id', () => {
    const packet = connectRequest(0xdeadbeef);
    expect(packet.length).toBe(16);
    expect(packet.readBigUInt64BE(0)).toBe(PROTOCOL_ID);
    expect(packet.readUInt32BE(8)).toBe(0);
    expect(packet.readUInt32BE(12)).toBe(0xdeadbeef);
  });

  it('reads IPv6 peer entries of 18 bytes in their short form', () => {
    const reply = Buffer.alloc(20 + 18);
    reply.writeUInt32BE(1, 0);
    reply.writeUInt32BE(7, 4);
    reply.writeUInt32BE(120, 8);
    Buffer.from('20010db8000000000000000000000001', 'hex').copy(reply, 20);
    reply.writeUInt16BE(6881, 36);
    expect(parseReply(reply, 6)).toMatchObject({ action: 'announce', transactionId: 7, interval: 120, peers: [{ ip: '2001:db8::1', port: 6881 }] });
    expect(() => parseReply(reply.subarray(0, 26), 6)).toThrow(/peer list of 6 bytes is not a multiple of 18/);
  });

  it('rejects a reply too short to hold an action and a transaction id', () => {
    expect(() => parseReply(Buffer.from('hi'), 4)).toThrow(/too short/);
  });
});

describe('UDP announce against a real BitTorrent tracker (bittorrent-tracker)', () => {
  let tracker: RunningTracker;
  beforeAll(async () => {
    tracker = await startTracker({ intervalSeconds: 600 });
  });
  afterAll(() => tracker.close());

  it('connects and announces over IPv4: the reply carries the interval and counts', async () => {
    const result = await udpAnnounce({ host: '127.0.0.1', port: tracker.udpPort }, { retry: PATIENT, peerPort: 40001 });
    // This tracker lists the announcing peer itself.
    expect(result).toEqual({ ok: true, interval: 600, leechers: 1, seeders: 0, peers: [{ ip: '127.0.0.1', port: 40001 }] });
  });

  it('connects and announces over IPv6', async () => {
    const result = await udpAnnounce({ host: '::1', port: tracker.udp6Port }, { retry: PATIENT, left: 0n });
    expect(result).toMatchObject({ ok: true, interval: 600, seeders: 1, leechers: 0 });
  });

  it('a second peer on the same torrent sees the first in the peer list, and scrape counts both', async () => {
    const infoHash = randomBytes(20);
    const target = { host: '127.0.0.1', port: tracker.udpPort };
    const seeder = await udpAnnounce(target, { retry: PATIENT, infoHash, peerId: randomPeerId(), peerPort: 51413, left: 0n });
    expect(seeder).toMatchObject({ ok: true, seeders: 1, leechers: 0 });

    const leecher = await udpAnnounce(target, { retry: PATIENT, infoHash, peerId: randomPeerId(), peerPort: 51414 });
    expect(leecher).toMatchObject({ ok: true, seeders: 1, leechers: 1 });
    expect(leecher.ok && leecher.peers).toContainEqual({ ip: '127.0.0.1', port: 51413 });

    const unknown = randomBytes(20);
    const scrape = await udpScrape(target, [infoHash, unknown], { retry: PATIENT });
    expect(scrape).toMatchObject({ ok: true, files: [{ seeders: 1, leechers: 1 }, { seeders: 0, leechers: 0 }] });
  });

  it('reports the tracker\'s error packet as its message (a refused torrent)', async () => {
    const refusing = await startTracker({ refuse: 'torrent not in the whitelist' });
    try {
      const result = await udpAnnounce({ host: '127.0.0.1', port: refusing.udpPort }, { retry: PATIENT });
      expect(result).toEqual({
        ok: false,
        reason: 'error-reply',
        message: `udp://127.0.0.1:${refusing.udpPort} answered the announce request with an error: torrent not in the whitelist`,
      });
    } finally {
      await refusing.close();
    }
  });
});

describe('UDP announce failures', () => {
  it('a closed port times out with a message naming the port and the firewall', async () => {
    const closed = await udpResponder(() => undefined);
    closed.close();
    const result = await udpAnnounce({ host: '127.0.0.1', port: closed.port }, { retry: FAST });
    expect(result).toEqual({
      ok: false,
      reason: 'timeout',
      message: `no answer from udp://127.0.0.1:${closed.port} after 2 tries of 200 ms: is ${closed.port}/udp open in the firewall, and is the tracker running?`,
    });
  });

  it('a silent listener gets exactly the configured number of tries', async () => {
    const silent = await udpResponder(() => undefined);
    try {
      const result = await udpAnnounce({ host: '127.0.0.1', port: silent.port }, { retry: { timeoutMs: 100, tries: 3 } });
      expect(result).toMatchObject({ ok: false, reason: 'timeout', message: expect.stringContaining('after 3 tries of 100 ms') });
      expect(silent.received).toHaveLength(3);
      expect(new Set(silent.received.map((packet) => packet.toString('hex'))).size).toBe(1);
    } finally {
      silent.close();
    }
  });

  it('a UDP echo server is not a tracker: a protocol error, at once', async () => {
    const echo = await udpResponder((socket, message, from) => socket.send(message, from.port, from.address));
    try {
      const result = await udpAnnounce({ host: '127.0.0.1', port: echo.port }, { retry: { timeoutMs: 10_000, tries: 3 } });
      expect(result).toMatchObject({ ok: false, reason: 'protocol' });
      expect(result.ok === false && result.message).toBe(`udp://127.0.0.1:${echo.port} answered, but not as a BitTorrent UDP tracker: reply action 1047 is not a BEP 15 action (0-3)`);
      expect(echo.received).toHaveLength(1);
    } finally {
      echo.close();
    }
  });

  it('ignores replies with another transaction id and retries after a lost packet', async () => {
    let connects = 0;
    const responder = await udpResponder((socket, message, from) => {
      const transactionId = message.readUInt32BE(12);
      const action = message.readUInt32BE(8);
      const reply = (packet: Buffer) => socket.send(packet, from.port, from.address);
      if (action === 0) {
        connects++;
        if (connects === 1) return; // the first connect request is lost
        const connect = (id: number) => Buffer.concat([u32(0), u32(id), Buffer.alloc(8, 7)]);
        reply(connect((transactionId + 1) >>> 0)); // a stray with another transaction id
        reply(connect(transactionId));
      } else {
        expect(message.subarray(0, 8)).toEqual(Buffer.alloc(8, 7));
        expect(message.readUInt16BE(96)).toBe(6881);
        reply(Buffer.concat([u32(1), u32(transactionId), u32(1800), u32(3), u32(4), Buffer.from([10, 0, 0, 1, 0x1a, 0xe1])]));
      }
    });
    try {
      const result = await udpAnnounce({ host: '127.0.0.1', port: responder.port }, { retry: { timeoutMs: 2000, tries: 3 } });
      expect(result).toEqual({ ok: true, interval: 1800, leechers: 3, seeders: 4, peers: [{ ip: '10.0.0.1', port: 6881 }] });
      expect(connects).toBe(2);
    } finally {
      responder.close();
    }
  });

  it('replies that only carry other transaction ids end in a timeout, not a success', async () => {
    const responder = await udpResponder((socket, message, from) => {
      socket.send(Buffer.concat([u32(0), u32((message.readUInt32BE(12) ^ 1) >>> 0), Buffer.alloc(8)]), from.port, from.address);
    });
    try {
      const result = await udpAnnounce({ host: '127.0.0.1', port: responder.port }, { retry: FAST });
      expect(result).toMatchObject({ ok: false, reason: 'timeout' });
    } finally {
      responder.close();
    }
  });

  it('stops waiting when the caller aborts', async () => {
    const silent = await udpResponder(() => undefined);
    const controller = new AbortController();
    try {
      const pending = udpAnnounce({ host: '127.0.0.1', port: silent.port }, { retry: { timeoutMs: 60_000, tries: 3 }, signal: controller.signal });
      await new Promise((done) => setTimeout(done, 50));
      controller.abort();
      expect(await pending).toEqual({ ok: false, reason: 'aborted', message: `udp://127.0.0.1:${silent.port}: cancelled` });
    } finally {
      silent.close();
    }
  });

  it('a host name that does not resolve is a network failure naming the host', async () => {
    const lookup = () => Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    const result = await udpAnnounce({ host: 'tracker.example.invalid', port: 6969 }, { retry: FAST, lookup });
    expect(result).toEqual({ ok: false, reason: 'network', message: 'udp://tracker.example.invalid:6969: cannot resolve tracker.example.invalid (ENOTFOUND)' });
  });
});

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}
