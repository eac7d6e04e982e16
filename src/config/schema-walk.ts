import type { z } from 'zod';
import type { KeyPath } from './problems.js';

/**
 * Finds the schema that governs a key path, looking through optional, default
 * and nullable wrappers and choosing the branch of a discriminated union from
 * the document itself. Used to suggest keys and to type environment overrides.
 */

type AnySchema = z.ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  options?: AnySchema[];
  discriminator?: string;
  in?: AnySchema;
  values?: unknown[];
}

const defOf = (schema: AnySchema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

export function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') && def.innerType) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      current = def.in;
    } else {
      return current;
    }
  }
}

/** The object schemas a document value at this place may follow (several when a union branch is unknown). */
function objectBranches(schema: AnySchema, value: unknown): AnySchema[] {
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (def.type === 'object') return [inner];
  if (def.type === 'union' && def.options) {
    const chosen = def.discriminator && isRecord(value) ? def.options.filter((option) => discriminatorMatches(option, def.discriminator ?? '', value)) : [];
    return (chosen.length > 0 ? chosen : def.options).flatMap((option) => objectBranches(option, value));
  }
  return [];
}

function discriminatorMatches(option: AnySchema, discriminator: string, value: Record<string, unknown>): boolean {
  const field = shapeField(defOf(unwrap(option)), discriminator);
  return field !== undefined && (defOf(unwrap(field)).values ?? []).includes(value[discriminator]);
}

/** A key of the schema's shape; a key named like an Object.prototype member (constructor, __proto__) is no field. */
function shapeField(def: Def, key: string): AnySchema | undefined {
  return def.shape !== undefined && Object.hasOwn(def.shape, key) ? def.shape[key] : undefined;
}

export function schemaAt(root: AnySchema, path: KeyPath, document: unknown): AnySchema | undefined {
  let schema: AnySchema = root;
  let value: unknown = document;
  for (const part of path) {
    const inner = unwrap(schema);
    const def = defOf(inner);
    if (def.type === 'array' && def.element && typeof part === 'number') {
      schema = def.element;
    } else {
      const field = objectBranches(inner, value)
        .map((branch) => shapeField(defOf(branch), String(part)))
        .find((candidate) => candidate !== undefined);
      if (!field) return undefined;
      schema = field;
    }
    value = valueAt(value, [part]);
  }
  return schema;
}

/** The keys an object at this path may hold. */
export function knownKeysAt(root: AnySchema, path: KeyPath, document: unknown): string[] {
  const schema = schemaAt(root, path, document);
  if (!schema) return [];
  const value = valueAt(document, path);
  return [...new Set(objectBranches(schema, value).flatMap((branch) => Object.keys(defOf(branch).shape ?? {})))];
}

/** The primitive type a leaf expects, to turn an environment variable's text into the right type. */
export function leafTypeAt(root: AnySchema, path: KeyPath, document: unknown): 'number' | 'boolean' | 'string' | undefined {
  const schema = schemaAt(root, path, document);
  if (!schema) return undefined;
  const type = defOf(unwrap(schema)).type;
  return type === 'number' || type === 'boolean' || type === 'string' ? type : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function valueAt(root: unknown, path: KeyPath): unknown {
  return path.reduce<unknown>(
    (node, part) => (isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[part] : undefined),
    root,
  );
}
