import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { treeOf } from '../lifecycle/support.js';
import { runBinary, temporaryDirectory } from '../support/cli.js';

/** `ttd skills install [DIR]` copies the shipped agent skills where agent tools read them. */
const SKILLS = ['torrust-tracker-deployer', 'torrust-tracker-deployer-diagnose', 'torrust-tracker-deployer-from-rust', 'torrust-tracker-deployer-upgrade-restore'];
const ROOT = join(import.meta.dirname, '../..');
const ttd = (workingDir: string, ...args: string[]) => runBinary(['--working-dir', workingDir, 'skills', 'install', ...args], { cwd: workingDir });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, any>;

describe('skills install', () => {
  it('--dry-run lists every file it would write under .claude/skills, and writes nothing', async () => {
    const project = temporaryDirectory('ttd-skills-');
    const text = await ttd(project, '--dry-run');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Would install 4 skills into');
    for (const skill of SKILLS) expect(text.stdout).toMatch(new RegExp(`create +\\S*\\.claude/skills/${skill}/SKILL\\.md`));
    const json = lastJson((await ttd(project, '--dry-run', '--json')).stdout);
    expect(json).toMatchObject({ type: 'result', ok: true, exit_code: 0, dry_run: true, directory: join(project, '.claude', 'skills'), skills: SKILLS });
    expect(json['files']).toEqual(SKILLS.map((skill) => ({ skill, path: join(project, '.claude', 'skills', skill, 'SKILL.md'), action: 'create' })));
    expect(treeOf(project)).toEqual({});
  });

  it('installs the skills byte for byte; again, nothing changes; into another DIR (.agents/skills) too', async () => {
    const project = temporaryDirectory('ttd-skills-');
    const first = await ttd(project, '--json');
    expect(first.code, first.stderr).toBe(0);
    for (const skill of SKILLS) {
      expect(readFileSync(join(project, '.claude', 'skills', skill, 'SKILL.md'))).toEqual(readFileSync(join(ROOT, 'skills', skill, 'SKILL.md')));
    }
    const again = lastJson((await ttd(project, '--json')).stdout);
    expect(again['files'].map((file: { action: string }) => file.action)).toEqual(SKILLS.map(() => 'unchanged'));
    expect((await ttd(project, '.agents/skills')).code).toBe(0);
    expect(existsSync(join(project, '.agents', 'skills', 'torrust-tracker-deployer-diagnose', 'SKILL.md'))).toBe(true);
  });

  it('a skill file edited since: exit 1 naming it, unchanged, the dry run refusing alike; --force replaces it', async () => {
    const project = temporaryDirectory('ttd-skills-');
    expect((await ttd(project)).code).toBe(0);
    const edited = join(project, '.claude', 'skills', 'torrust-tracker-deployer', 'SKILL.md');
    writeFileSync(edited, 'my own notes\n');
    for (const dry of [[], ['--dry-run']]) {
      const refused = await ttd(project, ...dry, '--json');
      expect(refused.code).toBe(1);
      expect(lastJson(refused.stdout)['error']).toMatchObject({ code: 'file.exists', where: edited });
      expect(readFileSync(edited, 'utf8')).toBe('my own notes\n');
    }
    const dry = await ttd(project, '--force', '--dry-run');
    expect(dry.stdout).toMatch(/replace +\S*torrust-tracker-deployer\/SKILL\.md/);
    expect((await ttd(project, '--force')).code).toBe(0);
    expect(readFileSync(edited)).toEqual(readFileSync(join(ROOT, 'skills', 'torrust-tracker-deployer', 'SKILL.md')));
  });

  it('DIR that is a file is bad input: exit 2, nothing written', async () => {
    const project = temporaryDirectory('ttd-skills-');
    mkdirSync(join(project, 'notes'));
    writeFileSync(join(project, 'notes', 'skills'), 'a file\n');
    const before = treeOf(project);
    const result = await ttd(project, 'notes/skills');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('notes/skills is not a directory');
    expect(result.stderr).toContain('Fix:');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(treeOf(project)).toEqual(before);
  });
});
