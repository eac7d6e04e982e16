#!/usr/bin/env node
// The second half of `npm run build`: bundles the compiled CLI (tsc's dist/src/cli/main.js)
// into dist/src/cli/main.js plus chunks in dist/src/cli/chunks/, split at every dynamic
// import, so each command loads a few files instead of ~200 modules. Why and the measured
// figures: docs/decisions/bundled-cli.md. The pure-JS dependencies that start-up needs
// are bundled in; the rest (Ink, React, ssh2 and its native parts, the MCP SDK…) stay in
// node_modules, imported as they are. chunks/modules.json lists the modules each chunk
// holds, for the tests that check what a command loads (tests/support/record-imports.mjs).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/src/cli');
const ENTRY = join(CLI, 'main.js');
const CHUNKS = join(CLI, 'chunks');
const BANNER = '// Bundled by scripts/bundle-cli.mjs from the compiled sources in dist/src (see docs/decisions/bundled-cli.md).';
// Not chalk: Ink imports it from node_modules, and --no-color/NO_COLOR reach Ink's screens by
// setting that one instance's level (screens/ink-colors.ts); a bundled copy would be a second chalk.
const BUNDLED_DEPENDENCIES = ['zod', 'smol-toml', 'commander'];

if (!existsSync(ENTRY) || readFileSync(ENTRY, 'utf8').includes(BANNER)) {
  throw new Error(`${relative(ROOT, ENTRY)} is not tsc's output: run \`npm run build\` (tsc, then this script)`);
}

const bundledDependency = (id) => BUNDLED_DEPENDENCIES.some((name) => id === name || id.startsWith(`${name}/`));
const bundle = await rolldown({
  input: { main: ENTRY },
  platform: 'node',
  // A bare specifier stays an import unless it is one of the dependencies above; `#…` are a package's own imports.
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('#') && !id.startsWith('\0') && !bundledDependency(id),
  logLevel: 'warn',
});
rmSync(CHUNKS, { recursive: true, force: true });
const { output } = await bundle.write({
  dir: CLI,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: 'chunks/[name]-[hash].js',
  sourcemap: true,
  banner: (chunk) => (chunk.isEntry ? BANNER : ''),
  // A few larger chunks load faster than many small ones: package.json's reader (all that
  // --version loads beside main.js), what every other command needs (the program, the
  // reporter), and the config reader with everything it imports (zod, the TOML reader, the
  // stack's schema parts), each as one file. --help loads the first two only.
  codeSplitting: {
    groups: [
      { name: 'package-info', test: (id) => id === join(ROOT, 'dist/src/package-info.js'), includeDependenciesRecursively: true, priority: 3 },
      { name: 'program', test: (id) => id === join(CLI, 'program.js'), includeDependenciesRecursively: true, priority: 2 },
      { name: 'config', test: (id) => id === join(ROOT, 'dist/src/config/load.js'), includeDependenciesRecursively: true, priority: 1 },
    ],
  },
});
await bundle.close();

const modules = {};
for (const chunk of output) {
  if (chunk.type === 'chunk') modules[chunk.fileName] = chunk.moduleIds.filter((id) => !id.startsWith('\0')).map((id) => relative(ROOT, id));
}
writeFileSync(join(CHUNKS, 'modules.json'), `${JSON.stringify(modules, null, 2)}\n`);
