import { parseBindAddress } from '../config/fields.js';
import type { EnvironmentConfig } from '../config/schema.js';

/**
 * What a config deploys, derived once: services, endpoints, published ports and
 * HTTPS sites. Validation, rendering, the firewall and `show` all read this, so
 * they cannot disagree.
 */

export type ServiceName = 'tracker' | 'mysql' | 'prometheus' | 'grafana' | 'caddy' | 'backup';
export type Protocol = 'tcp' | 'udp';
export type KeyPath = readonly (string | number)[];

export interface Endpoint {
  readonly label: string;
  /** Config key of the section that defines it. */
  readonly key: KeyPath;
  readonly bindAddress: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly domain: string | undefined;
  /** Served by Caddy over HTTPS instead of being published directly. */
  readonly tls: boolean;
  /** Published on the host's public interfaces. */
  readonly published: boolean;
}

export interface HostPort {
  readonly label: string;
  readonly key: KeyPath;
  readonly port: number;
  readonly protocol: Protocol;
  /** Published on 127.0.0.1 only (reachable through an SSH tunnel). */
  readonly loopbackOnly: boolean;
}

export interface TlsSite {
  readonly label: string;
  readonly key: KeyPath;
  readonly domain: string | undefined;
  readonly upstream: { readonly service: 'tracker' | 'grafana'; readonly port: number };
}

export interface Topology {
  readonly services: readonly ServiceName[];
  readonly udpTrackers: readonly Endpoint[];
  readonly httpTrackers: readonly Endpoint[];
  readonly httpApi: Endpoint;
  readonly healthCheckApi: Endpoint;
  readonly tlsSites: readonly TlsSite[];
  /** Ports other than the tracker's that the stack publishes on the host. */
  readonly otherHostPorts: readonly HostPort[];
}

export const GRAFANA_PORT = 3000;
export const PROMETHEUS_PORT = 9090;

export function topologyOf(config: EnvironmentConfig): Topology {
  const { tracker } = config;
  const endpoint = (label: string, key: KeyPath, section: { bind_address: string; domain?: string | undefined; use_tls_proxy?: boolean }, protocol: Protocol, publishedWithoutTls: boolean): Endpoint => {
    const bind = parseBindAddress(section.bind_address);
    const tls = section.use_tls_proxy === true;
    return {
      label,
      key,
      bindAddress: section.bind_address,
      port: typeof bind === 'string' ? 0 : bind.port,
      protocol,
      domain: section.domain,
      tls,
      published: publishedWithoutTls && !tls,
    };
  };

  const udpTrackers = tracker.udp_trackers.map((udp, index) => endpoint(`UDP tracker ${index + 1}`, ['tracker', 'udp_trackers', index], udp, 'udp', true));
  const httpTrackers = tracker.http_trackers.map((http, index) => endpoint(`HTTP tracker ${index + 1}`, ['tracker', 'http_trackers', index], http, 'tcp', true));
  const httpApi = endpoint('the HTTP API', ['tracker', 'http_api'], tracker.http_api, 'tcp', true);
  const healthCheckApi = endpoint('the health check API', ['tracker', 'health_check_api'], tracker.health_check_api, 'tcp', false);

  const tlsSites: TlsSite[] = [...httpTrackers, httpApi, healthCheckApi]
    .filter((service) => service.tls)
    .map((service) => ({ label: service.label, key: service.key, domain: service.domain, upstream: { service: 'tracker' as const, port: service.port } }));
  if (config.grafana?.use_tls_proxy) {
    tlsSites.push({ label: 'Grafana', key: ['grafana'], domain: config.grafana.domain, upstream: { service: 'grafana', port: GRAFANA_PORT } });
  }

  const caddy = tlsSites.length > 0;
  const otherHostPorts: HostPort[] = [];
  if (caddy) {
    otherHostPorts.push(
      { label: 'Caddy (HTTP, ACME challenges)', key: ['https'], port: 80, protocol: 'tcp', loopbackOnly: false },
      { label: 'Caddy (HTTPS)', key: ['https'], port: 443, protocol: 'tcp', loopbackOnly: false },
      { label: 'Caddy (HTTP/3)', key: ['https'], port: 443, protocol: 'udp', loopbackOnly: false },
    );
  }
  if (config.prometheus) otherHostPorts.push({ label: 'Prometheus', key: ['prometheus'], port: PROMETHEUS_PORT, protocol: 'tcp', loopbackOnly: true });
  if (config.grafana && !config.grafana.use_tls_proxy) otherHostPorts.push({ label: 'Grafana', key: ['grafana'], port: GRAFANA_PORT, protocol: 'tcp', loopbackOnly: false });

  const services: ServiceName[] = ['tracker'];
  if (tracker.core.database.driver === 'mysql') services.push('mysql');
  if (config.prometheus) services.push('prometheus');
  if (config.grafana) services.push('grafana');
  if (caddy) services.push('caddy');
  if (config.backup) services.push('backup');

  return { services, udpTrackers, httpTrackers, httpApi, healthCheckApi, tlsSites, otherHostPorts };
}

/** Ports the firewall must open to the world: SSH, the published tracker ports, Caddy and Grafana. */
export function publicPorts(config: EnvironmentConfig, topology: Topology = topologyOf(config)): { port: number; protocol: Protocol; label: string }[] {
  const tracker = [...topology.udpTrackers, ...topology.httpTrackers, topology.httpApi, topology.healthCheckApi].filter((endpoint) => endpoint.published);
  return [
    { port: config.ssh_credentials.port, protocol: 'tcp', label: 'SSH' },
    ...tracker.map(({ port, protocol, label }) => ({ port, protocol, label })),
    ...topology.otherHostPorts.filter((hostPort) => !hostPort.loopbackOnly).map(({ port, protocol, label }) => ({ port, protocol, label })),
  ];
}
