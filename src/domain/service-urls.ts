import type { EnvironmentConfig } from '../config/schema.js';
import { deployedServices } from '../stack/queries.js';
import type { ServiceUrl } from '../stack/types.js';
import { topologyOf } from './topology.js';

export type { Access, ServiceUrl } from '../stack/types.js';

/**
 * The URL of every service, as `show` and `run` print them (ANCHOR.md §5.3):
 * HTTPS through Caddy when a domain is proxied, the instance address when the
 * port is published, and a localhost URL (through an SSH tunnel) otherwise.
 */
export function serviceUrls(config: EnvironmentConfig, address: string | undefined): ServiceUrl[] {
  return serviceUrlsByService(config, address).flatMap(({ urls }) => urls);
}

/** The URLs grouped by the stack service they reach, in registry order. */
export function serviceUrlsByService(config: EnvironmentConfig, address: string | undefined): { service: string; urls: ServiceUrl[] }[] {
  const topology = topologyOf(config);
  const host = address === undefined ? 'INSTANCE_ADDRESS' : address.includes(':') ? `[${address}]` : address;
  return deployedServices(config, topology.tlsSites).flatMap((service) => {
    const urls = service.urls?.(config, host, topology) ?? [];
    return urls.length === 0 ? [] : [{ service: service.name, urls }];
  });
}

/** The URLs reachable from outside, for people and scripts that will use them. */
export function publicServiceUrls(config: EnvironmentConfig, address: string | undefined): string[] {
  return serviceUrls(config, address).filter((url) => url.access !== 'ssh-tunnel').map((url) => url.url);
}

/** The URLs as lines for people: service, URL, and how to reach the internal ones. */
export function serviceUrlLines(config: EnvironmentConfig, address: string | undefined): string[] {
  const urls = serviceUrls(config, address);
  const width = Math.max(...urls.map((url) => url.service.length));
  return urls.map((url) => `  ${url.service.padEnd(width)}  ${url.url}${url.access === 'ssh-tunnel' ? '  (internal: through an SSH tunnel)' : ''}`);
}
