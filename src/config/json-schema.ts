import { z } from 'zod';
import { EnvironmentConfigShape } from './schema.js';

export const SCHEMA_FILE_NAME = 'environment-config.schema.json';

/** The JSON Schema editors use for completion and checks, generated from the zod schema. */
export function environmentJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(EnvironmentConfigShape, { io: 'input', target: 'draft-2020-12' }),
    title: 'Torrust Tracker Deployer environment',
    description: 'One environment: where the tracker runs and what it serves. Also accepts the Rust deployer\'s JSON files.',
  };
}
