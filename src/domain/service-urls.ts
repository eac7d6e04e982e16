import type { EnvironmentConfig } from '../config/schema.js';
import { GRAFANA_PORT, PROMETHEUS_PORT, topologyOf, type Endpoint } from './topology.js';

/** How a service is reached from outside the instance. */
export type Access = 'public' | 'https' | 'ssh-tunnel';

export interface ServiceUrl {
  readonly service: string;
  readonly url: string;
  readonly access: Access;
}

/**
 * The URL of every service, as `show` and `run` print them (ANCHOR.md §5.3):
 * HTTPS through Caddy when a domain is proxied, the instance address when the
 * port is published, and a localhost URL (through an SSH tunnel) otherwise.
 */
export function serviceUrls(config: EnvironmentConfig, address: string | undefined): ServiceUrl[] {
  const topology = topologyOf(config);
  const host = address === undefined ? 'INSTANCE_ADDRESS' : address.includes(':') ? `[${address}]` : address;
  const http = (endpoint: Endpoint, path: string, service: string): ServiceUrl => {
    if (endpoint.tls && endpoint.domain) return { service, url: `https://${endpoint.domain}${path}`, access: 'https' };
    if (endpoint.published) return { service, url: `http://${endpoint.domain ?? host}:${endpoint.port}${path}`, access: 'public' };
    return { service, url: `http://localhost:${endpoint.port}${path}`, access: 'ssh-tunnel' };
  };
  const urls: ServiceUrl[] = [
    ...topology.udpTrackers.map((udp) => ({ service: udp.label, url: `udp://${udp.domain ?? host}:${udp.port}/announce`, access: 'public' as const })),
    ...topology.httpTrackers.map((tracker) => http(tracker, '/announce', tracker.label)),
    http(topology.httpApi, '/api', 'HTTP API'),
    http(topology.healthCheckApi, '/health_check', 'Health check API'),
  ];
  if (config.prometheus) urls.push({ service: 'Prometheus', url: `http://localhost:${PROMETHEUS_PORT}`, access: 'ssh-tunnel' });
  if (config.grafana) {
    urls.push(config.grafana.use_tls_proxy && config.grafana.domain
      ? { service: 'Grafana', url: `https://${config.grafana.domain}`, access: 'https' }
      : { service: 'Grafana', url: `http://${config.grafana.domain ?? host}:${GRAFANA_PORT}`, access: 'public' });
  }
  return urls;
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
