import { generateKeyPairSync } from 'node:crypto';
import { afterEach } from 'vitest';
import type { Clock } from '../../../src/providers/hetzner/clock.js';
import { HetznerCloud } from '../../../src/providers/hetzner/cloud.js';
import type { HetznerHttpOptions } from '../../../src/providers/hetzner/http.js';
import { startHetznerApiStandIn, STAND_IN_TOKEN, type HetznerApiStandIn, type StandInOptions } from '../../stand-ins/hetzner-api/server.js';

/** A virtual clock: sleeping advances it at once and is recorded, so no test waits or asserts on wall time. */
export interface FakeClock extends Clock {
  readonly sleeps: number[];
}

export function fakeClock(start = Date.UTC(2026, 0, 15, 12)): FakeClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
      await Promise.resolve();
    },
  };
}

/** An OpenSSH ed25519 public key line, made fresh. */
export function newPublicKey(comment = 'tester@example'): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]).toString('base64')} ${comment}`;
}

export interface Harness {
  readonly standIn: HetznerApiStandIn;
  readonly clock: FakeClock;
  readonly cloud: HetznerCloud;
  readonly log: string[];
}

const running: HetznerApiStandIn[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((standIn) => standIn.close()));
});

/** A stand-in on loopback and a client talking to it, sharing one virtual clock. */
export async function harness(options: { standIn?: StandInOptions; client?: Partial<HetznerHttpOptions> } = {}): Promise<Harness> {
  const clock = fakeClock();
  const standIn = await startHetznerApiStandIn({ clock, ...options.standIn });
  running.push(standIn);
  const log: string[] = [];
  const cloud = new HetznerCloud({ token: STAND_IN_TOKEN, endpoint: standIn.url, clock, random: () => 0.5, log: (line) => log.push(line), ...options.client });
  return { standIn, clock, cloud, log };
}
