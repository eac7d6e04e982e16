/**
 * The tracker's GET /api/v1/stats answer as the numbers `status` shows. The
 * announce counter is the sum of every protocol's `*_announces_handled`, so the
 * rate covers UDP and HTTP, IPv4 and IPv6 alike.
 */

export interface TrackerNumbers {
  readonly torrents: number;
  readonly seeders: number;
  readonly leechers: number;
  readonly completed: number;
  /** Announces handled since the tracker started (all protocols). */
  readonly announces: number;
}

const ANNOUNCE_COUNTERS = ['udp4_announces_handled', 'udp6_announces_handled', 'tcp4_announces_handled', 'tcp6_announces_handled'] as const;

export function parseTrackerStats(body: string): TrackerNumbers {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw new Error(`the stats endpoint did not answer JSON: ${body.slice(0, 80)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('the stats endpoint answered JSON that is not an object');
  const record = data as Record<string, unknown>;
  const count = (key: string): number | undefined => {
    const value = record[key];
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const required = (key: string): number => {
    const value = count(key);
    if (value === undefined) throw new Error(`the stats answer has no number '${key}'`);
    return value;
  };
  const counters = ANNOUNCE_COUNTERS.map(count);
  if (counters.every((value) => value === undefined)) throw new Error(`the stats answer has no announce counters (${ANNOUNCE_COUNTERS.join(', ')})`);
  return {
    torrents: required('torrents'),
    seeders: required('seeders'),
    leechers: required('leechers'),
    completed: required('completed'),
    announces: counters.reduce<number>((sum, value) => sum + (value ?? 0), 0),
  };
}
