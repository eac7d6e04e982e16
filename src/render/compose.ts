import type { EnvironmentConfig } from '../config/schema.js';
import { GRAFANA_PORT, PROMETHEUS_PORT, topologyOf, type Topology } from '../domain/topology.js';

/** The compose file as data; templates/render/docker-compose.yml.ejs lays it out with comments. */

export type NetworkName = 'database_network' | 'metrics_network' | 'proxy_network' | 'visualization_network';

export const NETWORK_DESCRIPTIONS: Readonly<Record<NetworkName, string>> = {
  database_network: 'Database isolation: tracker <-> MySQL (and the backup job)',
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

/** Where the caddy container reads the https.acme_ca_root certificate (mounted read-only from storage/caddy/etc/). */
export const ACME_CA_ROOT_IN_CADDY = '/etc/caddy/acme-ca-root.pem';

const fromEnv = (...names: string[]) => names.map((name) => [name, `\${${name}}`] as const);

export function composeModel(config: EnvironmentConfig, options: { instanceIp?: string | undefined } = {}, topology: Topology = topologyOf(config)): ComposeModel {
  const has = (service: string) => topology.services.includes(service as never);
  const mysql = has('mysql');
  const caddy = has('caddy');
  const trackerBehindCaddy = topology.tlsSites.some((site) => site.upstream.service === 'tracker');
  const grafanaBehindCaddy = topology.tlsSites.some((site) => site.upstream.service === 'grafana');
  const services: ComposeService[] = [];

  if (caddy) {
    services.push({
      name: 'caddy',
      comment: 'HTTPS reverse proxy with automatic certificates (https, use_tls_proxy)',
      image: config.images.caddy,
      ports: [
        { spec: '80:80', comment: 'HTTP (ACME HTTP-01 challenge, redirect to HTTPS)' },
        { spec: '443:443', comment: 'HTTPS' },
        { spec: '443:443/udp', comment: 'HTTP/3 (QUIC)' },
      ],
      environment: [],
      volumes: [
        './storage/caddy/etc/Caddyfile:/etc/caddy/Caddyfile:ro',
        ...(config.https?.acme_ca_root === undefined ? [] : [`./storage/caddy/etc/acme-ca-root.pem:${ACME_CA_ROOT_IN_CADDY}:ro`]),
        './storage/caddy/data:/data',
        './storage/caddy/config:/config',
      ],
      networks: ['proxy_network'],
      dependsOn: [...(trackerBehindCaddy ? [['tracker', 'service_started'] as const] : []), ...(grafanaBehindCaddy ? [['grafana', 'service_started'] as const] : [])],
      healthcheck: { test: ['CMD', 'caddy', 'validate', '--config', '/etc/caddy/Caddyfile', '--adapter', 'caddyfile'], interval: '30s', timeout: '10s', retries: 3, startPeriod: '10s' },
    });
  }

  const trackerPorts: PortMapping[] = [
    ...topology.udpTrackers.map((udp) => ({ spec: `${udp.port}:${udp.port}/udp`, comment: `BitTorrent UDP announce (${keyOf(udp.key)})` })),
    ...topology.httpTrackers.filter((http) => http.published).map((http) => ({ spec: `${http.port}:${http.port}`, comment: `HTTP tracker announce (${keyOf(http.key)})` })),
    ...(topology.httpApi.published ? [{ spec: `${topology.httpApi.port}:${topology.httpApi.port}`, comment: 'HTTP API (stats, whitelist, keys; tracker.http_api)' }] : []),
  ];
  services.push({
    name: 'tracker',
    comment: 'The Torrust BitTorrent tracker (tracker)',
    image: config.images.tracker,
    ports: trackerPorts,
    environment: [['USER_ID', '1000'], ...fromEnv('TORRUST_TRACKER_CONFIG_TOML_PATH', 'TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__DRIVER', 'TORRUST_TRACKER_CONFIG_OVERRIDE_HTTP_API__ACCESS_TOKENS__ADMIN', ...(mysql ? ['TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__PATH'] : []))],
    volumes: ['./storage/tracker/lib:/var/lib/torrust/tracker:Z', './storage/tracker/log:/var/log/torrust/tracker:Z', './storage/tracker/etc:/etc/torrust/tracker:Z'],
    networks: [...(mysql ? ['database_network' as const] : []), ...(has('prometheus') ? ['metrics_network' as const] : []), ...(trackerBehindCaddy ? ['proxy_network' as const] : [])],
    dependsOn: mysql ? [['mysql', 'service_healthy']] : [],
  });

  if (has('prometheus')) {
    services.push({
      name: 'prometheus',
      comment: `Scrapes the tracker's stats and metrics (prometheus); localhost only, reach it through an SSH tunnel`,
      image: config.images.prometheus,
      ports: [{ spec: `127.0.0.1:${PROMETHEUS_PORT}:${PROMETHEUS_PORT}`, comment: 'Prometheus UI and API (localhost only)' }],
      environment: [],
      volumes: ['./storage/prometheus/etc:/etc/prometheus:Z'],
      networks: ['metrics_network', ...(has('grafana') ? ['visualization_network' as const] : [])],
      dependsOn: [['tracker', 'service_started']],
      healthcheck: { test: ['CMD', 'wget', '--spider', '-q', `http://localhost:${PROMETHEUS_PORT}/-/healthy`], interval: '10s', timeout: '5s', retries: 5, startPeriod: '10s' },
    });
  }

  if (has('grafana')) {
    services.push({
      name: 'grafana',
      comment: 'Dashboards for the tracker (grafana)',
      image: config.images.grafana,
      ports: grafanaBehindCaddy ? [] : [{ spec: `${GRAFANA_PORT}:${GRAFANA_PORT}`, comment: 'Grafana dashboard' }],
      environment: fromEnv('GF_SECURITY_ADMIN_USER', 'GF_SECURITY_ADMIN_PASSWORD', ...(config.grafana?.domain !== undefined || options.instanceIp !== undefined ? ['GF_SERVER_ROOT_URL'] : [])),
      volumes: ['./storage/grafana/data:/var/lib/grafana', './storage/grafana/provisioning:/etc/grafana/provisioning:ro'],
      networks: ['visualization_network', ...(grafanaBehindCaddy ? ['proxy_network' as const] : [])],
      dependsOn: [['prometheus', 'service_healthy']],
      healthcheck: { test: ['CMD', 'wget', '--spider', '-q', `http://localhost:${GRAFANA_PORT}/api/health`], interval: '10s', timeout: '5s', retries: 5, startPeriod: '30s' },
    });
  }

  if (mysql) {
    services.push({
      name: 'mysql',
      comment: 'The tracker database (tracker.core.database.driver = "mysql"); not published',
      image: config.images.mysql,
      command: ['--mysql-native-password=ON'],
      ports: [],
      environment: fromEnv('MYSQL_ROOT_PASSWORD', 'MYSQL_DATABASE', 'MYSQL_USER', 'MYSQL_PASSWORD'),
      volumes: ['./storage/mysql/data:/var/lib/mysql'],
      networks: ['database_network'],
      dependsOn: [],
      healthcheck: { test: ['CMD-SHELL', 'mysqladmin ping -h localhost -u root -p"$$MYSQL_ROOT_PASSWORD" --silent'], interval: '10s', timeout: '5s', retries: 10, startPeriod: '30s' },
    });
  }

  if (has('backup')) {
    services.push({
      name: 'backup',
      comment: 'One-shot backup job, started by the host cron (backup); never runs with `up`',
      image: config.images.backup,
      restartNever: true,
      profiles: ['backup'],
      command: ['bash', '/etc/backup/backup.sh'],
      ports: [],
      environment: mysql ? [['DB_PASSWORD', '${MYSQL_PASSWORD}']] : [],
      volumes: ['./storage/backup/etc:/etc/backup:ro', './storage:/data/storage:ro', './storage/backup:/backups'],
      networks: mysql ? ['database_network'] : [],
      dependsOn: mysql ? [['mysql', 'service_healthy']] : [],
    });
  }

  const networks = [...new Set(services.flatMap((service) => service.networks))].sort();
  return { services, networks };
}

function keyOf(key: readonly (string | number)[]): string {
  return key.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}
