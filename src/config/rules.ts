import type { z } from 'zod';
import { isLoopback, parseBindAddress } from './fields.js';
import type { EnvironmentConfig } from './schema.js';

/**
 * Rules that span sections, which field schemas alone cannot say. They run in
 * `validate` as well as before every command (the Rust deployer ran them only in
 * `create environment`).
 */

type Path = (string | number)[];

interface TlsService {
  readonly label: string;
  readonly path: Path;
  readonly domain: string | undefined;
  readonly bindAddress: string | undefined;
}

interface PortUse {
  readonly label: string;
  readonly path: Path;
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
  /** Bound inside the tracker container, where all tracker services share one network stack. */
  readonly inTracker: boolean;
  /** Published on the host (compose ports, or a host daemon such as sshd). */
  readonly onHost: boolean;
}

export function checkCrossServiceRules(config: EnvironmentConfig, ctx: z.RefinementCtx): void {
  const fail = (path: Path, message: string, fix: string) =>
    ctx.addIssue({ code: 'custom', path, message, params: { code: 'config.conflict', fix } });

  if (config.grafana && !config.prometheus) {
    fail(['grafana'], 'Grafana needs Prometheus as its data source, but the prometheus section is missing', 'add a [prometheus] section or remove [grafana]');
  }

  const tls = tlsServices(config);
  for (const service of tls) {
    if (service.domain === undefined) {
      fail([...service.path, 'use_tls_proxy'], `${service.label} uses the TLS proxy but has no domain`, `set ${dotted(service.path)}.domain, or set use_tls_proxy = false`);
    }
    const bind = service.bindAddress === undefined ? undefined : parseBindAddress(service.bindAddress);
    if (typeof bind === 'object' && isLoopback(bind.ip)) {
      fail([...service.path, 'bind_address'], `${service.label} listens on loopback (${bind.ip}) but Caddy runs in another container and cannot reach it`, `bind to 0.0.0.0:${bind.port} (the port is not published when the TLS proxy is on)`);
    }
  }
  if (tls.length > 0 && !config.https) {
    fail(['https'], `${tls.map((s) => s.label).join(', ')} use${tls.length === 1 ? 's' : ''} the TLS proxy but the https section is missing`, 'add [https] with admin_email = "you@example.com"');
  }
  if (tls.length === 0 && config.https) {
    fail(['https'], 'the https section is present but no service sets use_tls_proxy = true', 'set use_tls_proxy = true (with a domain) on the services to serve over HTTPS, or remove [https]');
  }

  const proxied = config.tracker.http_trackers.filter((tracker) => tracker.use_tls_proxy).length;
  if (proxied > 0 && proxied < config.tracker.http_trackers.length) {
    const odd = config.tracker.http_trackers.findIndex((tracker) => !tracker.use_tls_proxy);
    fail(['tracker', 'http_trackers', odd, 'use_tls_proxy'], 'some HTTP trackers use the TLS proxy and some do not; tracker config 2.0.0 has one on_reverse_proxy setting for all of them', 'set use_tls_proxy to the same value on every HTTP tracker');
  }

  const domainOwners = new Map<string, TlsService>();
  for (const service of tls) {
    if (service.domain === undefined) continue;
    const owner = domainOwners.get(service.domain.toLowerCase());
    if (owner) {
      fail([...service.path, 'domain'], `${service.label} and ${owner.label} both use the domain ${service.domain}; Caddy serves one site per domain`, 'give each HTTPS service its own domain');
    } else {
      domainOwners.set(service.domain.toLowerCase(), service);
    }
  }

  const uses = portUses(config, tls.length > 0);
  uses.forEach((use, index) => {
    const other = uses
      .slice(0, index)
      .find((earlier) => earlier.port === use.port && earlier.protocol === use.protocol && ((earlier.inTracker && use.inTracker) || (earlier.onHost && use.onHost)));
    if (other) {
      const where = other.inTracker && use.inTracker ? 'in the tracker container' : 'on the host';
      fail(use.path, `port conflict: ${use.label} and ${other.label} both use ${use.port}/${use.protocol} ${where}`, 'give each service its own port (UDP and TCP may share a number)');
    }
  });
}

function tlsServices(config: EnvironmentConfig): TlsService[] {
  const { tracker, grafana } = config;
  const services: TlsService[] = tracker.http_trackers.flatMap((http, index) =>
    http.use_tls_proxy ? [{ label: `HTTP tracker ${index + 1}`, path: ['tracker', 'http_trackers', index], domain: http.domain, bindAddress: http.bind_address }] : [],
  );
  if (tracker.http_api.use_tls_proxy) {
    services.push({ label: 'the HTTP API', path: ['tracker', 'http_api'], domain: tracker.http_api.domain, bindAddress: tracker.http_api.bind_address });
  }
  if (tracker.health_check_api.use_tls_proxy) {
    services.push({ label: 'the health check API', path: ['tracker', 'health_check_api'], domain: tracker.health_check_api.domain, bindAddress: tracker.health_check_api.bind_address });
  }
  if (grafana?.use_tls_proxy) {
    services.push({ label: 'Grafana', path: ['grafana'], domain: grafana.domain, bindAddress: undefined });
  }
  return services;
}

/** Ports bound in the tracker container or published on the host; each must be unique per protocol. */
function portUses(config: EnvironmentConfig, caddyRuns: boolean): PortUse[] {
  const { tracker } = config;
  const host = (label: string, path: Path, port: number, protocol: 'tcp' | 'udp'): PortUse => ({ label, path, port, protocol, inTracker: false, onHost: true });
  const uses: PortUse[] = [host('SSH', ['ssh_credentials', 'port'], config.ssh_credentials.port, 'tcp')];
  const tracked = (label: string, path: Path, bindAddress: string, protocol: 'tcp' | 'udp', published: boolean) => {
    const bind = parseBindAddress(bindAddress);
    if (typeof bind === 'object') uses.push({ label, path: [...path, 'bind_address'], port: bind.port, protocol, inTracker: true, onHost: published });
  };
  tracker.udp_trackers.forEach((udp, index) => tracked(`UDP tracker ${index + 1}`, ['tracker', 'udp_trackers', index], udp.bind_address, 'udp', true));
  tracker.http_trackers.forEach((http, index) => tracked(`HTTP tracker ${index + 1}`, ['tracker', 'http_trackers', index], http.bind_address, 'tcp', !http.use_tls_proxy));
  tracked('the HTTP API', ['tracker', 'http_api'], tracker.http_api.bind_address, 'tcp', !tracker.http_api.use_tls_proxy);
  tracked('the health check API', ['tracker', 'health_check_api'], tracker.health_check_api.bind_address, 'tcp', false);
  if (caddyRuns) {
    uses.push(host('Caddy (HTTP)', ['https'], 80, 'tcp'), host('Caddy (HTTPS)', ['https'], 443, 'tcp'), host('Caddy (HTTP/3)', ['https'], 443, 'udp'));
  }
  if (config.prometheus) uses.push(host('Prometheus', ['prometheus'], 9090, 'tcp'));
  if (config.grafana && !config.grafana.use_tls_proxy) uses.push(host('Grafana', ['grafana'], 3000, 'tcp'));
  return uses;
}

function dotted(path: Path): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}
