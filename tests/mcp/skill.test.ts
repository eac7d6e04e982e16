import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedSkills } from '../../src/commands/skills-install.js';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { connect, scratchHome } from './support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SKILLS = shippedSkills();
const textOf = (skill: string) => readFileSync(resolve(ROOT, 'skills', skill, 'SKILL.md'), 'utf8');
/** A tool call as the skills write one: `name {...}`. */
const toolCalls = (text: string) => [...text.matchAll(/`([a-z_]+) \{/g)].map((match) => match[1]!);

describe('the agent skills', () => {
  let served: string[];

  beforeAll(async () => {
    const session = await connect(scratchHome());
    try {
      served = (await session.client.listTools()).tools.map((tool) => tool.name);
    } finally {
      await session.close();
    }
  }, 60_000);

  it('are the deploy path, diagnosing a failure, upgrading and restoring, and moving from the Rust deployer', () => {
    expect(SKILLS).toEqual(['torrust-tracker-deployer', 'torrust-tracker-deployer-diagnose', 'torrust-tracker-deployer-from-rust', 'torrust-tracker-deployer-upgrade-restore']);
  });

  describe.each(SKILLS)('%s', (skill) => {
    const text = textOf(skill);

    it('has the agentskills.io front matter: a name matching its folder and a description', () => {
      const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
      expect(match).not.toBeNull();
      // One `key: value` per line, as the front matter is written.
      const meta = Object.fromEntries(match![1]!.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()])) as { name: string; description: string };
      expect(meta.name).toBe(skill);
      expect(meta.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(meta.name.length).toBeLessThanOrEqual(64);
      expect(meta.description.length).toBeGreaterThan(50);
      expect(meta.description.length).toBeLessThanOrEqual(1024);
    });

    it('points only at files, tools and error codes that exist', () => {
      for (const [, path] of text.matchAll(/`((?:docs|questionnaire)\/[^`\s]+)`/g)) expect(existsSync(resolve(ROOT, path!)), path).toBe(true);
      for (const [, uri] of text.matchAll(/`ttd:\/\/docs\/([^`\s]+)`/g)) expect(existsSync(resolve(ROOT, 'docs', uri!)), uri).toBe(true);
      for (const name of toolCalls(text)) expect(served, name).toContain(name);
      // The first column of an error table: each a code the deployer reports.
      for (const [, code] of text.matchAll(/^\| `([a-z_.]+)` \|/gm)) expect(Object.keys(ERROR_CODES), code).toContain(code);
    });
  });

  it('the deploy skill calls the tools of the whole path; the others the ones their job needs', () => {
    expect(toolCalls(textOf('torrust-tracker-deployer'))).toEqual(expect.arrayContaining(['validate', 'deploy', 'destroy', 'status', 'logs', 'backup', 'backup_list', 'restore', 'upgrade']));
    expect(toolCalls(textOf('torrust-tracker-deployer-diagnose'))).toEqual(expect.arrayContaining(['show', 'status', 'logs', 'test']));
    expect(toolCalls(textOf('torrust-tracker-deployer-upgrade-restore'))).toEqual(expect.arrayContaining(['status', 'backup_list', 'backup', 'upgrade', 'restore']));
    expect(toolCalls(textOf('torrust-tracker-deployer-from-rust'))).toEqual(expect.arrayContaining(['validate', 'create_environment', 'register', 'deploy']));
  });

  it('the diagnosing skill covers the codes a failed deploy ends with', () => {
    const listed = [...textOf('torrust-tracker-deployer-diagnose').matchAll(/^\| `([a-z_.]+)` \|/gm)].map((match) => match[1]);
    expect(listed).toEqual(expect.arrayContaining(['config.invalid', 'environment.wrong_state', 'environment.locked', 'ssh.unreachable', 'ssh.auth_failed', 'ssh.host_key_changed', 'ssh.sudo_denied', 'apt.failed', 'smoke.failed', 'upgrade.failed', 'restore.failed']));
  });

  it('the upgrade and restore skill never runs either without the user\'s yes', () => {
    const text = textOf('torrust-tracker-deployer-upgrade-restore');
    const calls = [...text.matchAll(/`(upgrade|restore) (\{[^`]*\})`/g)].map((match) => match[0]);
    expect(calls.filter((call) => call.includes('"dry_run": false')).length).toBeGreaterThanOrEqual(2);
    for (const call of calls) if (call.includes('"dry_run": false')) expect(call).toContain('"confirm": true');
    expect(text).toMatch(/Only after their yes: `upgrade/);
    expect(text).toMatch(/Only after their yes: `restore/);
  });
});
