import { DeployerError } from '../domain/errors.js';
import { lineColumnAt } from './text-position.js';
import { formatKeyPath, type KeyPath } from './problems.js';
import { isRecord } from './schema-walk.js';

/** The deepest key of a real config is 4 levels down (tracker.core.database.password); this leaves room for any format. */
export const MAX_DEPTH = 32;
/** No list or table of a config holds more than a handful of entries (trackers, keys); this one is for machines gone wrong. */
export const MAX_ENTRIES = 1000;

/**
 * Refuses data nested deeper, or with longer lists or tables, than any config
 * has. Every later walk over the data (interpolation, validation, locating
 * problems) relies on it, so it is itself a loop, not a recursion.
 */
export function checkBounds(file: string, data: unknown): void {
  const pending: { node: unknown; path: KeyPath }[] = [{ node: data, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { node, path } = next;
    if (!Array.isArray(node) && !isRecord(node)) continue;
    if (path.length >= MAX_DEPTH) throw tooDeep(file, path);
    const entries: [string | number, unknown][] = Array.isArray(node) ? [] : Object.entries(node);
    const count = Array.isArray(node) ? node.length : entries.length;
    if (count > MAX_ENTRIES) throw tooManyEntries(file, path, count, Array.isArray(node));
    if (Array.isArray(node)) node.forEach((item, index) => pending.push({ node: item, path: [...path, index] }));
    else for (const [key, item] of entries) pending.push({ node: item, path: [...path, key] });
  }
}

/**
 * The JSON parser recurses once per level, so a deep enough document would
 * overflow its stack: the nesting is measured on the text first.
 */
export function checkJsonNesting(file: string, text: string): void {
  let depth = 0;
  let inString = false;
  for (let offset = 0; offset < text.length; offset++) {
    const character = text[offset];
    if (inString) {
      if (character === '\\') offset++;
      else if (character === '"') inString = false;
    } else if (character === '"') {
      inString = true;
    } else if (character === '{' || character === '[') {
      if (++depth > MAX_DEPTH) {
        const { line, column } = lineColumnAt(text, offset);
        throw tooDeep(`${file}:${line}:${column}`, undefined);
      }
    } else if (character === '}' || character === ']') {
      depth--;
    }
  }
}

function tooDeep(where: string, path: KeyPath | undefined): DeployerError {
  const at = path === undefined ? '' : ` (at ${formatKeyPath(path.slice(0, 6))}...)`;
  return new DeployerError('config.too_deep', `Config file ${where} nests tables or lists more than ${MAX_DEPTH} levels deep${at}`, {
    where,
    fix: 'a config nests a few levels at most (tracker.core.database.password is the deepest key); check the file was not generated wrongly',
  });
}

function tooManyEntries(file: string, path: KeyPath, count: number, list: boolean): DeployerError {
  const what = path.length === 0 ? 'the top level' : formatKeyPath(path);
  return new DeployerError('config.too_many_entries', `Config file ${file}: ${what} has ${count} ${list ? 'items' : 'keys'}; at most ${MAX_ENTRIES} are allowed`, {
    where: path.length === 0 ? file : `${file} ${what}`,
    fix: list ? 'a tracker needs a few entries here; remove the extra ones' : 'remove the keys the deployer does not know',
  });
}
