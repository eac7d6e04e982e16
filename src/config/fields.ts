import { isIP } from 'node:net';

/**
 * Validators for single values. Each returns undefined when the value is fine,
 * or the reason it is not, phrased to follow "<key> is invalid: ".
 */

export interface BindAddress {
  readonly ip: string;
  readonly port: number;
  readonly family: 4 | 6;
}

export function parseBindAddress(value: string): BindAddress | string {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (!match) return `'${value}' is not IP:PORT (IPv6 goes in brackets: "[::]:6969")`;
  const ip = match[1] ?? match[2] ?? '';
  const family = isIP(ip);
  if (family === 0) return `'${ip}' is not an IP address (hostnames are not allowed in bind addresses)`;
  if (match[1] !== undefined && family !== 6) return `'${ip}' in brackets must be an IPv6 address`;
  const port = Number(match[3]);
  if (port === 0) return 'port 0 (dynamic assignment) is not supported: clients need a fixed port';
  if (port > 65535) return `port ${port} is above 65535`;
  return { ip, port, family: family as 4 | 6 };
}

export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip === 'localhost';
}

export function environmentNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  const upper = name.match(/[A-Z]/g);
  if (upper) return `it contains uppercase letters: ${[...new Set(upper)].join('')}`;
  const invalid = name.match(/[^a-z0-9-]/g);
  if (invalid) return `it contains invalid characters: ${[...new Set(invalid)].join('')}`;
  if (/^[0-9]/.test(name)) return 'it starts with a number';
  if (name.startsWith('-')) return 'it starts with a dash';
  if (name.endsWith('-')) return 'it ends with a dash';
  if (name.includes('--')) return 'it contains consecutive dashes';
  return undefined;
}

/** LXD instance and profile names, Hetzner server names: RFC 1123 labels. */
export function instanceNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 63) return `it must be 1 to 63 characters long (it has ${name.length})`;
  const invalid = name.match(/[^A-Za-z0-9-]/g);
  if (invalid) return `it contains invalid characters: ${[...new Set(invalid)].join('')}`;
  if (/^[0-9-]/.test(name)) return 'it must start with a letter';
  if (name.endsWith('-')) return 'it ends with a dash';
  return undefined;
}

export function usernameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 32) return `it must be 1 to 32 characters long (it has ${name.length})`;
  if (!/^[A-Za-z_]/.test(name)) return 'it must start with a letter or an underscore';
  const invalid = name.match(/[^A-Za-z0-9_-]/g);
  if (invalid) return `it contains invalid characters: ${[...new Set(invalid)].join('')}`;
  return undefined;
}

export function domainProblem(domain: string): string | undefined {
  if (domain.length === 0) return 'it is empty';
  if (/\s/.test(domain)) return 'it contains whitespace';
  if (domain.length > 253) return 'it is longer than 253 characters';
  if (domain.startsWith('.') || domain.endsWith('.')) return 'it starts or ends with a dot';
  if (domain.includes('..')) return 'it contains an empty label (..)';
  if (!domain.includes('.')) return 'it needs at least one dot (for example tracker.example.com)';
  for (const label of domain.split('.')) {
    if (label.length > 63) return `the label '${label}' is longer than 63 characters`;
    if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(label)) {
      return `the label '${label}' may hold only letters, digits and inner dashes`;
    }
  }
  return undefined;
}

export function emailProblem(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return `'${email}' is not an email address`;
  if (/\s/.test(email.slice(0, at))) return `'${email}' has whitespace before the @`;
  const domain = domainProblem(email.slice(at + 1));
  return domain === undefined ? undefined : `the part after @ is not a domain: ${domain}`;
}

/** LXD size strings such as "2GiB" or "512MiB". */
export function sizeProblem(size: string): string | undefined {
  return /^[1-9][0-9]*(KiB|MiB|GiB|TiB|kB|MB|GB|TB)$/.test(size)
    ? undefined
    : `'${size}' is not a size such as "512MiB" or "10GiB"`;
}
