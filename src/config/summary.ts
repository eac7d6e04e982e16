import { repositoryKind } from '../stack/backup-remote.js';
import { topologyOf, type Endpoint } from '../domain/topology.js';
import { databaseOf } from '../stack/databases.js';
import { imageDefaults } from '../stack/queries.js';
import { instanceNameOf, type EnvironmentConfig } from './schema.js';

/** What a config will deploy, as data (for --json) and as lines (for people). No secret appears in either. */
export interface ConfigSummary {
  readonly environment_name: string;
  readonly instance_name: string;
  readonly provider: string;
  readonly provider_details: string;
  readonly database: string;
  readonly private: boolean;
  readonly services: readonly string[];
  readonly udp_trackers: readonly string[];
  readonly http_trackers: readonly string[];
  readonly http_api: string;
  readonly health_check_api: string;
  readonly https: string | null;
  readonly prometheus: string | null;
  readonly grafana: string | null;
  readonly backup: string | null;
  readonly images: Readonly<Record<string, string>>;
  readonly has_prometheus: boolean;
  readonly has_grafana: boolean;
  readonly has_https: boolean;
  readonly has_backup: boolean;
}

export function summarize(config: EnvironmentConfig): ConfigSummary {
  const topology = topologyOf(config);
  const { provider } = config;
  const database = databaseOf(config);
  const images = Object.fromEntries(imageDefaults().filter(([service]) => topology.services.includes(service)).map(([service]) => [service, config.images[service]]));
  return {
    environment_name: config.environment.name,
    instance_name: instanceNameOf(config),
    provider: provider.provider,
    provider_details:
      provider.provider === 'lxd' ? `LXD ${provider.instance_type} from ${provider.image}, ${provider.cpus} CPU, ${provider.memory} memory, ${provider.disk} disk, profile ${provider.profile_name}`
      : provider.provider === 'hetzner' ? `Hetzner Cloud ${provider.server_type} in ${provider.location}, image ${provider.image}`
      : `existing host${provider.host ? ` ${provider.host}` : ' (address given to register)'}`,
    database: database.module.describe(database.settings),
    private: config.tracker.core.private,
    services: topology.services,
    udp_trackers: topology.udpTrackers.map(describeEndpoint),
    http_trackers: topology.httpTrackers.map(describeEndpoint),
    http_api: describeEndpoint(topology.httpApi),
    health_check_api: describeEndpoint(topology.healthCheckApi),
    https: config.https ? `Let's Encrypt${config.https.use_staging ? ' staging' : ''} certificates for ${topology.tlsSites.map((site) => site.domain).join(', ')}; notices to ${config.https.admin_email}` : null,
    prometheus: config.prometheus ? `scrapes the tracker every ${config.prometheus.scrape_interval_in_secs}s (127.0.0.1:9090 on the host)` : null,
    grafana: config.grafana ? (config.grafana.use_tls_proxy ? `https://${config.grafana.domain}` : 'http://<instance>:3000') : null,
    backup: config.backup ? `cron "${config.backup.schedule}", kept ${config.backup.retention_days} day${config.backup.retention_days === 1 ? '' : 's'}${config.backup.remote ? `, copied off the host (restic, ${String(repositoryKind(config.backup.remote.repository))})` : ''}` : null,
    images,
    has_prometheus: config.prometheus !== undefined,
    has_grafana: config.grafana !== undefined,
    has_https: config.https !== undefined,
    has_backup: config.backup !== undefined,
  };
}

function describeEndpoint(endpoint: Endpoint): string {
  if (endpoint.tls) return `${endpoint.bindAddress} behind https://${endpoint.domain ?? '?'}`;
  const visibility = endpoint.published ? 'public' : 'internal only';
  return `${endpoint.bindAddress} (${visibility}${endpoint.domain ? `, ${endpoint.domain}` : ''})`;
}

/** The summary as labelled rows, in the order people read it. */
export function summaryRows(summary: ConfigSummary): [label: string, value: string][] {
  const list = (items: readonly string[]) => (items.length === 0 ? 'none' : items.join('; '));
  return [
    ['Environment', `${summary.environment_name} (instance ${summary.instance_name})`],
    ['Provider', summary.provider_details],
    ['Tracker', summary.private ? 'private (peers need a key)' : 'public'],
    ['Database', summary.database],
    ['UDP trackers', list(summary.udp_trackers)],
    ['HTTP trackers', list(summary.http_trackers)],
    ['HTTP API', summary.http_api],
    ['Health check', summary.health_check_api],
    ['HTTPS', summary.https ?? 'off'],
    ['Prometheus', summary.prometheus ?? 'off'],
    ['Grafana', summary.grafana ?? 'off'],
    ['Backups', summary.backup ?? 'off'],
    ['Images', Object.entries(summary.images).map(([service, image]) => `${service} ${image}`).join(', ')],
  ];
}

/** Where the values start in the summary's lines: after the longest label, its colon and two spaces, indented by two. */
export const SUMMARY_VALUE_COLUMN = 2 + 'HTTP trackers:'.length + 1;

export function summaryLines(summary: ConfigSummary): string[] {
  return summaryRows(summary).map(([label, value]) => summaryLine(label, value));
}

export function summaryLine(label: string, value: string): string {
  return `  ${`${label}:`.padEnd(SUMMARY_VALUE_COLUMN - 2)}${value}`;
}
