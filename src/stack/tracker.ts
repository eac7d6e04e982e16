import { parseBindAddress } from '../config/fields.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Endpoint, KeyPath, Protocol, TlsSite } from '../domain/topology.js';
import type { PortMapping } from '../render/compose.js';
import { TRACKER_UID } from '../remote/steps/step.js';
import type { ServiceUrl, StackService } from './types.js';

/** Where the tracker reads its config inside the container. */
export const TRACKER_CONFIG_PATH = '/etc/torrust/tracker/tracker.toml';
/** The SQLite file's directory under /opt/torrust/storage (the tracker's /var/lib/torrust/tracker/database). */
export const TRACKER_DATABASE_DIR = 'tracker/lib/database';
/** The tracker's override of `[core.database] path`: a server database's connection URL, from .env. */
export const TRACKER_DSN_VARIABLE = 'TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__PATH';

export interface TrackerEndpoints {
  readonly udpTrackers: readonly Endpoint[];
  readonly httpTrackers: readonly Endpoint[];
  readonly httpApi: Endpoint;
  readonly healthCheckApi: Endpoint;
}

type EndpointSection = { bind_address: string; domain?: string | undefined; use_tls_proxy?: boolean };

function endpoint(label: string, key: KeyPath, section: EndpointSection, protocol: Protocol, publishedWithoutTls: boolean): Endpoint {
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
}

/** The tracker's listeners: each UDP and HTTP tracker, the REST API and the (internal) health check API. */
export function trackerEndpoints(config: EnvironmentConfig): TrackerEndpoints {
  const { tracker } = config;
  return {
    udpTrackers: tracker.udp_trackers.map((udp, index) => endpoint(`UDP tracker ${index + 1}`, ['tracker', 'udp_trackers', index], udp, 'udp', true)),
    httpTrackers: tracker.http_trackers.map((http, index) => endpoint(`HTTP tracker ${index + 1}`, ['tracker', 'http_trackers', index], http, 'tcp', true)),
    httpApi: endpoint('the HTTP API', ['tracker', 'http_api'], tracker.http_api, 'tcp', true),
    healthCheckApi: endpoint('the health check API', ['tracker', 'health_check_api'], tracker.health_check_api, 'tcp', false),
  };
}

function allEndpoints(endpoints: TrackerEndpoints): Endpoint[] {
  return [...endpoints.udpTrackers, ...endpoints.httpTrackers, endpoints.httpApi, endpoints.healthCheckApi];
}

function httpUrl(endpoint: Endpoint, path: string, service: string, host: string): ServiceUrl {
  if (endpoint.tls && endpoint.domain) return { service, url: `https://${endpoint.domain}${path}`, access: 'https' };
  if (endpoint.published) return { service, url: `http://${endpoint.domain ?? host}:${endpoint.port}${path}`, access: 'public' };
  return { service, url: `http://localhost:${endpoint.port}${path}`, access: 'ssh-tunnel' };
}

const fromEnv = (...names: string[]) => names.map((name) => [name, `\${${name}}`] as const);

function keyOf(key: KeyPath): string {
  return key.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

export const tracker: StackService<'tracker', never> = {
  name: 'tracker',
  title: 'Tracker',
  image: 'torrust/tracker:develop',
  longRunning: true,
  deployed: () => true,
  tlsSites(config): TlsSite[] {
    const { httpTrackers, httpApi, healthCheckApi } = trackerEndpoints(config);
    return [...httpTrackers, httpApi, healthCheckApi]
      .filter((service) => service.tls)
      .map((service) => ({ label: service.label, key: service.key, domain: service.domain, upstream: { service: 'tracker', port: service.port } }));
  },
  urls(_config, host, topology) {
    return [
      ...topology.udpTrackers.map((udp) => ({ service: udp.label, url: `udp://${udp.domain ?? host}:${udp.port}/announce`, access: 'public' as const })),
      ...topology.httpTrackers.map((http) => httpUrl(http, '/announce', http.label, host)),
      httpUrl(topology.httpApi, '/api', 'HTTP API', host),
      httpUrl(topology.healthCheckApi, '/health_check', 'Health check API', host),
    ];
  },
  domains: (_config, topology) => allEndpoints(topology),
  compose: {
    order: 10,
    build({ config, topology, has, behindCaddy, databaseService, databaseUrl }) {
      const ports: PortMapping[] = [
        ...topology.udpTrackers.map((udp) => ({ spec: `${udp.port}:${udp.port}/udp`, comment: `BitTorrent UDP announce (${keyOf(udp.key)})` })),
        ...topology.httpTrackers.filter((http) => http.published).map((http) => ({ spec: `${http.port}:${http.port}`, comment: `HTTP tracker announce (${keyOf(http.key)})` })),
        ...(topology.httpApi.published ? [{ spec: `${topology.httpApi.port}:${topology.httpApi.port}`, comment: 'HTTP API (stats, whitelist, keys; tracker.http_api)' }] : []),
      ];
      return {
        name: 'tracker',
        comment: 'The Torrust BitTorrent tracker (tracker)',
        image: config.images.tracker,
        ports,
        environment: [['USER_ID', String(TRACKER_UID)], ...fromEnv('TORRUST_TRACKER_CONFIG_TOML_PATH', 'TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__DRIVER', 'TORRUST_TRACKER_CONFIG_OVERRIDE_HTTP_API__ACCESS_TOKENS__ADMIN', ...(databaseUrl ? [TRACKER_DSN_VARIABLE] : []))],
        volumes: ['./storage/tracker/lib:/var/lib/torrust/tracker:Z', './storage/tracker/log:/var/log/torrust/tracker:Z', './storage/tracker/etc:/etc/torrust/tracker:Z'],
        networks: [...(databaseService === undefined ? [] : ['database_network' as const]), ...(has('prometheus') ? ['metrics_network' as const] : []), ...(behindCaddy('tracker') ? ['proxy_network' as const] : [])],
        dependsOn: databaseService === undefined ? [] : [[databaseService, 'service_healthy']],
      };
    },
  },
  storage: () => [{ owner: TRACKER_UID, mode: '0755', paths: ['tracker', 'tracker/etc', 'tracker/lib', TRACKER_DATABASE_DIR, 'tracker/log'] }],
  backupPaths: () => [`/data/storage/tracker/etc/${TRACKER_CONFIG_PATH.split('/').pop()}`],
};
