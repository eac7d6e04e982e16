import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect, scratchHome } from './support.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('the agent skill', () => {
  const text = readFileSync(resolve(ROOT, 'skills/torrust-tracker-deployer/SKILL.md'), 'utf8');

  it('has the agentskills.io front matter: a name matching its folder and a description', () => {
    const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
    expect(match).not.toBeNull();
    // One `key: value` per line, as the front matter is written.
    const meta = Object.fromEntries(match![1]!.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()])) as { name: string; description: string };
    expect(meta.name).toBe('torrust-tracker-deployer');
    expect(meta.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(meta.description.length).toBeGreaterThan(50);
    expect(meta.description.length).toBeLessThanOrEqual(1024);
  });

  it('points only at files and tools that exist', async () => {
    for (const [, path] of text.matchAll(/`((?:docs|questionnaire)\/[^`\s]+)`/g)) expect(existsSync(resolve(ROOT, path!)), path).toBe(true);
    const session = await connect(scratchHome());
    try {
      const served = (await session.client.listTools()).tools.map((tool) => tool.name);
      // A tool call as the skill writes one: `name {...}`.
      const called = [...text.matchAll(/`([a-z_]+) \{/g)].map((match) => match[1]!);
      expect(called).toEqual(expect.arrayContaining(['validate', 'deploy', 'destroy', 'status', 'logs', 'backup', 'backup_list', 'restore', 'upgrade']));
      for (const name of called) expect(served, name).toContain(name);
    } finally {
      await session.close();
    }
  });
});
