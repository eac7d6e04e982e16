/**
 * Hetzner's label selector syntax, for the stand-in: requirements joined by commas
 * (AND): `k=v`, `k==v`, `k!=v`, `k` (exists), `!k` (absent), `k in (a,b)`, `k notin (a,b)`.
 * `!=` and `notin` also match resources without the label, as in the API.
 */

type Requirement =
  | { readonly op: 'exists' | 'absent'; readonly key: string }
  | { readonly op: 'equals' | 'not_equals'; readonly key: string; readonly value: string }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] };

export type Selector = readonly Requirement[];

export class SelectorSyntaxError extends Error {}

const NAME = String.raw`[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?`;
const VALUE = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)?`;
const PATTERNS: readonly [RegExp, (match: RegExpMatchArray) => Requirement][] = [
  [new RegExp(`^!\\s*(${NAME})$`), (m) => ({ op: 'absent', key: m[1]! })],
  [new RegExp(`^(${NAME})\\s+(in|notin)\\s*\\(([^)]*)\\)$`), (m) => ({ op: m[2] as 'in' | 'notin', key: m[1]!, values: m[3]!.split(',').map((value) => value.trim()) })],
  [new RegExp(`^(${NAME})\\s*(==|=|!=)\\s*(${VALUE})$`), (m) => ({ op: m[2] === '!=' ? 'not_equals' : 'equals', key: m[1]!, value: m[3]! })],
  [new RegExp(`^(${NAME})$`), (m) => ({ op: 'exists', key: m[1]! })],
];

export function parseSelector(text: string): Selector {
  return splitTopLevel(text).map((part) => {
    const trimmed = part.trim();
    for (const [pattern, build] of PATTERNS) {
      const match = trimmed.match(pattern);
      if (match) return build(match);
    }
    throw new SelectorSyntaxError(`invalid label selector requirement "${trimmed}"`);
  });
}

export function matches(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  return selector.every((requirement) => {
    const value = labels[requirement.key];
    switch (requirement.op) {
      case 'exists':
        return value !== undefined;
      case 'absent':
        return value === undefined;
      case 'equals':
        return value === requirement.value;
      case 'not_equals':
        return value !== requirement.value;
      case 'in':
        return value !== undefined && requirement.values.includes(value);
      case 'notin':
        return value === undefined || !requirement.values.includes(value);
    }
  });
}

/** Splits on commas outside parentheses: `a in (x,y),b` → [`a in (x,y)`, `b`]. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth < 0) throw new SelectorSyntaxError('unbalanced ")" in label selector');
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  if (depth !== 0) throw new SelectorSyntaxError('unbalanced "(" in label selector');
  parts.push(current);
  if (parts.some((part) => part.trim() === '')) throw new SelectorSyntaxError('empty requirement in label selector');
  return parts;
}
