import type { AddressInfo } from 'node:net';
import Server from 'bittorrent-tracker/server';

/** A real BitTorrent tracker (the bittorrent-tracker package) on loopback, UDP and HTTP, on free ports. */
export interface RunningTracker {
  readonly udpPort: number;
  readonly udp6Port: number;
  readonly httpPort: number;
  readonly announceUrl: URL;
  close(): Promise<void>;
}

export function startTracker(options: { intervalSeconds?: number; refuse?: string } = {}): Promise<RunningTracker> {
  const server = new Server({
    udp: true,
    http: true,
    ws: false,
    stats: false,
    interval: (options.intervalSeconds ?? 600) * 1000,
    ...(options.refuse === undefined ? {} : { filter: (_hash, _params, callback) => callback(new Error(options.refuse)) }),
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    // No hostname: with '127.0.0.1' the package also binds its UDP6 socket to it and fails (LAB.md §7).
    server.listen(0, () => {
      const httpPort = (server.http.address() as AddressInfo).port;
      done({
        udpPort: server.udp.address().port,
        udp6Port: server.udp6.address().port,
        httpPort,
        announceUrl: new URL(`http://127.0.0.1:${httpPort}/announce`),
        close: () => new Promise((closed) => server.close(() => closed())),
      });
    });
  });
}
