import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfigFile } from '../../src/config/load.js';
import { renderArtifacts, type Artifacts, type RenderOptions } from '../../src/render/render.js';
import { temporaryDirectory } from '../support/cli.js';

export interface ToolResult {
  readonly code: number;
  readonly output: string;
}

/** Runs a real validator. A missing tool fails the test, saying how npm test installs it. */
export function runTool(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
  return new Promise((done, fail) => {
    execFile(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        fail(new Error(`${command} is not installed: as root on Debian, npm test installs it (scripts/test-setup.mjs)`));
        return;
      }
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/**
 * yamllint's default rules (run with --strict, so a warning fails too), less two that do not
 * fit what we render: line-length, because compose must spell out the tracker's long
 * TORRUST_TRACKER_CONFIG_OVERRIDE_… variable names and the generated headers name whole config
 * paths; document-start, because none of the files that read them wants a `---` (cloud-init's
 * first line must be `#cloud-config`). For the same reason the comments rule skips
 * cloud-init.yml: its `#cloud-config` marker has no space after the `#`, and cannot have one.
 */
export const YAMLLINT_CONFIG = JSON.stringify({
  extends: 'default',
  rules: { 'line-length': 'disable', 'document-start': 'disable', comments: { ignore: '/cloud-init.yml\n' } },
});

/** The warning (or worse) lines Caddy logged, in its JSON or console log format. */
export function caddyWarnings(output: string): string[] {
  return output.split('\n').filter((line) => /"level":"(warn|error)"|\t(WARN|ERROR)\t/i.test(line));
}

export async function renderFile(file: string, options: RenderOptions = {}): Promise<Artifacts> {
  const loaded = await loadConfigFile(file, {});
  if (!loaded.config) throw new Error(`${file} does not validate: ${JSON.stringify(loaded.problems)}`);
  return renderArtifacts(loaded.config, options);
}

export function writeArtifacts(artifacts: Artifacts, directory = temporaryDirectory('ttd-render-')): string {
  for (const [path, artifact] of artifacts) {
    const target = join(directory, ...path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, artifact.content, { mode: artifact.mode });
  }
  return directory;
}
