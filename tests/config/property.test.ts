import fc from 'fast-check';
import { stringify } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parseConfigText, type ConfigFormat } from '../../src/config/document.js';
import { validateConfigDocument } from '../../src/config/load.js';
import { summarize, summaryLines } from '../../src/config/summary.js';
import { DeployerError } from '../../src/domain/errors.js';
import { minimalConfig } from '../support/configs.js';

/** What `validate` does with a file's text; the only exception allowed is a DeployerError (exit 2). */
function validateLikeTheCommand(text: string, format: ConfigFormat): void {
  let data: Record<string, unknown>;
  try {
    data = parseConfigText(`/fuzz.${format}`, format, text);
  } catch (error) {
    expect(error).toBeInstanceOf(DeployerError);
    expect((error as DeployerError).exitCode).toBe(2);
    return;
  }
  const loaded = validateConfigDocument({ path: `/fuzz.${format}`, format, text, data }, {});
  const errors = loaded.problems.filter((problem) => problem.severity === 'error');
  expect(loaded.config === undefined).toBe(errors.length > 0);
  for (const problem of loaded.problems) {
    expect(problem.message.length).toBeGreaterThan(0);
    expect(problem.fix.length).toBeGreaterThan(0);
  }
  if (loaded.config) expect(summaryLines(summarize(loaded.config)).length).toBeGreaterThan(0);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Paths into the minimal config, so mutations hit real keys as well as new ones. */
function pathsOf(node: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(node)) return [prefix, ...node.flatMap((item, index) => pathsOf(item, [...prefix, index]))];
  if (node !== null && typeof node === 'object') return [prefix, ...Object.entries(node).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
  return [prefix];
}

function mutate(root: Json, path: (string | number)[], value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let node = copy;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const base = minimalConfig({ prometheus: { scrape_interval_in_secs: 15 }, grafana: { admin_password: 'a-long-password' }, backup: {} }) as Json;
const paths = pathsOf(base);
const leafValues = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>('0.0.0.0:0', '[::]:6969', '127.0.0.1:1313', 'mysql', 'sqlite3', 'hetzner', 'existing', '${UNSET}', '${X:-1}', '', ' ', -1, 0, 65536, 1.5, true),
);
const mutation = fc.tuple(fc.constantFrom(...paths), fc.option(leafValues, { nil: undefined }));

describe('validate never crashes (property-based)', () => {
  it('on thousands of mutated configs, as JSON and as TOML', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (mutations, asToml) => {
        let config: Json = base;
        for (const [path, value] of mutations) {
          try {
            config = mutate(config, path, value);
          } catch {
            // the path no longer exists after an earlier mutation: keep going with the others
          }
        }
        if (asToml && config !== null && typeof config === 'object' && !Array.isArray(config)) {
          let toml: string;
          try {
            toml = stringify(config);
          } catch {
            return; // TOML cannot express this value (null inside a list): JSON covers it
          }
          validateLikeTheCommand(toml, 'toml');
        } else {
          validateLikeTheCommand(JSON.stringify(config), 'json');
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('on random documents and random text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => validateLikeTheCommand(JSON.stringify(value), 'json')),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom<ConfigFormat>('json', 'toml'), (text, format) => validateLikeTheCommand(text, format)),
      { numRuns: 2000 },
    );
  });
});
