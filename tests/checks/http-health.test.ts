import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHealth } from '../../src/checks/http-health.js';
import { makePki, type TestPki } from './certificates.js';

/** A domain that never resolves (RFC 2606 reserves .invalid): only the pin can reach the server. */
const DOMAIN = 'tracker.ttd-pinning.invalid';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const healthy: Handler = (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"Ok"}');
};

async function listen(server: Server): Promise<number> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  return new Promise((done) => server.close(() => done()));
}

describe('HTTPS health with the domain pinned to the instance address (like curl --resolve)', { tags: ['needs-openssl'] }, () => {
  let pki: TestPki;
  let server: Server;
  let port: number;
  const hosts: string[] = [];
  const serverNames: string[] = [];

  beforeAll(async () => {
    pki = makePki(DOMAIN);
    const https = createHttpsServer({ key: pki.key, cert: pki.cert }, (request, response) => {
      hosts.push(request.headers.host ?? '');
      healthy(request, response);
    });
    https.on('secureConnection', (socket) => serverNames.push(String((socket as { servername?: string }).servername)));
    server = https;
    port = await listen(server);
  });
  afterAll(() => close(server));

  const url = () => new URL(`https://${DOMAIN}:${port}/health_check`);

  it('passes with the test CA given as a CA bundle, sending the domain as TLS name and Host', async () => {
    const result = await checkHealth(url(), { pinnedAddress: '127.0.0.1', ca: pki.ca });
    expect(result).toEqual({ ok: true, status: 200, body: { status: 'Ok' } });
    expect(serverNames.at(-1)).toBe(DOMAIN);
    expect(hosts.at(-1)).toBe(`${DOMAIN}:${port}`);
  });

  it('refuses the certificate when nobody asked to trust it', async () => {
    const result = await checkHealth(url(), { pinnedAddress: '127.0.0.1' });
    expect(result).toMatchObject({ ok: false, reason: 'tls' });
    expect(result.ok === false && result.message).toMatch(new RegExp(`^the certificate of ${DOMAIN.replace(/\./g, '\\.')} was not accepted \\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)`));
  });

  it('accepts it when asked to (a *.local domain, the staging CA)', async () => {
    expect(await checkHealth(url(), { pinnedAddress: '127.0.0.1', acceptUntrusted: true })).toMatchObject({ ok: true, status: 200 });
  });

  it('still checks the name: the CA does not make a certificate for another domain acceptable', async () => {
    const other = new URL(`https://api.ttd-pinning.invalid:${port}/api/health_check`);
    const result = await checkHealth(other, { pinnedAddress: '127.0.0.1', ca: pki.ca });
    expect(result).toMatchObject({ ok: false, reason: 'tls', message: expect.stringContaining('ERR_TLS_CERT_ALTNAME_INVALID') });
  });

  it('a refused connection names the pinned address it went to', async () => {
    const closed = createHttpServer();
    const closedPort = await listen(closed);
    await close(closed);
    const result = await checkHealth(new URL(`https://${DOMAIN}:${closedPort}/health_check`), { pinnedAddress: '127.0.0.1', ca: pki.ca });
    expect(result).toEqual({ ok: false, reason: 'network', message: `connection to https://${DOMAIN}:${closedPort} (at 127.0.0.1) refused: nothing listens on ${closedPort}/tcp (is the service running?)` });
  });

  it('without the pin the domain does not resolve, so the pin is what reaches the server', async () => {
    const result = await checkHealth(url(), { ca: pki.ca });
    expect(result).toMatchObject({ ok: false, reason: 'network', message: expect.stringMatching(new RegExp(`^cannot resolve ${DOMAIN.replace(/\./g, '\\.')} \\((ENOTFOUND|EAI_AGAIN)\\)$`)) });
  });
});

describe('HTTP health replies', () => {
  let server: HttpServer;
  let base: string;
  const routes: Record<string, Handler> = {
    '/ok': healthy,
    '/grafana': (_request, response) => response.writeHead(200).end('{"database":"ok","version":"12.0.0"}'),
    '/error-status': (_request, response) => response.writeHead(200).end('{"status":"Error","message":"udp tracker down"}'),
    '/500': (_request, response) => response.writeHead(500).end('unhandled rejection'),
    '/page': (_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Welcome to Caddy</h1>'),
    '/hang': () => undefined,
  };
  beforeAll(async () => {
    server = createHttpServer((request, response) => (routes[request.url ?? ''] ?? healthy)(request, response));
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return close(server);
  });

  it('a JSON body without "status" is healthy when the reply is 2xx (Grafana)', async () => {
    expect(await checkHealth(new URL(`${base}/grafana`))).toEqual({ ok: true, status: 200, body: { database: 'ok', version: '12.0.0' } });
  });

  it('"status" other than Ok is unhealthy, with the body in the message', async () => {
    expect(await checkHealth(new URL(`${base}/error-status`))).toEqual({
      ok: false,
      reason: 'unhealthy',
      status: 200,
      message: `${base}/error-status reports status "Error": {"status":"Error","message":"udp tracker down"}`,
    });
  });

  it('a non-2xx status fails with the status and the body', async () => {
    expect(await checkHealth(new URL(`${base}/500`))).toMatchObject({ ok: false, reason: 'http-status', status: 500, message: `${base}/500 answered HTTP 500: unhandled rejection` });
  });

  it('a 200 that is not a JSON health report is not healthy (a default page)', async () => {
    expect(await checkHealth(new URL(`${base}/page`))).toEqual({
      ok: false,
      reason: 'not-json',
      status: 200,
      message: `${base}/page answered HTTP 200, but not with a JSON health report: <h1>Welcome to Caddy</h1>`,
    });
  });

  it('a server that never answers times out with the limit in the message', async () => {
    expect(await checkHealth(new URL(`${base}/hang`), { timeoutMs: 200 })).toEqual({ ok: false, reason: 'timeout', message: `no answer from ${base} within 0.2 s` });
  });

  it('a caller\'s abort is reported as such, not as a timeout', async () => {
    const controller = new AbortController();
    const pending = checkHealth(new URL(`${base}/hang`), { timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toEqual({ ok: false, reason: 'aborted', message: `${base}: cancelled` });
  });
});
