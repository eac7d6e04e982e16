import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleConfigFiles } from '../../docs/examples/generate.mjs';
import { loadConfigFile } from '../../src/config/load.js';
import { starterConfig } from '../../src/config/starter.js';
import { environmentToml } from '../../src/config/write-toml.js';
import type { EnvironmentConfig } from '../../src/config/schema.js';

/**
 * The TOML files we write (`create template`, the wizard, both through environmentToml) keep
 * their comments within 80 columns and each on its own line: Taplo panics on a long line with a
 * trailing comment, and a comment after a value is what an editor's formatter moves about.
 */
const options = { filePath: 'envs/example.toml', schemaPath: './environment.schema.json' };

async function exampleConfig(file: string): Promise<EnvironmentConfig> {
  const loaded = await loadConfigFile(file, {});
  if (!loaded.config) throw new Error(`${file} does not validate: ${JSON.stringify(loaded.problems)}`);
  return loaded.config;
}

const generated: [string, () => Promise<string>][] = [
  ...(['lxd', 'hetzner', 'existing'] as const).map((provider): [string, () => Promise<string>] => [`create template --provider ${provider}`, async () => environmentToml(starterConfig(provider), options)]),
  ...exampleConfigFiles().map((file): [string, () => Promise<string>] => [basename(file), async () => environmentToml(await exampleConfig(file), options)]),
];

/** A value line with a `#` after the value, outside any string (the strings we write are basic strings). */
function hasTrailingComment(line: string): boolean {
  if (line.trimStart().startsWith('#')) return false;
  const outsideStrings = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return outsideStrings.includes('#');
}

describe.each(generated)('%s: the generated TOML', (_name, generate) => {
  it('has no comment line over 80 columns and no comment after a value', async () => {
    const lines = (await generate()).split('\n');
    // A value line is as long as the config's own value makes it (a description, a path).
    expect(lines.filter((line) => line.trimStart().startsWith('#') && [...line].length > 80)).toEqual([]);
    expect(lines.filter(hasTrailingComment)).toEqual([]);
  });
});

describe.each(exampleConfigFiles().map((file) => [basename(file), file] as const))('%s: the example config as written', (_name, file) => {
  it('has no comment after a value (taplo fmt keeps its own spacing before one)', () => {
    expect(readFileSync(file, 'utf8').split('\n').filter(hasTrailingComment)).toEqual([]);
  });
});

describe('hasTrailingComment', () => {
  it('sees a comment after a value and not a # inside a string', () => {
    expect(hasTrailingComment('private = false   # true: peers need a key')).toBe(true);
    expect(hasTrailingComment('password = "a#b\\"#c"')).toBe(false);
    expect(hasTrailingComment('# host = "203.0.113.10"')).toBe(false);
  });
});
