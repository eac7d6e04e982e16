import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JSON_RECORD_TYPES } from '../../src/output/record-types.js';

const doc = readFileSync(resolve(import.meta.dirname, '../../docs/reference/json-events.md'), 'utf8');

/** The types the reference documents: its section headings (`## ...: \`type\``) and the first cells of its event table. */
function documentedTypes(text: string): string[] {
  const headings = [...text.matchAll(/^## .*: `([a-z.]+)`$/gm)].map((match) => match[1]!);
  const events = text.split('\n## Events\n')[1]?.split('\n## ')[0] ?? '';
  const rows = events
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([a-z.]+)`/g)].map((match) => match[1]!));
  return [...headings, ...rows];
}

describe('docs/reference/json-events.md', () => {
  it('documents every --json line type in the code, and no other', () => {
    expect([...documentedTypes(doc)].sort()).toEqual([...JSON_RECORD_TYPES].sort());
  });
});
