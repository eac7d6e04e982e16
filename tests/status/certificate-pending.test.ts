// @module-tag needs-validators
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from '../../src/checks/http-get.js';
import { readCertificate } from '../../src/status/certificates.js';
import { freePort } from '../support/free-port.js';

/**
 * A real Caddy that cannot obtain its certificate (its ACME CA is a closed loopback port):
 * what `status` and `test` say about a site while Caddy is still obtaining one.
 */
const DOMAIN = 'pending.gate.test';
let caddy: ChildProcess;
let httpsPort: number;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ttd-caddy-pending-'));
  const [httpPort, tlsPort, closedPort] = [await freePort(), await freePort(), await freePort()];
  httpsPort = tlsPort;
  writeFileSync(join(dir, 'Caddyfile'), `{\n  admin off\n  acme_ca https://127.0.0.1:${closedPort}/dir\n  http_port ${httpPort}\n  https_port ${tlsPort}\n  storage file_system ${dir}/data\n}\n${DOMAIN} {\n  respond "hello"\n}\n`);
  caddy = spawn('caddy', ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], { stdio: 'ignore', env: { ...process.env, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } });
  for (let i = 0; i < 100; i++) {
    const listening = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(true));
      probe.listen(tlsPort, '127.0.0.1', () => probe.close(() => resolve(false)));
    });
    if (listening) return;
    await sleep(100);
  }
  throw new Error('caddy did not listen');
}, 30_000);

afterAll(() => {
  caddy?.kill();
});

describe('a site Caddy has no certificate for yet', () => {
  it('status: the certificate reads as still being obtained', async () => {
    const info = await readCertificate(DOMAIN, '127.0.0.1', { port: httpsPort, timeoutMs: 10_000 });
    expect(info.error).toContain('no certificate yet: Caddy is still obtaining one');
    expect(info.expiresAt).toBeUndefined();
  });

  it('test: an HTTPS check says the same, not a generic TLS error', async () => {
    const result = await httpGet(new URL(`https://${DOMAIN}:${httpsPort}/`), { pinnedAddress: '127.0.0.1', timeoutMs: 10_000 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toBe(`${DOMAIN}: no certificate yet: Caddy is still obtaining one, or failing to (\`ttd logs ENV caddy\` says which; ttd status shows when it arrives)`);
  });
});
