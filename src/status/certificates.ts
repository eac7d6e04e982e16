import { connect } from 'node:tls';
import type { CertificateInfo } from './snapshot.js';
import { isNoCertificateAlert, NO_CERTIFICATE_YET } from '../checks/http-get.js';

/**
 * The certificate a domain is served with, read from the instance's port 443
 * with the domain as SNI (pinned to the instance, like `test`, so it works
 * before DNS points there). Untrusted certificates are read too: their expiry
 * still matters, and `trusted` says whether the chain verified.
 */
export function readCertificate(domain: string, address: string, options: { timeoutMs: number; port?: number; ca?: string }): Promise<CertificateInfo> {
  const port = options.port ?? 443;
  const where = `${address.includes(':') ? `[${address}]` : address}:${port}`;
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, servername: domain, rejectUnauthorized: false, ...(options.ca === undefined ? {} : { ca: options.ca }) });
    const finish = (info: CertificateInfo) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(info);
    };
    const timer = setTimeout(() => finish({ domain, error: `no TLS answer from ${where} within ${options.timeoutMs / 1000} s` }), options.timeoutMs);
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      if (!certificate || Object.keys(certificate).length === 0) return finish({ domain, error: 'the server sent no certificate' });
      const expiresAt = Date.parse(certificate.valid_to);
      const issuer = certificate.issuer?.O ?? certificate.issuer?.CN;
      finish({
        domain,
        ...(Number.isNaN(expiresAt) ? {} : { expiresAt }),
        ...(issuer === undefined ? {} : { issuer: String(issuer) }),
        trusted: socket.authorized,
      });
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish({ domain, error: isNoCertificateAlert(error) ? `${where}: ${NO_CERTIFICATE_YET}` : `${where}: ${error.code ? `${error.code}: ` : ''}${error.message}` }),
    );
  });
}

/** Whole days from `now` to `expiresAt` (negative once expired). */
export function daysLeft(expiresAt: number, now: number): number {
  return Math.floor((expiresAt - now) / 86_400_000);
}
