import { createHash } from 'node:crypto';

/** Field checks the API makes on input, written independently of the client so the tests compare two readings of the docs. */

export interface FieldProblem {
  readonly name: string;
  readonly messages: string[];
}

const LABEL_KEY = /^([a-z0-9A-Z]((?:[-_.]|[a-z0-9A-Z]){0,253}[a-z0-9A-Z])?\/)?[a-z0-9A-Z]((?:[-_.]|[a-z0-9A-Z]){0,61}[a-z0-9A-Z])?$/;
const LABEL_VALUE = /^(([a-z0-9A-Z](?:[-_.]|[a-z0-9A-Z]){0,61})?[a-z0-9A-Z]$|$)/;

export function labelProblems(labels: unknown): FieldProblem[] {
  if (labels === undefined) return [];
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return [{ name: 'labels', messages: ['must be an object'] }];
  const messages = Object.entries(labels).flatMap(([key, value]) => [
    ...(LABEL_KEY.test(key) ? [] : [`label key "${key}" is invalid`]),
    ...(typeof value === 'string' && LABEL_VALUE.test(value) ? [] : [`label value of "${key}" is invalid`]),
  ]);
  return messages.length > 0 ? [{ name: 'labels', messages }] : [];
}

/** MD5 of the key blob, colon separated, as Hetzner shows it; undefined when the line is not an OpenSSH key. */
export function fingerprintOf(publicKey: string): string | undefined {
  const [type, blob] = publicKey.trim().split(/\s+/);
  if (!type || !blob || !/^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-)/.test(type)) return undefined;
  const bytes = Buffer.from(blob, 'base64');
  if (bytes.length < 16) return undefined;
  return [...createHash('md5').update(bytes).digest()].map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}

const PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'esp', 'gre']);
const PORT = /^(\d{1,5})(-(\d{1,5}))?$|^any$/;

export function firewallRuleProblems(rules: unknown): FieldProblem[] {
  if (rules === undefined) return [];
  if (!Array.isArray(rules)) return [{ name: 'rules', messages: ['must be a list'] }];
  const messages = rules.flatMap((rule: Record<string, unknown>, index) => {
    const problems: string[] = [];
    if (rule['direction'] !== 'in' && rule['direction'] !== 'out') problems.push(`rules[${index}].direction must be "in" or "out"`);
    if (typeof rule['protocol'] !== 'string' || !PROTOCOLS.has(rule['protocol'])) problems.push(`rules[${index}].protocol is invalid`);
    const needsPort = rule['protocol'] === 'tcp' || rule['protocol'] === 'udp';
    if (needsPort && (typeof rule['port'] !== 'string' || !PORT.test(rule['port']))) problems.push(`rules[${index}].port is required for tcp and udp ("22", "80-85" or "any")`);
    if (!needsPort && rule['port'] !== undefined && rule['port'] !== null) problems.push(`rules[${index}].port is only allowed for tcp and udp`);
    const ips = rule['direction'] === 'in' ? rule['source_ips'] : rule['destination_ips'];
    if (!Array.isArray(ips) || ips.length === 0 || ips.some((ip) => typeof ip !== 'string' || !ip.includes('/'))) problems.push(`rules[${index}] needs ${rule['direction'] === 'in' ? 'source_ips' : 'destination_ips'} in CIDR notation`);
    if (typeof rule['description'] === 'string' && rule['description'].length > 255) problems.push(`rules[${index}].description is longer than 255 characters`);
    return problems;
  });
  return messages.length > 0 ? [{ name: 'rules', messages }] : [];
}
