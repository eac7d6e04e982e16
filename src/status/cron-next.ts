import { cronScheduleProblem } from '../config/cron.js';

/**
 * When a cron schedule next fires, as cron(8) on the host reads it: five fields
 * (lists, ranges, steps, names) or an @ macro, in the host's local time given as
 * its UTC offset. When both day fields are restricted, a day matches either one
 * (Vixie cron's rule); when one starts with `*`, both must match.
 */

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Schedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
}

export function parseCronSchedule(schedule: string): Schedule {
  const problem = cronScheduleProblem(schedule);
  if (problem) throw new Error(`not a cron schedule: ${problem}`);
  const expanded = MACROS[schedule.trim()] ?? schedule.trim();
  const [minute = '', hour = '', dayOfMonth = '', month = '', dayOfWeek = ''] = expanded.split(/\s+/);
  const daysOfWeek = new Set([...expand(dayOfWeek, 0, 7, DAYS, 0)].map((day) => day % 7));
  return {
    minutes: expand(minute, 0, 59),
    hours: expand(hour, 0, 23),
    daysOfMonth: expand(dayOfMonth, 1, 31),
    months: expand(month, 1, 12, MONTHS, 1),
    daysOfWeek,
    dayOfMonthRestricted: !dayOfMonth.startsWith('*'),
    dayOfWeekRestricted: !dayOfWeek.startsWith('*'),
  };
}

function expand(field: string, min: number, max: number, names: readonly string[] = [], namesStartAt = 0): Set<number> {
  const value = (token: string) => (/^\d+$/.test(token) ? Number(token) : names.indexOf(token.toLowerCase()) + namesStartAt);
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const [range = '*', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let from = min;
    let to = max;
    if (range !== '*') {
      const [start = '', end] = range.split('-');
      from = value(start);
      // "5/10" means 5, 15, 25, ... up to the field's end, as in cron.
      to = end === undefined ? (stepText === undefined ? from : max) : value(end);
    }
    for (let current = from; current <= to; current += step) values.add(current);
  }
  return values;
}

/**
 * The first time strictly after `after` the schedule fires, or undefined when it
 * never does within five years (for example 30 February).
 * `utcOffsetMinutes`: the host's offset from UTC (+120 for `date +%z` = +0200).
 */
export function nextCronRun(schedule: string, after: Date, utcOffsetMinutes = 0): Date | undefined {
  const spec = parseCronSchedule(schedule);
  const offsetMs = utcOffsetMinutes * 60_000;
  // Work on the host's wall clock, held in a Date read with the UTC getters.
  const local = new Date(after.getTime() + offsetMs);
  local.setUTCSeconds(0, 0);
  local.setUTCMinutes(local.getUTCMinutes() + 1);
  const limit = local.getTime() + 5 * 366 * 86_400_000;
  while (local.getTime() < limit) {
    if (!spec.months.has(local.getUTCMonth() + 1)) {
      local.setUTCMonth(local.getUTCMonth() + 1, 1);
      local.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(spec, local)) {
      local.setUTCDate(local.getUTCDate() + 1);
      local.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!spec.hours.has(local.getUTCHours())) {
      local.setUTCHours(local.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!spec.minutes.has(local.getUTCMinutes())) {
      local.setUTCMinutes(local.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return new Date(local.getTime() - offsetMs);
  }
  return undefined;
}

function dayMatches(spec: Schedule, local: Date): boolean {
  const byMonthDay = spec.daysOfMonth.has(local.getUTCDate());
  const byWeekDay = spec.daysOfWeek.has(local.getUTCDay());
  if (spec.dayOfMonthRestricted && spec.dayOfWeekRestricted) return byMonthDay || byWeekDay;
  return byMonthDay && byWeekDay;
}

/** `date +%z` ("+0200", "-0530") as minutes east of UTC. */
export function parseUtcOffset(text: string): number | undefined {
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}
