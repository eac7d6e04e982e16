import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  /** PEM of a CA made for this test run: what a lab would pass as a CA bundle. */
  readonly ca: string;
  /** Key and certificate for `domain`, signed by the CA. */
  readonly key: string;
  readonly cert: string;
}

/** A throwaway CA and a server certificate for `domain`, made with openssl. */
export function makePki(domain: string): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'ttd-pki-'));
  const openssl = (...args: string[]) => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new Error(missing ? 'openssl is missing: the HTTPS tests make their certificates with it (apt-get install openssl; as root on Debian, npm test installs it)' : `openssl ${args[0]} failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`);
    }
  };
  try {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=ttd test CA');
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${domain}`);
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=DNS:${domain}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    return { ca: read('ca.pem'), key: read('server.key'), cert: read('server.pem') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
