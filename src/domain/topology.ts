import type { EnvironmentConfig } from '../config/schema.js';
import { deployedServices, tlsSitesOf } from '../stack/queries.js';
import { trackerEndpoints } from '../stack/tracker.js';

/**
 * What a config deploys, derived once from the service registry (src/stack/):
 * services, endpoints, published ports and HTTPS sites. Validation, rendering,
 * the firewall and `show` all read this, so they cannot disagree.
 */

/** A service of the stack (src/stack/registry.ts). */
export type ServiceName = string;
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
  readonly upstream: { readonly service: ServiceName; readonly port: number };
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

export function topologyOf(config: EnvironmentConfig): Topology {
  const { udpTrackers, httpTrackers, httpApi, healthCheckApi } = trackerEndpoints(config);
  const tlsSites = tlsSitesOf(config);
  const deployed = deployedServices(config, tlsSites);
  const otherHostPorts = deployed.flatMap((service) => service.hostPorts?.(config) ?? []);
  const services = deployed.map((service) => service.name);
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
