import type { Node } from 'jsonc-parser';
import type { ConfigFormat } from './document.js';
import { jsoncParser } from './jsonc.js';
import { lineColumnAt } from './text-position.js';
import type { KeyPath } from './problems.js';

export interface Location {
  readonly line: number;
  readonly column?: number;
}

/**
 * The line a key path sits on, or the line of its nearest existing parent when
 * the key is missing. Returns undefined when nothing on the path can be found.
 */
export function locateKey(text: string, format: ConfigFormat, path: KeyPath): Location | undefined {
  return format === 'json' ? locateJson(text, path) : locateToml(text, path);
}

function locateJson(text: string, path: KeyPath): Location | undefined {
  const { findNodeAtLocation, parseTree } = jsoncParser();
  const root = parseTree(text);
  if (!root) return undefined;
  for (let length = path.length; length >= 0; length--) {
    const node = findNodeAtLocation(root, [...path.slice(0, length)]);
    if (node) {
      const anchor: Node = node.parent?.type === 'property' ? node.parent : node;
      return lineColumnAt(text, anchor.offset);
    }
  }
  return undefined;
}

/**
 * A line scanner, not a parser: it follows [table] and [[array]] headers and
 * key = value lines, which is how the wizard and most people write TOML.
 * Keys inside inline tables resolve to the line of the inline table.
 */
function locateToml(text: string, path: KeyPath): Location | undefined {
  const target = path.map(String);
  const arrayCounts = new Map<string, number>();
  let table: string[] = [];
  let best: { depth: number; line: number } | undefined;

  const consider = (segments: string[], line: number) => {
    let depth = 0;
    while (depth < segments.length && depth < target.length && segments[depth] === target[depth]) depth++;
    if (depth === segments.length && (best === undefined || depth > best.depth)) best = { depth, line };
  };

  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    const lineNumber = index + 1;
    const arrayHeader = /^\[\[\s*([^\]]+?)\s*\]\]/.exec(line);
    const tableHeader = arrayHeader ? null : /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (arrayHeader?.[1]) {
      const name = splitKey(arrayHeader[1]);
      const key = name.join('.');
      const count = arrayCounts.get(key) ?? 0;
      arrayCounts.set(key, count + 1);
      table = [...name, String(count)];
      consider(table, lineNumber);
      return;
    }
    if (tableHeader?.[1]) {
      table = splitKey(tableHeader[1]);
      consider(table, lineNumber);
      return;
    }
    const assignment = /^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_.\- ])+?)\s*=/.exec(line);
    if (assignment?.[1]) consider([...table, ...splitKey(assignment[1])], lineNumber);
  });
  return best && best.depth > 0 ? { line: best.line } : undefined;
}

function splitKey(key: string): string[] {
  return (key.match(/"[^"]*"|'[^']*'|[^.\s]+/g) ?? []).map((part) => part.replace(/^["']|["']$/g, ''));
}
