import type { EnvironmentConfig } from '../config/schema.js';
import { topologyOf, type Endpoint, type KeyPath } from '../domain/topology.js';
import { GRAFANA_PORT } from '../stack/grafana.js';
import { configuredDomains } from '../domain/dns-records.js';
import { checkDns, type DnsResolver } from './dns.js';
import { httpAnnounce } from './http-announce.js';
import type { HttpGetOptions } from './http-get.js';
import { checkHealth } from './http-health.js';
import { udpAnnounce, type AddressLookup, type RetryPolicy } from './udp-announce.js';

/**
 * The checks `test` runs from the operator's machine, derived from the config
 * (so names, ports and domains follow it), and a runner for them. Requests go
 * to the instance address; HTTPS keeps the domain for TLS and Host but is
 * pinned to the instance, so a site is tested even before its DNS is right.
 * DNS itself is a separate, advisory check.
 */

export type SmokeCheckKind = 'udp-announce' | 'http-health' | 'http-announce' | 'dns';

export interface SmokeCheck {
  readonly title: string;
  readonly kind: SmokeCheckKind;
  /** What is checked, as the user knows it: the announce or health URL, or the domain for DNS. */
  readonly target: string;
  /** The instance address the request goes to. */
  readonly address: string;
  /** The config section the check comes from. */
  readonly key: KeyPath;
  /** A failure is reported as a warning and does not fail `test`. */
  readonly advisory: boolean;
  /** Why an unverifiable certificate is accepted (a *.local domain, the staging CA), when it is. */
  readonly untrustedCertificate?: string;
  /** A private tracker refuses an unknown peer: that refusal proves it answers. */
  readonly refusalPasses: boolean;
}

export type SmokeStatus = 'pass' | 'fail' | 'warn';

export interface SmokeResult {
  readonly check: SmokeCheck;
  readonly status: SmokeStatus;
  readonly message: string;
  readonly fix?: string;
}

export function smokeChecks(config: EnvironmentConfig, address: string): SmokeCheck[] {
  const topology = topologyOf(config);
  const host = address.includes(':') ? `[${address}]` : address;
  const refusalPasses = config.tracker.core.private;
  const untrusted = (domain: string): string | undefined =>
    domain.endsWith('.local') ? 'a *.local domain has a self-signed certificate'
    : config.https?.use_staging ? 'the Let\'s Encrypt staging CA is not trusted by design'
    : undefined;
  const check = (fields: Omit<SmokeCheck, 'address' | 'advisory' | 'refusalPasses'> & Partial<Pick<SmokeCheck, 'advisory' | 'refusalPasses'>>): SmokeCheck => {
    const { untrustedCertificate, ...rest } = fields;
    return { address, advisory: false, refusalPasses: false, ...rest, ...(untrustedCertificate === undefined ? {} : { untrustedCertificate }) };
  };
  /** The base URL an HTTP endpoint is reached at, or undefined when it is internal only. */
  const baseOf = (endpoint: Endpoint): { base: string; untrustedCertificate?: string } | undefined => {
    if (endpoint.tls && endpoint.domain) {
      const reason = untrusted(endpoint.domain);
      return { base: `https://${endpoint.domain}`, ...(reason === undefined ? {} : { untrustedCertificate: reason }) };
    }
    return endpoint.published ? { base: `http://${host}:${endpoint.port}` } : undefined;
  };

  const checks: SmokeCheck[] = [];
  for (const udp of topology.udpTrackers) {
    checks.push(check({ title: `${udp.label}: announce`, kind: 'udp-announce', target: `udp://${udp.domain ?? host}:${udp.port}/announce`, key: udp.key, refusalPasses }));
  }
  for (const tracker of topology.httpTrackers) {
    const reach = baseOf(tracker);
    if (!reach) continue;
    const { base, ...tls } = reach;
    checks.push(check({ title: `${tracker.label}: health`, kind: 'http-health', target: `${base}/health_check`, key: tracker.key, ...tls }));
    checks.push(check({ title: `${tracker.label}: announce`, kind: 'http-announce', target: `${base}/announce`, key: tracker.key, refusalPasses, ...tls }));
  }
  const api = baseOf(topology.httpApi);
  if (api) {
    const { base, ...tls } = api;
    checks.push(check({ title: 'HTTP API: health', kind: 'http-health', target: `${base}/api/health_check`, key: topology.httpApi.key, ...tls }));
  }
  const healthCheckApi = baseOf(topology.healthCheckApi);
  if (healthCheckApi) {
    const { base, ...tls } = healthCheckApi;
    checks.push(check({ title: 'Health check API: health', kind: 'http-health', target: `${base}/health_check`, key: topology.healthCheckApi.key, ...tls }));
  }
  if (config.grafana) {
    const { domain, use_tls_proxy: tls } = config.grafana;
    if (tls && domain) {
      const reason = untrusted(domain);
      checks.push(check({ title: 'Grafana: health', kind: 'http-health', target: `https://${domain}/api/health`, key: ['grafana'], ...(reason === undefined ? {} : { untrustedCertificate: reason }) }));
    } else {
      checks.push(check({ title: 'Grafana: health', kind: 'http-health', target: `http://${host}:${GRAFANA_PORT}/api/health`, key: ['grafana'] }));
    }
  }
  for (const { domain, key } of configuredDomains(config)) {
    checks.push(check({ title: `DNS: ${domain}`, kind: 'dns', target: domain, key, advisory: true }));
  }
  return checks;
}

