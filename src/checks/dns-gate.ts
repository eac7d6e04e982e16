import { isIP } from 'node:net';
import { DeployerError } from '../domain/errors.js';

/**
 * The DNS gate: before Caddy asks the ACME CA for certificates, every HTTPS domain must
 * resolve to the instance, or each failed validation counts against the CA's limits
 * (Let's Encrypt: 5 per name per hour). The resolvers are asked directly: the system
 * resolver may hold a stale or negative answer for minutes.
 */

/** Cloudflare's and Google's public resolvers: answers the ACME CA will also see. */
export const DEFAULT_DNS_RESOLVERS: readonly string[] = ['1.1.1.1', '8.8.8.8'];

/** A resolver is an IP address, optionally with a port: 9.9.9.9, 127.0.0.1:8053, [::1]:53 or ::1. */
export function resolverProblem(value: string): string | undefined {
  if (isIP(value) !== 0) return undefined;
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:]+):(\d+)$/.exec(value);
  if (!match) return `"${value}" is not an IP address or IP:PORT`;
  const [, ip, port] = match;
  if (isIP(ip!) === 0) return `"${ip}" is not an IP address`;
  if (Number(port) < 1 || Number(port) > 65535) return `port ${port} is not between 1 and 65535`;
  return undefined;
}

export interface DomainAnswer {
  readonly domain: string;
  /** ok: every resolver answers with exactly the instance's address. */
  readonly state: 'ok' | 'missing' | 'elsewhere';
  /** What the resolvers answered (all of them, once each). */
  readonly addresses: readonly string[];
  /** Why a resolver gave no answer (timeout, refused), when one did not. */
  readonly unanswered?: string;
}

/** The record type that points a domain at this address. */
export function recordTypeOf(address: string): 'A' | 'AAAA' {
  return isIP(address) === 6 ? 'AAAA' : 'A';
}

/** Asks every resolver for each domain's A (or AAAA, for an IPv6 instance) records. */
export async function askResolvers(domains: readonly string[], address: string, resolvers: readonly string[], signal?: AbortSignal): Promise<DomainAnswer[]> {
  // Imported here, not at the top: this module is part of the config reader's chunk, and validate never asks DNS.
  const { Resolver } = await import('node:dns/promises');
  const clients = resolvers.map((server) => {
    const client = new Resolver({ timeout: 3000, tries: 2 });
    client.setServers([server]);
    signal?.addEventListener('abort', () => client.cancel(), { once: true });
    return { server, client };
  });
  const family = isIP(address) === 6 ? 6 : 4;
  const wanted = normalIp(address);
  return Promise.all(
    domains.map(async (domain) => {
      const answers = await Promise.all(clients.map(({ server, client }) => query(server, () => (family === 6 ? client.resolve6(domain) : client.resolve4(domain)))));
      const addresses = [...new Set(answers.flatMap((answer) => answer.addresses.map(normalIp)))];
      const unanswered = answers.map((answer) => answer.unanswered).filter((text) => text !== undefined);
      const everyResolverAgrees = answers.every((answer) => answer.addresses.length > 0 && answer.addresses.every((ip) => normalIp(ip) === wanted));
      const state = everyResolverAgrees ? 'ok' : addresses.some((ip) => ip !== wanted) ? 'elsewhere' : 'missing';
      return { domain, state, addresses, ...(unanswered.length > 0 ? { unanswered: unanswered.join('; ') } : {}) };
    }),
  );
}

/** NXDOMAIN and NODATA are answers (no record yet); a timeout or a refusal is not. */
async function query(server: string, ask: () => Promise<string[]>): Promise<{ addresses: string[]; unanswered?: string }> {
  try {
    return { addresses: await ask() };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { addresses: [] };
    return { addresses: [], unanswered: `no answer from ${server} (${code})` };
  }
}

function normalIp(address: string): string {
  return isIP(address) === 6 ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : address;
}

/** One line per domain that is not ready: what it resolves to now, and what it should. */
export function answerLine(answer: DomainAnswer, address: string): string {
  const type = recordTypeOf(address);
  const now =
    answer.state === 'elsewhere'
      ? `resolves to ${answer.addresses.join(', ')}, not to the instance's ${address}`
      : answer.addresses.length > 0
        ? `resolves to ${address} at some resolvers only`
        : `has no ${type} record yet (expected ${address})`;
  return `${answer.domain} ${now}${answer.unanswered ? ` (${answer.unanswered})` : ''}`;
}

export interface DnsGateRequest {
  readonly domains: readonly string[];
  readonly address: string;
  readonly resolvers: readonly string[];
  /** 0: ask once and fail at once when a domain is not ready. */
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
  readonly signal?: AbortSignal;
  /** The first time a domain is not ready (the records to create are worth showing then). */
  readonly onNotReady?: (answers: readonly DomainAnswer[]) => void;
  /** A progress line: which domains are still missing, and the time left. */
  readonly progress: (line: string) => void;
}

/** Waits until every domain resolves to the address at every resolver; throws dns.not_ready when the time is up. */
export async function waitForDns(request: DnsGateRequest): Promise<readonly DomainAnswer[]> {
  const { domains, address, resolvers, timeoutSeconds, intervalSeconds, signal } = request;
  const deadline = Date.now() + timeoutSeconds * 1000;
  const { setTimeout: sleep } = await import('node:timers/promises');
  let warned = false;
  for (;;) {
    const answers = await askResolvers(domains, address, resolvers, signal);
    if (signal?.aborted) throw new DeployerError('interrupted', 'interrupted while waiting for DNS');
    const waiting = answers.filter((answer) => answer.state !== 'ok');
    if (waiting.length === 0) return answers;
    if (!warned) request.onNotReady?.(waiting);
    warned = true;
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left < intervalSeconds) throw notReady(waiting, address, resolvers, timeoutSeconds);
    request.progress(`waiting for DNS (${clock(left)} left, asking ${resolvers.join(', ')}): ${waiting.map((answer) => answerLine(answer, address)).join('; ')}`);
    await sleep(intervalSeconds * 1000, undefined, signal ? { signal } : {}).catch(() => undefined);
  }
}

function notReady(waiting: readonly DomainAnswer[], address: string, resolvers: readonly string[], timeoutSeconds: number): DeployerError {
  const type = recordTypeOf(address);
  const after = timeoutSeconds === 0 ? 'and no --dns-wait was given' : `after waiting ${clock(timeoutSeconds)}`;
  return new DeployerError('dns.not_ready', `${waiting.length === 1 ? 'A domain does' : `${waiting.length} domains do`} not resolve to the instance (${address}) ${after}: ${waiting.map((answer) => answerLine(answer, address)).join('; ')}`, {
    where: `DNS, asked at ${resolvers.join(', ')}`,
    fix: `create (or correct) these records at your DNS provider: ${waiting.map((answer) => `${type} ${answer.domain} ${address}`).join(', ')}; then run the command again (add --dns-wait SECONDS to wait for them, or --skip-dns-wait if this DNS is split and you know the CA sees them)`,
    data: { address, domains: waiting.map(({ domain, state, addresses }) => ({ domain, state, addresses })) },
  });
}

function clock(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m ${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}
