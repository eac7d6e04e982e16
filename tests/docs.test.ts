import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands.js';
import { environmentJsonSchema } from '../src/config/json-schema.js';
import { PROBLEM_CODES } from '../src/config/problems.js';
import { ERROR_CODES } from '../src/domain/errors.js';

const read = (path: string) => readFileSync(resolve(import.meta.dirname, '..', path), 'utf8');

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  default?: unknown;
}

/** Every key path in the JSON Schema, with its default when it has a scalar one. */
function keysOf(node: SchemaNode, prefix = ''): { path: string; default?: unknown }[] {
  const branches = node.oneOf ?? node.anyOf;
  if (branches) return branches.flatMap((branch) => keysOf(branch, prefix));
  if (node.type === 'array' && node.items) return keysOf(node.items, `${prefix}[]`);
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const isSection = child.properties !== undefined || child.oneOf !== undefined || child.anyOf !== undefined;
    return [...(isSection ? [] : [{ path, default: child.default }]), ...keysOf(child, path)];
  });
}

describe('documentation agrees with the code', () => {
  it('docs/user-guide/config.md documents every key with its default', () => {
    const doc = read('docs/user-guide/config.md');
    for (const key of keysOf(environmentJsonSchema() as SchemaNode)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${key.path}\``));
      expect(row, `config.md has no row for ${key.path}`).toBeDefined();
      if (key.default !== undefined && typeof key.default !== 'object') {
        expect(row, `config.md row for ${key.path} shows its default`).toContain(`\`${JSON.stringify(key.default)}\``);
      }
    }
  });

  it('the README lists every command and the test command CI runs', () => {
    const readme = read('README.md');
    for (const command of COMMANDS) expect(readme, command.name).toMatch(new RegExp(`\`${command.name}\\b`));
    for (const flag of ['`-v`', '`-q`', '`--json`', '`--dry-run`', '`--non-interactive`', '`--working-dir DIR`', '`--no-color`', '--output-format', '-f/--env-file']) {
      expect(readme, flag).toContain(flag);
    }
    // CI runs exactly the README's test commands, each as a timed phase (its output may be copied to a log).
    for (const command of ['npm test', 'npm run test:lab']) {
      expect(read('.ci/run')).toMatch(new RegExp(`\\nphase "${command}" ${command}( >[^\\n]*)?\\n`));
      expect(readme).toContain(command);
    }
  });

  it('docs/reference/errors.md lists every error and problem code', () => {
    const doc = read('docs/reference/errors.md');
    for (const code of [...Object.keys(ERROR_CODES), ...Object.keys(PROBLEM_CODES)]) expect(doc, code).toContain(`\`${code}\``);
  });
});

describe('the migration guide from the Rust deployer', () => {
  it('every command line of its "Try it" block runs and exits 0, in order', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { runBinary, temporaryDirectory } = await import('./support/cli.js');
    const guide = read('docs/user-guide/from-the-rust-deployer.md');
    const block = /## Try it\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(guide)?.[1] ?? '';
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThanOrEqual(14);
    const dir = temporaryDirectory('ttd-guide-');
    const home = temporaryDirectory('ttd-guide-home-');
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh', 'id_ed25519'), 'private');
    writeFileSync(join(home, '.ssh', 'id_ed25519.pub'), 'ssh-ed25519 AAAA guide');
    for (const line of lines) {
      const words = line.split(/\s+/);
      const env: Record<string, string> = { HOME: home };
      while (words[0]?.includes('=')) {
        const [key, value] = words.shift()!.split('=');
        env[key!] = value!;
      }
      expect(words.shift(), line).toBe('ttd');
      const result = await runBinary(words, { cwd: dir, env });
      expect(result.code, `${line}\n${result.stderr}`).toBe(0);
    }
  }, 120_000);
});
