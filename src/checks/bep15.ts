/**
 * BEP 15 (UDP tracker protocol) packets, big-endian throughout. Pure functions:
 * the socket, retries and timeouts live in udp-announce.ts.
 */

export const PROTOCOL_ID = 0x41727101980n;

export const Action = { connect: 0, announce: 1, scrape: 2, error: 3 } as const;
export type ActionName = keyof typeof Action;

export const AnnounceEvent = { none: 0, completed: 1, started: 2, stopped: 3 } as const;
export type AnnounceEventName = keyof typeof AnnounceEvent;

export interface Peer {
  readonly ip: string;
  readonly port: number;
}

export interface AnnounceRequest {
  readonly connectionId: Buffer;
  readonly transactionId: number;
  readonly infoHash: Buffer;
  readonly peerId: Buffer;
  readonly downloaded: bigint;
  readonly left: bigint;
  readonly uploaded: bigint;
  readonly event: AnnounceEventName;
  readonly key: number;
  readonly numWant: number;
  /** Torrust rejects port 0. */
  readonly port: number;
}

export type Reply =
  | { readonly action: 'connect'; readonly transactionId: number; readonly connectionId: Buffer }
  | { readonly action: 'announce'; readonly transactionId: number; readonly interval: number; readonly leechers: number; readonly seeders: number; readonly peers: Peer[] }
  | { readonly action: 'scrape'; readonly transactionId: number; readonly files: ScrapeCounts[] }
  | { readonly action: 'error'; readonly transactionId: number; readonly message: string };

export interface ScrapeCounts {
  readonly seeders: number;
  readonly completed: number;
  readonly leechers: number;
}

/** A reply that is not BEP 15 at all (wrong size, unknown action): the port answers, but not as a tracker. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

export function connectRequest(transactionId: number): Buffer {
  const packet = Buffer.alloc(16);
  packet.writeBigUInt64BE(PROTOCOL_ID, 0);
  packet.writeUInt32BE(Action.connect, 8);
  packet.writeUInt32BE(transactionId, 12);
  return packet;
}

export function announceRequest(request: AnnounceRequest): Buffer {
  if (request.connectionId.length !== 8) throw new RangeError('connection id must be 8 bytes');
  if (request.infoHash.length !== 20 || request.peerId.length !== 20) throw new RangeError('info_hash and peer_id must be 20 bytes');
  const packet = Buffer.alloc(98);
  request.connectionId.copy(packet, 0);
  packet.writeUInt32BE(Action.announce, 8);
  packet.writeUInt32BE(request.transactionId, 12);
  request.infoHash.copy(packet, 16);
  request.peerId.copy(packet, 36);
  packet.writeBigUInt64BE(request.downloaded, 56);
  packet.writeBigUInt64BE(request.left, 64);
  packet.writeBigUInt64BE(request.uploaded, 72);
  packet.writeUInt32BE(AnnounceEvent[request.event], 80);
  packet.writeUInt32BE(0, 84); // IP 0: the tracker uses the sender's address
  packet.writeUInt32BE(request.key, 88);
  packet.writeInt32BE(request.numWant, 92);
  packet.writeUInt16BE(request.port, 96);
  return packet;
}

export function scrapeRequest(connectionId: Buffer, transactionId: number, infoHashes: readonly Buffer[]): Buffer {
  if (infoHashes.length === 0 || infoHashes.length > 74) throw new RangeError('scrape takes 1 to 74 info hashes');
  const packet = Buffer.alloc(16 + 20 * infoHashes.length);
  connectionId.copy(packet, 0);
  packet.writeUInt32BE(Action.scrape, 8);
  packet.writeUInt32BE(transactionId, 12);
  infoHashes.forEach((hash, index) => hash.copy(packet, 16 + 20 * index));
  return packet;
}

/**
 * Decodes a tracker reply. `family` is the socket's: over IPv6, peers are
 * 18-byte entries (16-byte address, port) instead of 6.
 */
export function parseReply(packet: Buffer, family: 4 | 6): Reply {
  if (packet.length < 8) throw new ProtocolError(`reply of ${packet.length} bytes is too short for BEP 15 (at least 8)`);
  const action = packet.readUInt32BE(0);
  const transactionId = packet.readUInt32BE(4);
  switch (action) {
    case Action.connect:
      if (packet.length < 16) throw new ProtocolError(`connect reply of ${packet.length} bytes (expected 16)`);
      return { action: 'connect', transactionId, connectionId: Buffer.from(packet.subarray(8, 16)) };
    case Action.announce: {
      if (packet.length < 20) throw new ProtocolError(`announce reply of ${packet.length} bytes (expected at least 20)`);
      const entry = family === 4 ? 6 : 18;
      if ((packet.length - 20) % entry !== 0) throw new ProtocolError(`announce reply peer list of ${packet.length - 20} bytes is not a multiple of ${entry}`);
      const peers: Peer[] = [];
      for (let offset = 20; offset < packet.length; offset += entry) peers.push(peerFromBytes(packet.subarray(offset, offset + entry), family));
      return { action: 'announce', transactionId, interval: packet.readInt32BE(8), leechers: packet.readInt32BE(12), seeders: packet.readInt32BE(16), peers };
    }
    case Action.scrape: {
      if ((packet.length - 8) % 12 !== 0) throw new ProtocolError(`scrape reply of ${packet.length} bytes is not 8 + 12n`);
      const files: ScrapeCounts[] = [];
      for (let offset = 8; offset < packet.length; offset += 12) {
        files.push({ seeders: packet.readInt32BE(offset), completed: packet.readInt32BE(offset + 4), leechers: packet.readInt32BE(offset + 8) });
      }
      return { action: 'scrape', transactionId, files };
    }
    case Action.error:
      return { action: 'error', transactionId, message: packet.subarray(8).toString('utf8').replace(/\0+$/, '') };
    default:
      throw new ProtocolError(`reply action ${action} is not a BEP 15 action (0-3)`);
  }
}

/** A compact peer entry: 4 or 16 address bytes, then a 2-byte port. */
export function peerFromBytes(entry: Buffer, family: 4 | 6): Peer {
  const size = family === 4 ? 4 : 16;
  const address = entry.subarray(0, size);
  const port = entry.readUInt16BE(size);
  if (family === 4) return { ip: [...address].join('.'), port };
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) groups.push(address.readUInt16BE(index).toString(16));
  // URL gives the RFC 5952 form ("::1", not "0:0:0:0:0:0:0:1").
  return { ip: new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1), port };
}
