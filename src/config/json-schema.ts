import { z } from 'zod';
import { EnvironmentConfigShape } from './schema.js';
import { IGNORED_FOREIGN_KEYS } from './unknown-keys.js';

export const SCHEMA_FILE_NAME = 'environment-config.schema.json';

/**
 * The JSON Schema editors use for completion and checks, generated from the zod schema.
 * It rejects unknown keys where `validate` does (every table is closed), and declares the
 * Rust deployer's keys that `validate` only warns about as deprecated, so an editor and
 * `validate` agree on every file (tests/config/json-schema-agreement.test.ts).
 */
export function environmentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(EnvironmentConfigShape, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown> & { properties: Record<string, unknown> };
  const ignored = Object.fromEntries(
    [...IGNORED_FOREIGN_KEYS].map(([key, why]) => [key, { deprecated: true, description: `Ignored (a Rust deployer key): ${why}.` }]),
  );
  return {
    ...schema,
    properties: { ...schema.properties, ...ignored },
    title: 'Torrust Tracker Deployer environment',
    description: 'One environment: where the tracker runs and what it serves. Also accepts the Rust deployer\'s JSON files.',
  };
}
