import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * The advisory DNS check: does each domain point at the instance? A mismatch is
 * a warning, never a failure (a floating IP or a DNS change still propagating
 * is normal), but it explains why Let's Encrypt or clients fail.
 */

export interface DnsResolver {
  resolve4(domain: string): Promise<string[]>;
  resolve6(domain: string): Promise<string[]>;
}

export type DnsResult =
  | { readonly ok: true; readonly domain: string; readonly addresses: string[]; readonly message: string }
  | { readonly ok: false; readonly domain: string; readonly addresses: string[]; readonly problem: 'does-not-resolve' | 'resolves-elsewhere' | 'aborted'; readonly message: string; readonly fix: string };

export async function checkDns(domain: string, instanceAddress: string, options: { resolver?: DnsResolver; signal?: AbortSignal } = {}): Promise<DnsResult> {
  const resolver = options.resolver ?? systemResolver(options.signal);
  const [v4, v6] = await Promise.all([lookup(() => resolver.resolve4(domain)), lookup(() => resolver.resolve6(domain))]);
  const addresses = [...v4.addresses, ...v6.addresses];
  const family = isIP(instanceAddress) === 6 ? 6 : 4;
  const recordType = family === 6 ? 'AAAA' : 'A';
  const fix = `create a DNS ${recordType} record: ${domain} → ${instanceAddress}`;

  if (options.signal?.aborted) return { ok: false, domain, addresses, problem: 'aborted', message: `${domain}: cancelled`, fix };
  if (addresses.length === 0) {
    const error = v4.error ?? v6.error;
    return { ok: false, domain, addresses, problem: 'does-not-resolve', message: `${domain} does not resolve (expected ${instanceAddress})${error ? `: ${error}` : ''}`, fix };
  }
  const sameFamily = family === 6 ? v6.addresses : v4.addresses;
  const otherFamily = family === 6 ? v4.addresses : v6.addresses;
  if (!sameFamily.some((address) => sameIp(address, instanceAddress))) {
    return { ok: false, domain, addresses, problem: 'resolves-elsewhere', message: `${domain} resolves to ${addresses.join(', ')}, not to the instance (${instanceAddress})`, fix: `point the ${recordType} record of ${domain} at ${instanceAddress}` };
  }
  const note = otherFamily.length > 0 ? ` (and ${family === 6 ? 'A' : 'AAAA'} ${otherFamily.join(', ')}: make sure ${otherFamily.length === 1 ? 'it is' : 'they are'} the instance too)` : '';
  return { ok: true, domain, addresses, message: `${domain} resolves to ${instanceAddress}${note}` };
}

async function lookup(query: () => Promise<string[]>): Promise<{ addresses: string[]; error?: string }> {
  try {
    return { addresses: await query() };
  } catch (error) {
    return { addresses: [], error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  }
}

function systemResolver(signal: AbortSignal | undefined): DnsResolver {
  const resolver = new Resolver({ timeout: 5000, tries: 2 });
  signal?.addEventListener('abort', () => resolver.cancel(), { once: true });
  return resolver;
}

function sameIp(a: string, b: string): boolean {
  const normal = (address: string) => (isIP(address) === 6 ? new URL(`http://[${address}]/`).hostname : address);
  return normal(a) === normal(b);
}
