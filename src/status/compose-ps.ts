/**
 * `docker compose ps --all --format json` as data. Compose ≥ 2.21 prints one JSON
 * object per line; older releases print one JSON array. Both are read here.
 */

export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ComposeContainer {
  readonly service: string;
  readonly name: string;
  /** running, exited, restarting, created, paused, dead, removing. */
  readonly state: string;
  readonly health: Health;
  /** "2 hours", from Status "Up 2 hours (healthy)"; undefined unless up. */
  readonly uptime: string | undefined;
  readonly exitCode: number | undefined;
  /** Published ports: "6969/udp" on every interface, "127.0.0.1:9090/tcp" on one. */
  readonly ports: readonly string[];
}

interface Publisher {
  readonly URL?: unknown;
  readonly TargetPort?: unknown;
  readonly PublishedPort?: unknown;
  readonly Protocol?: unknown;
}

export function parseComposePs(text: string): ComposeContainer[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let items: unknown[];
  if (trimmed.startsWith('[')) {
    items = JSON.parse(trimmed) as unknown[];
  } else {
    items = trimmed.split('\n').filter((line) => line.trim() !== '').map((line, index) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new Error(`line ${index + 1} of docker compose ps is not JSON: ${line.slice(0, 120)}`);
      }
    });
  }
  return items.map(containerOf).sort((a, b) => a.service.localeCompare(b.service));
}

function containerOf(item: unknown): ComposeContainer {
  const record = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : '');
  const state = text('State').toLowerCase() || 'unknown';
  const status = text('Status');
  const exitCode = typeof record['ExitCode'] === 'number' ? (record['ExitCode'] as number) : undefined;
  return {
    service: text('Service') || text('Name'),
    name: text('Name'),
    state,
    health: healthOf(text('Health'), status),
    uptime: uptimeOf(status),
    exitCode: state === 'running' ? undefined : exitCode,
    ports: portsOf(Array.isArray(record['Publishers']) ? (record['Publishers'] as Publisher[]) : []),
  };
}

function healthOf(health: string, status: string): Health {
  const value = (health || /\((healthy|unhealthy|health: starting)\)/.exec(status)?.[1] || '').toLowerCase();
  if (value === 'healthy' || value === 'unhealthy') return value;
  if (value === 'starting' || value === 'health: starting') return 'starting';
  return 'none';
}

/** "Up 2 hours (healthy)" → "2 hours"; "Up About a minute" → "about a minute". */
export function uptimeOf(status: string): string | undefined {
  const match = /^Up\s+(.+?)(?:\s+\([^)]*\))*\s*$/.exec(status.trim());
  if (!match?.[1]) return undefined;
  const uptime = match[1];
  return uptime.startsWith('About') ? `about${uptime.slice(5)}` : uptime;
}

/** One entry per published port and protocol; "::" duplicates of "0.0.0.0" are dropped, exposed-only ports too. */
function portsOf(publishers: readonly Publisher[]): string[] {
  const seen = new Set<string>();
  const ports: string[] = [];
  for (const publisher of publishers) {
    const published = typeof publisher.PublishedPort === 'number' ? publisher.PublishedPort : 0;
    if (published === 0) continue;
    const protocol = typeof publisher.Protocol === 'string' && publisher.Protocol !== '' ? publisher.Protocol : 'tcp';
    const url = typeof publisher.URL === 'string' ? publisher.URL : '';
    const everywhere = url === '' || url === '0.0.0.0' || url === '::';
    const label = everywhere ? `${published}/${protocol}` : `${url.includes(':') ? `[${url}]` : url}:${published}/${protocol}`;
    if (seen.has(label)) continue;
    seen.add(label);
    ports.push(label);
  }
  return ports;
}
