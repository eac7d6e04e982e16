import { isIP } from 'node:net';
import type { EnvironmentConfig } from '../config/schema.js';
import { deployedServices } from '../stack/queries.js';
import { topologyOf, type KeyPath } from './topology.js';

/** Every domain the config gives a service, once, with the config section it comes from. */
export function configuredDomains(config: EnvironmentConfig): { domain: string; key: KeyPath }[] {
  const topology = topologyOf(config);
  const sources = deployedServices(config, topology.tlsSites).flatMap((service) => service.domains?.(config, topology) ?? []);
  const seen = new Set<string>();
  const domains: { domain: string; key: KeyPath }[] = [];
  for (const { domain, key } of sources) {
    if (domain === undefined || seen.has(domain)) continue;
    seen.add(domain);
    domains.push({ domain, key });
  }
  return domains;
}

/**
 * The domains Caddy asks certificates for (each HTTPS site's), once: those the DNS gate
 * waits for. A UDP tracker's domain needs no certificate, so it is only advised.
 */
export function httpsDomains(config: EnvironmentConfig): string[] {
  return [...new Set(topologyOf(config).tlsSites.flatMap((site) => (site.domain === undefined ? [] : [site.domain])))];
}

export interface DnsRecord {
  readonly type: 'A' | 'AAAA';
  readonly name: string;
  readonly value: string;
}

/** The records to create at the DNS provider so each domain reaches the instance. */
export function dnsRecords(config: EnvironmentConfig, address: string | undefined): DnsRecord[] {
  return recordsFor(configuredDomains(config).map(({ domain }) => domain), address);
}

/** An A record (AAAA for an IPv6 address) per domain; none without an IP address. */
export function recordsFor(domains: readonly string[], address: string | undefined): DnsRecord[] {
  if (address === undefined || isIP(address) === 0) return [];
  const type = isIP(address) === 6 ? 'AAAA' : 'A';
  return domains.map((domain) => ({ type, name: domain, value: address }));
}

/** The records as lines for people, with why they matter; none when no domain is set. */
export function dnsRecordLines(config: EnvironmentConfig, address: string | undefined): string[] {
  return recordLines(dnsRecords(config, address));
}

/** Records as aligned lines a user can copy into a DNS provider's form or zone file. */
export function recordLines(records: readonly DnsRecord[]): string[] {
  if (records.length === 0) return [];
  const width = Math.max(...records.map((record) => record.name.length));
  return [
    'DNS records to create (HTTPS certificates are issued only once each name points here):',
    ...records.map((record) => `  ${record.type.padEnd(4)} ${record.name.padEnd(width)}  ${record.value}`),
  ];
}
