import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';

/**
 * One GET over HTTP or HTTPS, with a timeout, a size cap, and optionally the
 * host pinned to an address (like `curl --resolve`): the TLS name and the Host
 * header stay the URL's domain while the TCP connection goes to the instance,
 * so HTTPS can be tested before DNS points at it.
 */

export interface HttpGetOptions {
  readonly signal?: AbortSignal;
  /** Default 10 s, as the Rust deployer's `test`. */
  readonly timeoutMs?: number;
  /** Connect here instead of resolving the URL's host. */
  readonly pinnedAddress?: string;
  /** Extra CA certificates (PEM) to trust, for example a lab's own CA. */
  readonly ca?: string | Buffer;
  /** Accept a certificate that does not verify (self-signed *.local, a staging CA). Off unless asked. */
  readonly acceptUntrusted?: boolean;
  readonly maxBytes?: number;
}

export type HttpFailureReason = 'timeout' | 'network' | 'tls' | 'aborted' | 'too-large';

export type HttpGetResult =
  | { readonly ok: true; readonly status: number; readonly contentType: string | undefined; readonly body: Buffer }
  | { readonly ok: false; readonly reason: HttpFailureReason; readonly message: string };

export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * Caddy answers the TLS handshake of a site it has no certificate for yet with an
 * internal_error alert: it is still obtaining one from the ACME CA, or failing to.
 */
export function isNoCertificateAlert(error: NodeJS.ErrnoException): boolean {
  // A TLS socket names the alert in its code; an HTTPS request reports EPROTO with the alert in its message.
  return error.code === 'ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR' || (error.code === 'EPROTO' && error.message.includes('alert internal error'));
}
export const NO_CERTIFICATE_YET = 'no certificate yet: Caddy is still obtaining one, or failing to (`ttd logs ENV caddy` says which; ttd status shows when it arrives)';

const TLS_ERROR_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export function httpGet(url: URL, options: HttpGetOptions = {}): Promise<HttpGetResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const requestOptions: RequestOptions = {
    method: 'GET',
    host: options.pinnedAddress ?? hostname,
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    path: `${url.pathname}${url.search}`,
    headers: { host: url.host, accept: 'application/json, text/plain, */*', 'user-agent': 'torrust-tracker-deployer' },
    agent: false,
    signal,
  };
  if (secure) {
    if (isIP(hostname) === 0) requestOptions.servername = hostname;
    if (options.ca !== undefined) requestOptions.ca = options.ca;
    requestOptions.rejectUnauthorized = options.acceptUntrusted !== true;
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const origin = options.pinnedAddress === undefined ? url.origin : `${url.origin} (at ${options.pinnedAddress})`;

  return new Promise((done) => {
    const failed = (error: NodeJS.ErrnoException) => {
      if (timeout.aborted) done({ ok: false, reason: 'timeout', message: `no answer from ${origin} within ${timeoutMs / 1000} s` });
      else if (signal.aborted) done({ ok: false, reason: 'aborted', message: `${url.origin}: cancelled` });
      else done(describeFailure(url, origin, requestOptions.port as number, error));
    };
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          response.destroy();
          done({ ok: false, reason: 'too-large', message: `${url.href} sent more than ${maxBytes} bytes` });
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => done({ ok: true, status: response.statusCode ?? 0, contentType: response.headers['content-type'], body: Buffer.concat(chunks) }));
      response.on('error', failed);
    };
    const request = secure ? httpsRequest(requestOptions, onResponse) : httpRequest(requestOptions, onResponse);
    request.on('error', failed);
    request.end();
  });
}

function describeFailure(url: URL, origin: string, port: number, error: NodeJS.ErrnoException): HttpGetResult {
  const code = error.code ?? '';
  if (isNoCertificateAlert(error)) return { ok: false, reason: 'tls', message: `${url.hostname}: ${NO_CERTIFICATE_YET}` };
  if (TLS_ERROR_CODES.has(code)) {
    return { ok: false, reason: 'tls', message: `the certificate of ${url.hostname} was not accepted (${code}: ${error.message})` };
  }
  if (code === 'ECONNREFUSED') {
    return { ok: false, reason: 'network', message: `connection to ${origin} refused: nothing listens on ${port}/tcp (is the service running?)` };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return { ok: false, reason: 'network', message: `cannot resolve ${url.hostname} (${code})` };
  }
  return { ok: false, reason: 'network', message: `${origin}: ${code ? `${code}: ` : ''}${error.message}` };
}
