#!/usr/bin/env node
// Regenerates docs/examples/rendered/ from docs/examples/configs/ (npm run examples).
// Each config is rendered as `ttd render` would, with --instance-ip 203.0.113.10;
// a test renders them again into a temporary directory and compares byte for byte.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../../dist/src/config/load.js';
import { renderArtifacts } from '../../dist/src/render/render.js';

const here = dirname(fileURLToPath(import.meta.url));
export const CONFIGS_DIR = join(here, 'configs');
export const RENDERED_DIR = join(here, 'rendered');
export const EXAMPLE_INSTANCE_IP = '203.0.113.10';

export function exampleConfigFiles() {
  return readdirSync(CONFIGS_DIR).filter((name) => name.endsWith('.toml')).sort().map((name) => join(CONFIGS_DIR, name));
}

/** Renders every example config into outputDir/<config name>/; returns the names. */
export async function generateExamples(outputDir) {
  const names = [];
  for (const file of exampleConfigFiles()) {
    const name = file.split('/').pop().replace(/\.toml$/, '');
    const loaded = await loadConfigFile(file, {});
    if (!loaded.config) {
      const errors = loaded.problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.path}: ${problem.message}`);
      throw new Error(`${file} is not valid:\n${errors.join('\n')}`);
    }
    const sshPublicKey = readFileSync(loaded.config.ssh_credentials.public_key_path, 'utf8');
    const artifacts = renderArtifacts(loaded.config, { instanceIp: EXAMPLE_INSTANCE_IP, sshPublicKey });
    for (const [path, artifact] of artifacts) {
      const target = join(outputDir, name, ...path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, artifact.content, { mode: artifact.mode });
    }
    names.push(name);
  }
  return names;
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  rmSync(RENDERED_DIR, { recursive: true, force: true });
  const names = await generateExamples(RENDERED_DIR);
  console.log(`Rendered ${names.length} examples into ${RENDERED_DIR}`);
}
