import type { z } from 'zod';
import { topologyOf, type Endpoint, type KeyPath } from '../domain/topology.js';
import { isLoopback, parseBindAddress } from './fields.js';
import type { EnvironmentConfig } from './schema.js';

/**
 * Rules that span sections, which field schemas alone cannot say. They run in
 * `validate` as well as before every command (the Rust deployer ran them only in
 * `create environment`, and missed Grafana when checking TLS).
 */

interface PortUse {
  readonly label: string;
  readonly key: KeyPath;
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
  /** Bound inside the tracker container, where all tracker services share one network stack. */
  readonly inTracker: boolean;
  /** Published on the host (compose ports, or a host daemon such as sshd). */
  readonly onHost: boolean;
}

/** One broken rule, as a zod custom issue (the schema's superRefine adds it; validate also runs the rules alone). */
export interface RuleIssue {
  readonly code: 'custom';
  readonly path: (string | number)[];
  readonly message: string;
  readonly params: {
    readonly code: 'config.conflict';
    readonly fix: string;
    /** The entry it clashes with (a port or a domain taken twice): the other place the fix may go. */
    readonly clashesWith?: (string | number)[];
  };
}

export function checkCrossServiceRules(config: EnvironmentConfig, ctx: z.RefinementCtx): void {
  for (const issue of crossServiceIssues(config)) ctx.addIssue({ ...issue });
}

export function crossServiceIssues(config: EnvironmentConfig): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const fail = (path: KeyPath, message: string, fix: string, clashesWith?: KeyPath) =>
    issues.push({ code: 'custom', path: [...path], message, params: { code: 'config.conflict', fix, ...(clashesWith ? { clashesWith: [...clashesWith] } : {}) } });
  const topology = topologyOf(config);

  if (config.grafana && !config.prometheus) {
    fail(['grafana'], 'Grafana needs Prometheus as its data source, but the prometheus section is missing', 'add a [prometheus] section or remove [grafana]');
  }

  for (const site of topology.tlsSites) {
    if (site.domain === undefined) {
      fail([...site.key, 'use_tls_proxy'], `${site.label} uses the TLS proxy but has no domain`, `set a domain for ${site.label}, or set use_tls_proxy = false`);
    }
  }
  const tlsEndpoints = [...topology.httpTrackers, topology.httpApi, topology.healthCheckApi].filter((endpoint) => endpoint.tls);
  for (const endpoint of tlsEndpoints) {
    const bind = parseBindAddress(endpoint.bindAddress);
    if (typeof bind === 'object' && isLoopback(bind.ip)) {
      fail([...endpoint.key, 'bind_address'], `${endpoint.label} listens on loopback (${bind.ip}) but Caddy runs in another container and cannot reach it`, `bind to 0.0.0.0:${bind.port} (the port is not published when the TLS proxy is on)`);
    }
  }

  const sites = topology.tlsSites;
  if (sites.length > 0 && !config.https) {
    fail(['https'], `${sites.map((site) => site.label).join(', ')} use${sites.length === 1 ? 's' : ''} the TLS proxy but the https section is missing`, 'add [https] with admin_email = "you@example.com"');
  }
  if (sites.length === 0 && config.https) {
    fail(['https'], 'the https section is present but no service sets use_tls_proxy = true', 'set use_tls_proxy = true (with a domain) on the services to serve over HTTPS, or remove [https]');
  }

  const proxied = topology.httpTrackers.filter((endpoint) => endpoint.tls).length;
  if (proxied > 0 && proxied < topology.httpTrackers.length) {
    const odd = topology.httpTrackers.find((endpoint) => !endpoint.tls);
    fail([...(odd?.key ?? ['tracker', 'http_trackers']), 'use_tls_proxy'], 'some HTTP trackers use the TLS proxy and some do not; tracker config 2.0.0 has one on_reverse_proxy setting for all of them', 'set use_tls_proxy to the same value on every HTTP tracker');
  }

  // Maps of what is taken, not comparisons with every earlier entry: the checks stay linear in the number of services.
  const domainOwners = new Map<string, (typeof sites)[number]>();
  for (const site of sites) {
    if (site.domain === undefined) continue;
    const owner = domainOwners.get(site.domain.toLowerCase());
    if (owner) {
      fail([...site.key, 'domain'], `${site.label} and ${owner.label} both use the domain ${site.domain}; Caddy serves one site per domain`, 'give each HTTPS service its own domain', [...owner.key, 'domain']);
    } else {
      domainOwners.set(site.domain.toLowerCase(), site);
    }
  }

  const uses = portUses(config, topology.udpTrackers, [...topology.httpTrackers, topology.httpApi, topology.healthCheckApi], topology.otherHostPorts);
  const firstInTracker = new Map<string, number>();
  const firstOnHost = new Map<string, number>();
  uses.forEach((use, index) => {
    const slot = `${use.port}/${use.protocol}`;
    const earlier = [use.inTracker ? firstInTracker.get(slot) : undefined, use.onHost ? firstOnHost.get(slot) : undefined].filter((found) => found !== undefined);
    const other = earlier.length > 0 ? uses[Math.min(...earlier)] : undefined;
    if (other) {
      const where = other.inTracker && use.inTracker ? 'in the tracker container' : 'on the host';
      fail(use.key, `port conflict: ${use.label} and ${other.label} both use ${use.port}/${use.protocol} ${where}`, 'give each service its own port (UDP and TCP may share a number)', other.key);
    }
    if (use.inTracker && !firstInTracker.has(slot)) firstInTracker.set(slot, index);
    if (use.onHost && !firstOnHost.has(slot)) firstOnHost.set(slot, index);
  });
  return issues;
}

function portUses(config: EnvironmentConfig, udp: readonly Endpoint[], tcp: readonly Endpoint[], others: ReturnType<typeof topologyOf>['otherHostPorts']): PortUse[] {
  const tracked = (endpoint: Endpoint): PortUse => ({
    label: endpoint.label,
    key: [...endpoint.key, 'bind_address'],
    port: endpoint.port,
    protocol: endpoint.protocol,
    inTracker: true,
    onHost: endpoint.published,
  });
  return [
    { label: 'SSH', key: ['ssh_credentials', 'port'], port: config.ssh_credentials.port, protocol: 'tcp', inTracker: false, onHost: true },
    ...udp.map(tracked),
    ...tcp.map(tracked),
    ...others.map((other) => ({ label: other.label, key: other.key, port: other.port, protocol: other.protocol, inTracker: false, onHost: true })),
  ];
}
