import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A real DNS server on loopback for tests: pebble-challtestsrv (Debian's `pebble`), with
 * no default answers, so a name resolves only once a test adds its record through the
 * management API. Nothing here ever asks a public resolver.
 */
export interface DnsServer {
  /** host:port, as `https.dns_resolvers` takes it. */
  readonly resolver: string;
  addA(host: string, addresses: readonly string[]): Promise<void>;
  addAAAA(host: string, addresses: readonly string[]): Promise<void>;
  clearA(host: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startDnsServer(): Promise<DnsServer> {
  for (let attempt = 1; ; attempt++) {
    const [dnsPort, managementPort] = [await freePort(), await freePort()];
    const child = spawn('pebble-challtestsrv', ['-defaultIPv4', '', '-defaultIPv6', '', '-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', `127.0.0.1:${managementPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const management = `http://127.0.0.1:${managementPort}`;
    if (await ready(child, management)) return server(child, `127.0.0.1:${dnsPort}`, management);
    child.kill();
    if (attempt === 3) throw new Error(`pebble-challtestsrv did not start: ${log}`);
  }
}

function server(child: ChildProcess, resolver: string, management: string): DnsServer {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${management}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`challtestsrv ${path}: HTTP ${response.status} ${await response.text()}`);
  };
  return {
    resolver,
    addA: (host, addresses) => post('/add-a', { host, addresses }),
    addAAAA: (host, addresses) => post('/add-aaaa', { host, addresses }),
    clearA: (host) => post('/clear-a', { host }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

async function ready(child: ChildProcess, management: string): Promise<boolean> {
  for (let i = 0; i < 50 && child.exitCode === null; i++) {
    // Any HTTP answer (this one is a 400 for the missing host) means it listens.
    const answered = await fetch(`${management}/clear-request-history`, { method: 'POST', body: '{}' }).then(() => true, () => false);
    if (answered) return true;
    await sleep(100);
  }
  return false;
}
