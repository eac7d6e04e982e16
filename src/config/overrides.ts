import type { z } from 'zod';
import { isRecord, leafTypeAt } from './schema-walk.js';
import { formatKeyPath, type KeyPath, type PendingProblem } from './problems.js';

export const OVERRIDE_PREFIX = 'TORRUST_DEPLOYER_CONFIG_OVERRIDE_';

export interface Override {
  readonly variable: string;
  readonly path: KeyPath;
}

export interface Overridden {
  readonly data: Record<string, unknown>;
  readonly applied: Override[];
  readonly problems: PendingProblem[];
}

/**
 * Applies TORRUST_DEPLOYER_CONFIG_OVERRIDE_<SECTION>__<KEY>[__<KEY>...] variables,
 * the way the tracker reads TORRUST_TRACKER_CONFIG_OVERRIDE_*. Segments are
 * lowercased; a number selects an array item. The value is typed by the schema.
 */
export function applyOverrides(data: Record<string, unknown>, env: NodeJS.ProcessEnv, schema: z.ZodType): Overridden {
  const result = structuredClone(data);
  const applied: Override[] = [];
  const problems: PendingProblem[] = [];
  const variables = Object.keys(env)
    .filter((name) => name.startsWith(OVERRIDE_PREFIX) && name.length > OVERRIDE_PREFIX.length)
    .sort();

  for (const variable of variables) {
    const path: KeyPath = variable
      .slice(OVERRIDE_PREFIX.length)
      .split('__')
      .map((segment) => (/^[0-9]+$/.test(segment) ? Number(segment) : segment.toLowerCase()));
    const text = env[variable] ?? '';
    const type = leafTypeAt(schema, path, result);
    if (type === undefined) {
      problems.push({ severity: 'warning', code: 'config.unknown_override', path, message: `${variable} names ${formatKeyPath(path)}, which is not a config key; it was ignored`, fix: `check the spelling: sections and keys are joined with "__", for example ${OVERRIDE_PREFIX}TRACKER__HTTP_API__ADMIN_TOKEN` });
      continue;
    }
    const value = typed(text, type);
    if (value === undefined) {
      problems.push({ severity: 'error', code: 'config.invalid_override', path, message: `${variable} must be a ${type}`, fix: type === 'boolean' ? 'set it to true or false' : 'set it to a whole number' });
      continue;
    }
    setAt(result, path, value);
    applied.push({ variable, path });
  }
  return { data: result, applied, problems };
}

function typed(text: string, type: 'number' | 'boolean' | 'string'): unknown {
  if (type === 'string') return text;
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : undefined;
  return /^-?[0-9]+$/.test(text.trim()) ? Number(text) : undefined;
}

function setAt(root: Record<string, unknown>, path: KeyPath, value: unknown): void {
  let node: Record<string | number, unknown> = root;
  path.forEach((part, index) => {
    if (index === path.length - 1) {
      node[part] = value;
      return;
    }
    const next = node[part];
    if (!isRecord(next) && !Array.isArray(next)) node[part] = typeof path[index + 1] === 'number' ? [] : {};
    node = node[part] as Record<string | number, unknown>;
  });
}