export interface SmokeRunOptions {
  readonly signal?: AbortSignal;
  /** How many checks run at once. */
  readonly concurrency?: number;
  readonly udpRetry?: Partial<RetryPolicy>;
  readonly httpTimeoutMs?: number;
  /** Extra CA certificates (PEM) to trust for HTTPS, for example a lab's own CA. */
  readonly ca?: string | Buffer;
  readonly resolver?: DnsResolver;
  readonly lookup?: AddressLookup;
  /** Called as each check finishes (for live output). */
  readonly onResult?: (result: SmokeResult) => void;
  /** Runs one check (default runSmokeCheck); replaced in tests of the scheduling. */
  readonly runCheck?: (check: SmokeCheck, options: SmokeRunOptions) => Promise<SmokeResult>;
}

export interface SmokeSummary {
  readonly passed: number;
  readonly failed: number;
  readonly warned: number;
  /** True when no check failed; advisory warnings do not count. */
  readonly ok: boolean;
}

export function summarizeSmoke(results: readonly SmokeResult[]): SmokeSummary {
  const countOf = (status: SmokeStatus) => results.filter((result) => result.status === status).length;
  const failed = countOf('fail');
  return { passed: countOf('pass'), failed, warned: countOf('warn'), ok: failed === 0 };
}

/** Runs the checks, at most `concurrency` at a time; results come back in the checks' order. */
export async function runSmokeChecks(checks: readonly SmokeCheck[], options: SmokeRunOptions = {}): Promise<SmokeResult[]> {
  const results: SmokeResult[] = new Array<SmokeResult>(checks.length);
  let next = 0;
  const worker = async () => {
    while (next < checks.length) {
      const index = next++;
      const result = await (options.runCheck ?? runSmokeCheck)(checks[index]!, options);
      results[index] = result;
      options.onResult?.(result);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, checks.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

export async function runSmokeCheck(check: SmokeCheck, options: SmokeRunOptions = {}): Promise<SmokeResult> {
  const signal = options.signal;
  const http: HttpGetOptions = {
    pinnedAddress: check.address,
    acceptUntrusted: check.untrustedCertificate !== undefined,
    ...(signal === undefined ? {} : { signal }),
    ...(options.httpTimeoutMs === undefined ? {} : { timeoutMs: options.httpTimeoutMs }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  };
  const certificateNote = check.untrustedCertificate ? ` (certificate not verified: ${check.untrustedCertificate})` : '';
  const pass = (message: string): SmokeResult => ({ check, status: 'pass', message });
  const fail = (message: string, fix?: string): SmokeResult => ({ check, status: check.advisory ? 'warn' : 'fail', message, ...(fix === undefined ? {} : { fix }) });

  switch (check.kind) {
    case 'udp-announce': {
      const port = Number(new URL(check.target).port);
      const result = await udpAnnounce(
        { host: check.address, port },
        { ...(signal === undefined ? {} : { signal }), ...(options.udpRetry === undefined ? {} : { retry: options.udpRetry }), ...(options.lookup === undefined ? {} : { lookup: options.lookup }) },
      );
      if (result.ok) return pass(`announce answered: interval ${result.interval} s, ${count(result.seeders, 'seeder')}, ${count(result.leechers, 'leecher')}, ${count(result.peers.length, 'peer')}`);
      if (result.reason === 'error-reply' && check.refusalPasses) return pass(`the private tracker answered and refused the unknown test peer, as it should (${result.message})`);
      return fail(result.message, result.reason === 'timeout' ? `open ${port}/udp in every firewall in front of the instance (ufw and the cloud provider's), and check the tracker container is running` : undefined);
    }
    case 'http-announce': {
      const result = await httpAnnounce(new URL(check.target), http);
      if (result.ok) return pass(`announce answered: interval ${result.interval} s, ${count(result.complete, 'seeder')}, ${count(result.incomplete, 'leecher')}, ${count(result.peers.length, 'peer')}${certificateNote}`);
      if (result.reason === 'failure-reason' && check.refusalPasses) return pass(`the private tracker answered and refused the test peer without a key, as it should (${result.message})${certificateNote}`);
      return fail(result.message, httpFix(check, result.reason));
    }
    case 'http-health': {
      const result = await checkHealth(new URL(check.target), http);
      if (result.ok) return pass(`healthy (HTTP ${result.status})${certificateNote}`);
      return fail(result.message, httpFix(check, result.reason));
    }
    case 'dns': {
      const result = await checkDns(check.target, check.address, { ...(options.resolver === undefined ? {} : { resolver: options.resolver }), ...(signal === undefined ? {} : { signal }) });
      return result.ok ? pass(result.message) : fail(result.message, result.fix);
    }
  }
}

function count(value: number | undefined, noun: string): string {
  return value === undefined ? `? ${noun}s` : `${value} ${noun}${value === 1 ? '' : 's'}`;
}

function httpFix(check: SmokeCheck, reason: string): string | undefined {
  const url = new URL(check.target);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (reason === 'tls') return 'Caddy may still be getting the certificate (it needs the domain\'s DNS to point at the instance and port 80 open); run test again in a minute';
  if (reason === 'timeout' || reason === 'network') return `open ${port}/tcp in every firewall in front of the instance, and check the service is running`;
  return undefined;
}
