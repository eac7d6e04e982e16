import type { EnvironmentConfig } from '../config/schema.js';
import { serviceUrlsByService } from '../domain/service-urls.js';
import { topologyOf, type ServiceName } from '../domain/topology.js';
import { deployedServices } from '../stack/queries.js';

/**
 * What `status` looks at, derived from the config alone (pure): the services
 * the stack runs, where the stats endpoint is reached from this machine, the
 * HTTPS domains whose certificates to read, and the backup schedule.
 */
/** What configFromRecord puts in place of a ${VAR} this shell does not set. */
const UNSET_PLACEHOLDER = 'unset-variable';

export interface StatusTarget {
  readonly environment: string;
  readonly address: string;
  readonly sshPort: number;
  /** Services expected to be up; the one-shot backup job is not among them. */
  readonly services: readonly ServiceName[];
  readonly urls: Readonly<Partial<Record<ServiceName, readonly string[]>>>;
  readonly stats: {
    /** Base URL of the API from this machine (http://ADDRESS:PORT or https://DOMAIN), without the token. */
    readonly url: string;
    /** HTTPS: connect to the instance address, keep the domain for TLS (like `test`). */
    readonly pinnedAddress: string | undefined;
    readonly acceptUntrusted: boolean;
    /** The API's port inside the tracker container, for the SSH-forwarded fallback. */
    readonly containerPort: number;
    readonly token: string;
    /** The token is a ${VAR} this shell does not set (configFromRecord's placeholder). */
    readonly tokenUnset: boolean;
  };
  readonly certificates: readonly { readonly domain: string; readonly acceptUntrusted: boolean }[];
  readonly backupSchedule: string | undefined;
  /** Whether backups are copied off the host ([backup.remote]): status then shows the last copy. */
  readonly offsite: boolean;
}

export function statusTarget(config: EnvironmentConfig, environment: string, address: string, options: { sshPort?: number } = {}): StatusTarget {
  const topology = topologyOf(config);
  const host = address.includes(':') ? `[${address}]` : address;
  const untrusted = (domain: string) => domain.endsWith('.local') || config.https?.use_staging === true;
  const api = topology.httpApi;
  const viaCaddy = api.tls && api.domain !== undefined;
  const token = config.tracker.http_api.admin_token;
  const domains = [...new Set(topology.tlsSites.map((site) => site.domain).filter((domain): domain is string => domain !== undefined))];
  return {
    environment,
    address,
    sshPort: options.sshPort ?? config.ssh_credentials.port,
    services: deployedServices(config, topology.tlsSites).filter((service) => service.longRunning).map((service) => service.name),
    urls: Object.fromEntries(serviceUrlsByService(config, address).map(({ service, urls }) => [service, urls.map((url) => url.url)])),
    stats: {
      url: viaCaddy ? `https://${api.domain}` : `http://${host}:${api.port}`,
      pinnedAddress: viaCaddy ? address : undefined,
      acceptUntrusted: viaCaddy && untrusted(api.domain as string),
      containerPort: api.port,
      token,
      tokenUnset: token === UNSET_PLACEHOLDER,
    },
    certificates: config.https ? domains.map((domain) => ({ domain, acceptUntrusted: untrusted(domain) })) : [],
    backupSchedule: config.backup?.schedule,
    offsite: config.backup?.remote !== undefined,
  };
}
