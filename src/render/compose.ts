import type { EnvironmentConfig } from '../config/schema.js';
import { topologyOf, type Topology } from '../domain/topology.js';
import { databaseOf } from '../stack/databases.js';
import { deployedServices } from '../stack/queries.js';
import type { ComposeContext } from '../stack/types.js';

/**
 * The compose file as data, one service from each deployed stack module
 * (src/stack/); templates/render/docker-compose.yml.ejs lays it out with comments.
 */

export type NetworkName = 'database_network' | 'metrics_network' | 'proxy_network' | 'visualization_network';

export const NETWORK_DESCRIPTIONS: Readonly<Record<NetworkName, string>> = {
  database_network: 'Database isolation: tracker <-> its database (and the backup job)',
  metrics_network: 'Tracker <-> Prometheus',
  proxy_network: 'Caddy <-> the services it serves over HTTPS',
  visualization_network: 'Prometheus <-> Grafana',
};

export interface PortMapping {
  readonly spec: string;
  readonly comment: string;
}

export interface ComposeService {
  readonly name: string;
  readonly comment: string;
  readonly image: string;
  readonly restartNever?: boolean;
  readonly profiles?: readonly string[];
  readonly command?: readonly string[];
  readonly ports: readonly PortMapping[];
  readonly environment: readonly (readonly [string, string])[];
  readonly volumes: readonly string[];
  readonly networks: readonly NetworkName[];
  readonly dependsOn: readonly (readonly [string, 'service_started' | 'service_healthy'])[];
  readonly healthcheck?: { readonly test: readonly string[]; readonly interval: string; readonly timeout: string; readonly retries: number; readonly startPeriod: string };
}

export interface ComposeModel {
  readonly services: readonly ComposeService[];
  readonly networks: readonly NetworkName[];
}

export function composeModel(config: EnvironmentConfig, options: { instanceIp?: string | undefined } = {}, topology: Topology = topologyOf(config)): ComposeModel {
  const deployed = deployedServices(config, topology.tlsSites);
  const names = new Set(deployed.map((service) => service.name));
  const database = databaseOf(config);
  const databaseService = database.module.service?.name;
  const context: ComposeContext = {
    config,
    topology,
    instanceIp: options.instanceIp,
    has: (service) => names.has(service),
    databaseService: databaseService !== undefined && names.has(databaseService) ? databaseService : undefined,
    databaseUrl: database.module.placement(database.settings) !== 'file',
    behindCaddy: (service) => topology.tlsSites.some((site) => site.upstream.service === service),
  };
  const services = deployed
    .flatMap((service) => (service.compose === undefined ? [] : [service.compose]))
    .sort((a, b) => a.order - b.order)
    .map((compose) => compose.build(context));
  const networks = [...new Set(services.flatMap((service) => service.networks))].sort();
  return { services, networks };
}
