import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';

const run = promisify(execFile);
const TAPLO = resolve(import.meta.dirname, '../../node_modules/@taplo/cli/dist/cli.js');

/**
 * The TOML we write (create template, and init for the wizard's answers) as
 * editors see it: Taplo (behind VS Code's Even Better TOML) finds nothing to
 * reformat, and no line it could trip over (a long line with a trailing comment
 * made it panic).
 */
const WRITERS: readonly (readonly string[])[] = [
  ['create', 'template', 'lxd.toml', '--provider', 'lxd'],
  ['create', 'template', 'hetzner.toml', '--provider', 'hetzner'],
  ['create', 'template', 'existing.toml', '--provider', 'existing'],
  ['init', '--non-interactive', '--yes', '--name', 'defaults'],
  ['init', '--non-interactive', '--yes', '--name', 'everything', '--database', 'mysql', '--prometheus', '--grafana', '--backup', '--https', '--domain', 'example.org', '--https-email', 'ops@example.org'],
  ['init', '--non-interactive', '--yes', '--name', 'cloud', '--provider', 'hetzner', '--hetzner-token', 'a-token-with-${DOLLAR}', '--protocols', 'udp', '--private'],
  ['init', '--non-interactive', '--yes', '--name', 'adopted', '--provider', 'existing', '--host', '10.0.0.5', '--protocols', 'http', '--database', 'mysql'],
];

describe('the TOML files we write', () => {
  const files: string[] = [];

  beforeAll(async () => {
    const dir = temporaryDirectory('ttd-toml-');
    mkdirSync(join(dir, 'home'));
    for (const args of WRITERS) {
      const result = await runBinary([...args, '--working-dir', dir], { cwd: dir, env: { HOME: join(dir, 'home') } });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
    files.push(...['lxd', 'hetzner', 'existing'].map((name) => join(dir, `${name}.toml`)));
    files.push(...['defaults', 'everything', 'cloud', 'adopted'].map((name) => join(dir, 'envs', `${name}.toml`)));
  }, 120_000);

  it('are in Taplo\'s canonical form (taplo fmt --check)', async () => {
    // taplo passes a path that does not exist: each file is read first, so a missing one fails here.
    for (const file of files) expect(readFileSync(file, 'utf8')).toContain('[environment]');
    const checked = await run(process.execPath, [TAPLO, 'fmt', '--check', ...files]).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code ?? 1, stderr: error.stderr ?? '' }),
    );
    expect(checked.code, checked.stderr).toBe(0);
  }, 120_000);

  it('keep comments on their own lines, and what we wrote within 80 columns', () => {
    for (const file of files) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const comment = line.trimStart().startsWith('#');
        // A value may hold a '#' inside its string; only a '#' after the value is a trailing comment.
        expect(comment || !/^[^"#]*=\s*("[^"]*"|[^"#\s]+)\s+#/.test(line), `${file}: ${line}`).toBe(true);
        if (comment) expect(line.length, `${file}: ${line}`).toBeLessThanOrEqual(80);
      }
    }
  });
});
