/**
 * Announces per second from successive samples of the tracker's announce counter,
 * and the sparkline `status --watch` draws of them. Pure: the screen passes the
 * samples it has seen.
 */

export interface CounterSample {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly value: number;
}

/** One rate per pair of consecutive samples; null where the counter went backwards (the tracker restarted). */
export interface RatePoint {
  readonly at: number;
  readonly perSecond: number | null;
}

export const RATE_WINDOW_MS = 60_000;

export function ratesOf(samples: readonly CounterSample[]): RatePoint[] {
  const points: RatePoint[] = [];
  for (let index = 1; index < samples.length; index++) {
    const previous = samples[index - 1] as CounterSample;
    const current = samples[index] as CounterSample;
    const seconds = (current.at - previous.at) / 1000;
    if (seconds <= 0) continue;
    const delta = current.value - previous.value;
    points.push({ at: current.at, perSecond: delta < 0 ? null : delta / seconds });
  }
  return points;
}

/** The rates whose interval ended within `windowMs` of the newest sample. */
export function recentRates(samples: readonly CounterSample[], windowMs = RATE_WINDOW_MS): RatePoint[] {
  const last = samples.at(-1);
  if (!last) return [];
  return ratesOf(samples).filter((point) => point.at > last.at - windowMs);
}

/**
 * The average rate over the window: announces counted between the oldest and the
 * newest sample in it, over the time between them. Undefined with fewer than two
 * samples, or when the counter was reset inside the window (then the newest rate).
 */
export function averageRate(samples: readonly CounterSample[], windowMs = RATE_WINDOW_MS): number | undefined {
  const last = samples.at(-1);
  if (!last) return undefined;
  const inWindow = samples.filter((sample) => sample.at >= last.at - windowMs);
  const first = inWindow[0];
  if (!first || first === last || last.at <= first.at) return undefined;
  const points = ratesOf(inWindow);
  if (points.some((point) => point.perSecond === null)) return points.at(-1)?.perSecond ?? undefined;
  return (last.value - first.value) / ((last.at - first.at) / 1000);
}

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * The last `width` values as bars scaled to the largest of them; a null value
 * (no rate known) is a space. All zeros draw the lowest bar.
 */
export function sparkline(values: readonly (number | null)[], width = 30): string {
  const shown = values.slice(-width);
  const max = Math.max(0, ...shown.filter((value): value is number => value !== null));
  return shown
    .map((value) => {
      if (value === null) return ' ';
      if (max === 0) return BARS[0];
      const index = Math.min(BARS.length - 1, Math.round((value / max) * (BARS.length - 1)));
      return BARS[Math.max(0, index)];
    })
    .join('');
}
