import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { environmentJsonSchema } from '../../src/config/json-schema.js';
import { loadConfigText } from '../../src/config/load.js';
import { IGNORED_FOREIGN_KEYS } from '../../src/config/unknown-keys.js';
import { starterConfig, starterInput } from '../../src/config/starter.js';
import { environmentToml } from '../../src/config/write-toml.js';
import { formatKeyPath, type KeyPath } from '../../src/config/problems.js';
import { deployerJsonFixtures, readJson } from '../support/configs.js';

/**
 * The JSON Schema (`create schema`, what editors check with) and `validate` agree on every
 * fixture config: both accept it; both reject an unknown key in any table of it, at the same
 * place; both accept the Rust deployer's ignored `caddy` section (validate with a warning).
 * The schema is checked by ajv, a JSON Schema validator we did not write.
 */

const PROVIDERS = ['lxd', 'hetzner', 'existing'] as const;
const EXAMPLES = resolve(import.meta.dirname, '../../docs/examples/configs');
const tomlExamples = readdirSync(EXAMPLES).filter((name) => name.endsWith('.toml')).sort().map((name) => join(EXAMPLES, name));
const configs: [string, Record<string, unknown>][] = [
  ...deployerJsonFixtures().map((file): [string, Record<string, unknown>] => [basename(file), readJson(file)]),
  ...tomlExamples.map((file): [string, Record<string, unknown>] => [basename(file), parseToml(readFileSync(file, 'utf8')) as Record<string, unknown>]),
  // What `create template` writes, in both formats.
  ...PROVIDERS.flatMap((provider): [string, Record<string, unknown>][] => [
    [`create template --provider ${provider} (json)`, { $schema: './environment-config.schema.json', ...starterInput(provider) } as Record<string, unknown>],
    [`create template --provider ${provider} (toml)`, parseToml(environmentToml(starterConfig(provider), { filePath: 'starter.toml', schemaPath: './s.json' })) as Record<string, unknown>],
  ]),
];

const ajv = new Ajv2020({ allErrors: true, strict: true });
const schemaAccepts = ajv.compile(environmentJsonSchema());

function validateData(data: Record<string, unknown>) {
  return loadConfigText(JSON.stringify(data), 'json', 'config.json', '/nonexistent', {});
}

/** Every table (object) of the document, the root included, as a key path. */
function tablesOf(value: unknown, path: KeyPath = []): KeyPath[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => tablesOf(item, [...path, index]));
  if (value === null || typeof value !== 'object') return [];
  return [path, ...Object.entries(value).flatMap(([key, item]) => tablesOf(item, [...path, key]))];
}

function withKey(data: Record<string, unknown>, table: KeyPath, key: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(data);
  const target = table.reduce<Record<string | number, unknown>>((node, part) => node[part] as Record<string | number, unknown>, copy);
  target[key] = value;
  return copy;
}

describe('the JSON Schema and validate agree on every fixture config', () => {
  it('there are fixtures of both kinds', () => {
    expect(deployerJsonFixtures()).toHaveLength(15);
    expect(tomlExamples.length).toBeGreaterThanOrEqual(10);
  });

  it.each(configs)('%s: both accept it', (_name, data) => {
    expect(schemaAccepts(data), JSON.stringify(schemaAccepts.errors)).toBe(true);
    expect(validateData(data).problems.filter((problem) => problem.severity === 'error')).toEqual([]);
  });

  it.each(configs)('%s: both reject a mistyped key in every table, at the same place', (_name, data) => {
    // Inside an ignored section (caddy) anything goes, for both: the other test covers it.
    const tables = tablesOf(data).filter((table) => !IGNORED_FOREIGN_KEYS.has(String(table[0])));
    expect(tables.length).toBeGreaterThan(8);
    for (const table of tables) {
      const mistyped = withKey(data, table, 'privte', true);
      expect(schemaAccepts(mistyped), `schema accepted privte in ${formatKeyPath(table) || 'the top level'}`).toBe(false);
      const pointer = table.map((part) => `/${part}`).join('');
      expect(schemaAccepts.errors).toContainEqual(expect.objectContaining({ keyword: 'additionalProperties', instancePath: pointer, params: { additionalProperty: 'privte' } }));

      const errors = validateData(mistyped).problems.filter((problem) => problem.severity === 'error');
      expect(errors).toEqual([expect.objectContaining({ code: 'config.unknown_key', path: formatKeyPath([...table, 'privte']) })]);
    }
  });

  it.each(configs)('%s: both accept the Rust deployer\'s caddy section; validate warns that it is ignored', (_name, data) => {
    const withCaddy = { ...data, caddy: { domain: 'tracker.example.org', email: 'ops@example.org', privte: true } };
    expect(schemaAccepts(withCaddy), JSON.stringify(schemaAccepts.errors)).toBe(true);
    const problems = validateData(withCaddy).problems;
    expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(problems).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'config.ignored_key', path: 'caddy' }));
  });

  it('the schema declares the caddy section deprecated', () => {
    const properties = (environmentJsonSchema() as { properties: Record<string, { deprecated?: boolean }> }).properties;
    expect(properties['caddy']?.deprecated).toBe(true);
  });
});
