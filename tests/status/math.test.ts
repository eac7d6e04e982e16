import { describe, expect, it } from 'vitest';
import { nextCronRun, parseUtcOffset } from '../../src/status/cron-next.js';
import { formatBytes, formatDuration, formatRate } from '../../src/status/format.js';
import { averageRate, ratesOf, recentRates, sparkline } from '../../src/status/rate.js';
import { announceRate } from '../../src/status/view.js';
import { keepRecent } from '../../src/status/watch.js';
import { snapshotOf, T0 } from './support.js';

describe('announce rates', () => {
  it('divides each counter step by the time between samples', () => {
    expect(ratesOf([{ at: 0, value: 100 }, { at: 2000, value: 110 }, { at: 5000, value: 110 }])).toEqual([
      { at: 2000, perSecond: 5 },
      { at: 5000, perSecond: 0 },
    ]);
  });

  it('marks a counter that went backwards (tracker restart) as unknown, and skips samples with no time between them', () => {
    expect(ratesOf([{ at: 0, value: 500 }, { at: 3000, value: 6 }, { at: 3000, value: 7 }, { at: 6000, value: 12 }]).map((point) => point.perSecond)).toEqual([null, 5 / 3]);
  });

  it('averages over the last minute only', () => {
    const samples = [{ at: 0, value: 0 }, { at: 30_000, value: 3000 }, { at: 90_000, value: 3600 }];
    // Only 30 s → 90 s is inside the window: 600 announces in 60 s.
    expect(averageRate(samples)).toBe(10);
    expect(recentRates(samples).map((point) => point.perSecond)).toEqual([10]);
    expect(averageRate(samples.slice(0, 1))).toBeUndefined();
    expect(averageRate([])).toBeUndefined();
  });

  it('after a restart inside the window, gives the newest rate instead of a negative average', () => {
    expect(averageRate([{ at: 0, value: 1000 }, { at: 3000, value: 3 }, { at: 6000, value: 33 }])).toBe(10);
  });

  it('reads the counter from a snapshot history, skipping readings without stats', () => {
    const numbers = (announces: number) => ({ ok: true as const, source: 'direct' as const, numbers: { torrents: 0, seeders: 0, leechers: 0, completed: 0, announces } });
    const history = [
      snapshotOf({ takenAt: T0, tracker: numbers(100) }),
      snapshotOf({ takenAt: T0 + 3000, tracker: { ok: false, error: 'timeout' } }),
      snapshotOf({ takenAt: T0 + 6000, tracker: numbers(160) }),
      snapshotOf({ takenAt: T0 + 9000, tracker: numbers(190) }),
    ];
    expect(announceRate(history)).toEqual({ perSecond: 10, series: [10, 10] });
    expect(announceRate(history.slice(0, 1))).toEqual({ perSecond: undefined, series: [] });
  });
});

describe('sparkline', () => {
  it('scales bars to the largest value and keeps the last `width` values', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([10, 5, 0])).toBe('█▅▁');
    expect(sparkline([1, 2, 3, 4], 2)).toBe('▆█');
  });

  it('draws flat zeros as the lowest bar and unknown rates as gaps', () => {
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
    expect(sparkline([4, null, 8])).toBe('▅ █');
    expect(sparkline([])).toBe('');
  });
});

describe('nextCronRun', () => {
  const at = (iso: string) => new Date(iso);
  it('finds the next daily run, strictly after now', () => {
    expect(nextCronRun('0 3 * * *', at('2025-06-01T02:59:30Z'))?.toISOString()).toBe('2025-06-01T03:00:00.000Z');
    expect(nextCronRun('0 3 * * *', at('2025-06-01T03:00:00Z'))?.toISOString()).toBe('2025-06-02T03:00:00.000Z');
    expect(nextCronRun('@daily', at('2025-12-31T23:59:00Z'))?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('reads steps, ranges, lists and names', () => {
    expect(nextCronRun('*/15 * * * *', at('2025-06-01T10:07:00Z'))?.toISOString()).toBe('2025-06-01T10:15:00.000Z');
    expect(nextCronRun('30 1-3,22 * * *', at('2025-06-01T03:31:00Z'))?.toISOString()).toBe('2025-06-01T22:30:00.000Z');
    // 2025-06-01 is a Sunday: the next Monday-to-Friday 02:00 is Monday the 2nd.
    expect(nextCronRun('0 2 * * mon-fri', at('2025-06-01T05:00:00Z'))?.toISOString()).toBe('2025-06-02T02:00:00.000Z');
    expect(nextCronRun('0 0 1 jan *', at('2025-06-01T00:00:00Z'))?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(nextCronRun('0 4 * * 7', at('2025-06-02T00:00:00Z'))?.toISOString()).toBe('2025-06-08T04:00:00.000Z');
  });

  it('matches either day field when both are restricted, as cron does', () => {
    // The 15th (a Sunday) or any Wednesday, whichever comes first after Monday the 2nd: Wednesday the 4th.
    expect(nextCronRun('0 0 15 * wed', at('2025-06-02T00:00:00Z'))?.toISOString()).toBe('2025-06-04T00:00:00.000Z');
    expect(nextCronRun('0 0 15 * *', at('2025-06-02T00:00:00Z'))?.toISOString()).toBe('2025-06-15T00:00:00.000Z');
  });

  it('counts in the host\'s local time', () => {
    // 03:00 on a host at +02:00 is 01:00 UTC.
    expect(nextCronRun('0 3 * * *', at('2025-06-01T00:00:00Z'), 120)?.toISOString()).toBe('2025-06-01T01:00:00.000Z');
    expect(nextCronRun('0 3 * * *', at('2025-06-01T12:00:00Z'), -300)?.toISOString()).toBe('2025-06-02T08:00:00.000Z');
  });

  it('returns undefined for a day that never comes', () => {
    expect(nextCronRun('0 0 30 feb *', at('2025-06-01T00:00:00Z'))).toBeUndefined();
  });

  it('reads date +%z offsets', () => {
    expect(parseUtcOffset('+0200')).toBe(120);
    expect(parseUtcOffset('-0530')).toBe(-330);
    expect(parseUtcOffset('+00:00')).toBe(0);
    expect(parseUtcOffset('UTC')).toBeUndefined();
  });
});

describe('formatting and history', () => {
  it('formats durations, sizes and rates for the screen', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(formatDuration(50 * 3_600_000)).toBe('2 d 2 h');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MiB');
    expect(formatRate(0)).toBe('0');
    expect(formatRate(0.25)).toBe('0.25');
    expect(formatRate(3.14159)).toBe('3.1');
    expect(formatRate(1234.5)).toBe('1235');
  });

  it('keeps the snapshots of the last history window', () => {
    const history = [0, 30_000, 60_000, 90_000].map((offset) => snapshotOf({ takenAt: T0 + offset }));
    expect(keepRecent(history, 60_000).map((snapshot) => snapshot.takenAt - T0)).toEqual([30_000, 60_000, 90_000]);
    expect(keepRecent([], 60_000)).toEqual([]);
  });
});
