import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { CommandHandler } from '../cli/context.js';
import { displayPath } from '../paths.js';
import { DeployerError } from '../domain/errors.js';
import { PACKAGE_ROOT } from '../paths.js';

/** The skills shipped with the package: every folder of skills/ that holds a SKILL.md. */
export const SKILLS_DIR = join(PACKAGE_ROOT, 'skills');
/** Where Claude Code looks for a project's skills; `.agents/skills` is the others' (docs/user-guide/ai-agents.md). */
export const DEFAULT_SKILLS_TARGET = join('.claude', 'skills');

export interface SkillFile {
  readonly skill: string;
  /** Path inside the skill's folder. */
  readonly file: string;
  readonly source: string;
  readonly target: string;
  readonly action: 'create' | 'replace' | 'unchanged';
}

export function shippedSkills(): string[] {
  return readdirSync(SKILLS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(SKILLS_DIR, entry.name, 'SKILL.md')))
    .map((entry) => entry.name)
    .sort();
}

/** Each file of each skill, where it goes under `directory`, and whether that creates, replaces or keeps a file. */
export function skillFiles(directory: string): SkillFile[] {
  return shippedSkills().flatMap((skill) => {
    const folder = join(SKILLS_DIR, skill);
    return readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
      .sort()
      .map((file) => {
        const source = join(folder, file);
        const target = join(directory, skill, file);
        const action = !existsSync(target) ? 'create' : readFileSync(target).equals(readFileSync(source)) ? 'unchanged' : 'replace';
        return { skill, file, source, target, action } as const;
      });
  });
}

/**
 * `skills install [DIR]`: copies the agent skills into DIR (default .claude/skills of the
 * working directory), one folder per skill. A file that differs is replaced only with --force.
 */
const skillsInstall: CommandHandler = async (context, input) => {
  const directory = resolve(context.workingDir, input.args['dir'] ?? DEFAULT_SKILLS_TARGET);
  if (existsSync(directory) && !statSync(directory).isDirectory()) {
    throw new DeployerError('usage.invalid', `${displayPath(directory)} is not a directory`, { where: directory, fix: 'give a directory (it is created when missing), for example .claude/skills or .agents/skills' });
  }
  const files = skillFiles(directory);
  const changed = files.filter((file) => file.action === 'replace');
  if (changed.length > 0 && input.options['force'] !== true) {
    throw new DeployerError('file.exists', `${changed.length} installed skill file(s) differ from this version's: ${changed.map((file) => displayPath(file.target)).join(', ')}`, {
      where: changed[0]!.target,
      fix: 'pass --force to replace them (edits made to them are lost), or give another directory',
    });
  }
  const listed = files.map((file) => ({ skill: file.skill, path: file.target, action: file.action }));
  const lines = files.map((file) => `  ${file.action.padEnd(9)} ${displayPath(file.target)}`);
  const skills = [...new Set(files.map((file) => file.skill))];

  if (context.dryRun) {
    context.output.resultJson({ dry_run: true, directory, skills, files: listed });
    context.output.result([`Would install ${skills.length} skills into ${displayPath(directory)}:`, ...lines].join('\n'));
    return 0;
  }
  try {
    for (const file of files.filter((candidate) => candidate.action !== 'unchanged')) {
      await mkdir(dirname(file.target), { recursive: true });
      await writeFile(file.target, readFileSync(file.source), { mode: 0o644 });
    }
  } catch (error) {
    throw new DeployerError('io.write_failed', `Cannot install the skills into ${directory}: ${(error as Error).message}`, { where: directory, fix: 'check the directory is writable' });
  }
  context.output.resultJson({ directory, skills, files: listed });
  context.output.success(`Installed ${skills.length} skills into ${displayPath(directory)}`);
  context.output.result(lines.join('\n'));
  return 0;
};

export default skillsInstall;
