import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describeCli } from '../commands/docs.js';
import { shippedSkills, SKILLS_DIR } from '../commands/skills-install.js';
import { environmentJsonSchema } from '../config/json-schema.js';
import { PACKAGE_ROOT } from '../paths.js';

/** The folders under docs/ served as ttd://docs/<folder>/<file>, with their MIME type. */
const DOC_FOLDERS = [
  { folder: 'user-guide', extension: '.md', mimeType: 'text/markdown', what: 'User guide' },
  { folder: 'reference', extension: '.md', mimeType: 'text/markdown', what: 'Reference' },
  { folder: 'examples/configs', extension: '.toml', mimeType: 'application/toml', what: 'Example config' },
] as const;

/** The docs an agent reads before acting: user guide, references, example configs, the agent skills, the config's JSON Schema, the CLI as JSON. */
export function registerResources(server: McpServer): void {
  for (const { folder, extension, mimeType, what } of DOC_FOLDERS) {
    const directory = join(PACKAGE_ROOT, 'docs', folder);
    if (!existsSync(directory)) continue;
    for (const name of readdirSync(directory).filter((file) => file.endsWith(extension)).sort()) {
      const path = join(directory, name);
      const uri = `ttd://docs/${folder}/${name}`;
      server.registerResource(`${folder}/${name}`, uri, { title: `${what}: ${titleOf(path, name)}`, mimeType }, async () => ({
        contents: [{ uri, mimeType, text: readFileSync(path, 'utf8') }],
      }));
    }
  }
  for (const skill of shippedSkills()) {
    const uri = `ttd://skills/${skill}/SKILL.md`;
    const path = join(SKILLS_DIR, skill, 'SKILL.md');
    server.registerResource(`skills/${skill}`, uri, { title: `Agent skill: ${titleOf(path, skill)}`, mimeType: 'text/markdown' }, async () => ({
      contents: [{ uri, mimeType: 'text/markdown', text: readFileSync(path, 'utf8') }],
    }));
  }
  const json = (uri: string, name: string, title: string, description: string, value: () => unknown) =>
    server.registerResource(name, uri, { title, description, mimeType: 'application/json' }, async () => ({
      contents: [{ uri, mimeType: 'application/json', text: `${JSON.stringify(value(), null, 2)}\n` }],
    }));
  json('ttd://schema/environment.json', 'config-schema', 'JSON Schema of the environment config', 'Every section and key of envs/<name>.toml, with types, defaults and descriptions.', environmentJsonSchema);
  json('ttd://cli.json', 'cli', 'The CLI as JSON', 'Every command, argument and flag, the states, exit codes and error codes (the output of `ttd docs`).', describeCli);
}

/** A markdown file's first heading, or its name. */
function titleOf(path: string, name: string): string {
  if (!name.endsWith('.md')) return name;
  const heading = /^#\s+(.+)$/m.exec(readFileSync(path, 'utf8'));
  return heading?.[1]?.trim() ?? name;
}
