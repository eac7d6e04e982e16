// The part of the bittorrent-tracker server the tests use (the package ships no types).
declare module 'bittorrent-tracker/server' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:dgram';
  import type { Server as HttpServer } from 'node:http';

  interface ServerOptions {
    udp?: boolean;
    http?: boolean;
    ws?: boolean;
    stats?: boolean;
    /** Announce interval in milliseconds. */
    interval?: number;
    filter?: (infoHash: string, params: unknown, callback: (error?: Error | null) => void) => void;
  }

  export default class Server extends EventEmitter {
    constructor(options?: ServerOptions);
    udp: Socket;
    udp6: Socket;
    http: HttpServer;
    listen(port: number, onListening: () => void): void;
    close(onClosed?: () => void): void;
  }
}
