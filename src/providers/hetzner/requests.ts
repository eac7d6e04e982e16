import { createHash } from 'node:crypto';
import { environmentLabels, environmentSelector } from './labels.js';
import type { FirewallRule } from './schema.js';

/**
 * The bodies of the requests that create things, built in one place: the client
 * sends them and `--dry-run` prints them, so what a dry run shows is what is sent.
 */

/** Hetzner's limit for cloud-init user data (POST /servers, `user_data`). */
export const USER_DATA_LIMIT = 32 * 1024;

export function sshKeyBody(spec: { environment: string; name: string; publicKey: string }) {
  return { name: spec.name, public_key: spec.publicKey.trim(), labels: environmentLabels(spec.environment) };
}

export function firewallBody(spec: { environment: string; name: string; rules: readonly FirewallRule[] }) {
  return { name: spec.name, labels: environmentLabels(spec.environment), rules: spec.rules };
}

export interface ServerBodySpec {
  readonly environment: string;
  readonly name: string;
  readonly serverType: string;
  readonly location: string;
  /** The id `GET /images` returned (a name only where nothing was looked up). */
  readonly image: number | string;
  readonly userData: string;
  readonly sshKeyIds: readonly (number | string)[];
  readonly firewallIds: readonly (number | string)[];
}

export function serverBody(spec: ServerBodySpec) {
  return {
    name: spec.name,
    server_type: spec.serverType,
    location: spec.location,
    image: spec.image,
    user_data: spec.userData,
    ssh_keys: spec.sshKeyIds,
    firewalls: spec.firewallIds.map((firewall) => ({ firewall })),
    labels: environmentLabels(spec.environment),
    public_net: { enable_ipv4: true, enable_ipv6: true },
    start_after_create: true,
  };
}

/** How user data appears in a dry run: its size and checksum, never its content. */
export function maskedUserData(userData: string): string {
  return `<${Buffer.byteLength(userData, 'utf8')} bytes, sha256 ${createHash('sha256').update(userData).digest('hex')}>`;
}

export function labelQuery(environment: string) {
  return { label_selector: environmentSelector(environment) };
}
