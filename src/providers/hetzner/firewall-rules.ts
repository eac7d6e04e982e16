import type { EnvironmentConfig } from '../../config/schema.js';
import { publicPorts } from '../../domain/topology.js';
import type { FirewallRule } from './schema.js';

export const ANYWHERE = ['0.0.0.0/0', '::/0'] as const;

/**
 * Inbound rules opening exactly SSH and the tracker's public ports, over IPv4 and IPv6.
 * An applied Hetzner firewall drops every other inbound packet at the network, so
 * Docker's own iptables rules cannot open a port behind its back (as UFW allows).
 */
export function firewallRules(config: EnvironmentConfig): FirewallRule[] {
  const rules = new Map<string, FirewallRule>();
  for (const { port, protocol, label } of publicPorts(config)) {
    const key = `${protocol}/${port}`;
    const existing = rules.get(key);
    if (existing) {
      rules.set(key, { ...existing, description: `${existing.description}, ${label}` });
      continue;
    }
    rules.set(key, { direction: 'in', protocol, port: String(port), source_ips: [...ANYWHERE], description: label });
  }
  return [...rules.values()];
}
