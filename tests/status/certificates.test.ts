// @module-tag needs-openssl
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { createServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysLeft, readCertificate } from '../../src/status/certificates.js';
import { makePki, type TestPki } from '../checks/certificates.js';

let pki: TestPki;
let tls: TlsServer;
let silent: Server;
const servernames: string[] = [];
const portOf = (server: { address(): unknown }) => (server.address() as AddressInfo).port;

beforeAll(async () => {
  pki = makePki('tracker.example.test');
  tls = createServer({
    key: pki.key,
    cert: pki.cert,
    SNICallback: (servername, done) => {
      servernames.push(servername);
      done(null);
    },
  }, (socket) => socket.end());
  tls.on('tlsClientError', () => undefined);
  silent = createTcpServer(() => undefined);
  await Promise.all([new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve)), new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))]);
});

afterAll(() => {
  tls?.close();
  silent?.close();
});

describe('readCertificate', () => {
  it('reads the expiry and issuer of the certificate served for the domain (SNI), pinned to the address', async () => {
    const info = await readCertificate('tracker.example.test', '127.0.0.1', { port: portOf(tls), timeoutMs: 5000, ca: pki.ca });
    expect(info).toMatchObject({ domain: 'tracker.example.test', trusted: true, issuer: 'ttd test CA' });
    expect(servernames.at(-1)).toBe('tracker.example.test');
    // makePki's certificate is valid for 2 days from now.
    expect(daysLeft(info.expiresAt ?? 0, Date.now())).toBeGreaterThanOrEqual(1);
    expect(daysLeft(info.expiresAt ?? 0, Date.now())).toBeLessThanOrEqual(2);
  });

  it('still reads a certificate this machine does not trust, and says so', async () => {
    const info = await readCertificate('tracker.example.test', '127.0.0.1', { port: portOf(tls), timeoutMs: 5000 });
    expect(info.trusted).toBe(false);
    expect(info.expiresAt).toBeTypeOf('number');
  });

  it('gives an error instead of an expiry when nothing speaks TLS there', async () => {
    expect(await readCertificate('tracker.example.test', '127.0.0.1', { port: portOf(silent), timeoutMs: 300 })).toEqual({ domain: 'tracker.example.test', error: `no TLS answer from 127.0.0.1:${portOf(silent)} within 0.3 s` });
  });
});
