/**
 * Checks a cron schedule the way cron(8) on the host reads /etc/cron.d entries:
 * five fields (minute hour day-of-month month day-of-week) with lists, ranges,
 * steps and names, or one of the @ macros. Returns the reason it is invalid.
 */

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly namesStartAt?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesStartAt: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, namesStartAt: 0 },
];

export function cronScheduleProblem(schedule: string): string | undefined {
  const trimmed = schedule.trim();
  if (trimmed.startsWith('@')) {
    return MACROS.has(trimmed) ? undefined : `'${trimmed}' is not a cron macro (${[...MACROS].join(', ')})`;
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) {
    return `it has ${fields.length} field${fields.length === 1 ? '' : 's'}; cron needs 5: minute hour day-of-month month day-of-week`;
  }
  for (const [index, spec] of FIELDS.entries()) {
    const problem = fieldProblem(fields[index] ?? '', spec);
    if (problem) return `${spec.name} field '${fields[index]}': ${problem}`;
  }
  return undefined;
}

function fieldProblem(field: string, spec: FieldSpec): string | undefined {
  for (const item of field.split(',')) {
    const [range = '', step, extra] = item.split('/');
    if (extra !== undefined) return 'more than one step (/)';
    if (step !== undefined && !/^[1-9][0-9]*$/.test(step)) return `step '${step}' is not a positive number`;
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `'${range}' is not a value or a range`;
    const values: number[] = [];
    for (const bound of bounds) {
      const value = valueOf(bound, spec);
      if (value === undefined) return `'${bound}' is not a ${spec.name} (${spec.min}-${spec.max}${spec.names ? ' or a name' : ''})`;
      values.push(value);
    }
    if (values.length === 2 && (values[0] ?? 0) > (values[1] ?? 0)) return `range '${range}' runs backwards`;
  }
  return undefined;
}

function valueOf(token: string, spec: FieldSpec): number | undefined {
  if (/^[0-9]+$/.test(token)) {
    const value = Number(token);
    return value >= spec.min && value <= spec.max ? value : undefined;
  }
  const nameIndex = spec.names?.indexOf(token.toLowerCase()) ?? -1;
  return nameIndex >= 0 ? nameIndex + (spec.namesStartAt ?? 0) : undefined;
}
