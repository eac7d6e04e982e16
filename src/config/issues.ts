import type { z } from 'zod';
import { formatKeyPath, type KeyPath, type PendingProblem, type ProblemCode } from './problems.js';
import { isRecord, valueAt } from './schema-walk.js';

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a table (section)',
  array: 'a list',
};

/** Turns a zod issue into a problem that says what is wrong and how to fix it, without echoing values. */
export function issueToProblem(issue: z.core.$ZodIssue, data: unknown): PendingProblem {
  const path = issue.path as KeyPath;
  const key = formatKeyPath(path);
  const problem = (message: string, fix: string, code: ProblemCode = 'config.invalid_value'): PendingProblem => ({ severity: 'error', code, path, message, fix });

  switch (issue.code) {
    case 'invalid_type': {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      if (issue.input === undefined) {
        return problem(`missing required key ${key}`, `add ${key} (${expected}); see docs/user-guide/config.md`, 'config.missing_key');
      }
      return problem(`${key} must be ${expected}, not ${describe(issue.input)}`, fixForType(issue.expected), 'config.wrong_type');
    }
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
      if (discriminator) {
        const value = valueAt(data, path);
        const got = value === undefined ? 'it is missing' : `got ${typeof value === 'string' ? `"${value}"` : describe(value)}`;
        return problem(`${key} must be one of ${options.map((o) => `"${o}"`).join(', ')}; ${got}`, `set ${key} = "${options[0] ?? ''}" (or another of the listed values)`);
      }
      return problem(`${key} does not match any allowed form`, 'see docs/user-guide/config.md for the allowed forms');
    }
    case 'invalid_value':
      return problem(`${key} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`, `set ${key} to one of the listed values`);
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'not_multiple_of':
      return problem(issue.message, 'change the value to meet the limit');
    case 'custom': {
      const params = (issue.params ?? {}) as { code?: ProblemCode; fix?: string };
      return problem(issue.message, params.fix ?? 'see docs/user-guide/config.md', params.code ?? 'config.invalid_value');
    }
    default:
      return problem(`${key}: ${issue.message}`, 'see docs/user-guide/config.md');
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a table';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a decimal number';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

function fixForType(expected: string): string {
  switch (expected) {
    case 'string':
      return 'put the value in double quotes';
    case 'number':
    case 'int':
      return 'write a number without quotes';
    case 'boolean':
      return 'write true or false without quotes';
    case 'array':
      return 'write a list: [ ... ] in JSON, or repeated [[section]] tables in TOML';
    case 'object':
      return 'write a section: { ... } in JSON, or [section] in TOML';
    default:
      return 'see docs/user-guide/config.md';
  }
}

