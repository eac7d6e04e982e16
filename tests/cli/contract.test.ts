import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { runBinary, temporaryDirectory } from '../support/cli.js';

const packageJson = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
const RECORD_IMPORTS = resolve(import.meta.dirname, '../support/record-imports.mjs');

describe('the command-line contract', () => {
  it('--version prints the package version, exit 0', async () => {
    const result = await runBinary(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${packageJson.version}\n` });
  });

  it('installs as torrust-tracker-deployer and ttd', () => {
    expect(Object.keys(packageJson.bin).sort()).toEqual(['torrust-tracker-deployer', 'ttd']);
  });

  it('--help lists every command and the global flags', async () => {
    const result = await runBinary(['--help']);
    expect(result.code).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`\\n  ${command.name}\\b`));
    for (const flag of ['--verbose', '--quiet', '--json', '--dry-run', '--non-interactive', '--working-dir', '--no-color', '--output-format']) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('--help ends with examples, each a command of the table with flags it accepts', async () => {
    const result = await runBinary(['--help']);
    const examples = result.stdout.slice(result.stdout.indexOf('\nExamples:\n')).split('\n').filter((line) => line.startsWith('  ttd'));
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const example of examples) {
      // The command is what comes before the two spaces that start its description.
      const [, name, ...rest] = (example.trim().split(/\s{2,}/)[0] ?? '').split(' ');
      if (name === undefined) continue;
      const spec = COMMANDS.find((command) => command.name === name);
      expect(spec, example).toBeDefined();
      const commandHelp = (await runBinary([name, '--help'])).stdout;
      for (const flag of rest.filter((word) => word.startsWith('--'))) expect(commandHelp, `${example}: ${flag}`).toContain(flag);
    }
  });

  it('init --help names the accepted values of each enumerated flag, from the questionnaire', async () => {
    const help = (await runBinary(['init', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--database <driver> Database: sqlite3, mysql, postgresql');
    expect(help).toContain('--provider <provider> Where should the tracker run: lxd, hetzner, existing');
    expect(help).toContain('Tracker protocols (comma-separated): any of udp, http');
  });

  it('every command and subcommand has --help, showing the global flags too', { timeout: 120_000 }, async () => {
    const names = COMMANDS.flatMap((command) => (command.subcommands ? command.subcommands.map((sub) => [command.name, sub.name]) : [[command.name]]));
    const results = await Promise.all(names.map((name) => runBinary([...name, '--help'])));
    results.forEach((result, index) => {
      expect(result.code, names[index]?.join(' ')).toBe(0);
      expect(result.stdout).toContain(`Usage: torrust-tracker-deployer ${names[index]?.join(' ')}`);
      expect(result.stdout).toContain('Global Options:');
    });
  });

  it.each([['--help', 'validate'], ['-vh', 'deploy'], ['--version', 'validate']])('%s before a command name is the program\'s own answer, listing every command (%s)', async (flag, command) => {
    const result = await runBinary([flag, command]);
    expect(result.code).toBe(0);
    if (flag === '--version') expect(result.stdout.trim()).toBe(packageJson.version);
    else for (const spec of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${spec.name}\\b`, 'm'));
  });

  it('with no arguments and no terminal, prints help and exits 0', async () => {
    const result = await runBinary([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: torrust-tracker-deployer');
  });

  it('--help and --version never load Ink, React, listr2 or ssh2', async () => {
    for (const args of [['--help'], ['--version'], ['validate', '--help'], ['create', 'template', '--help']]) {
      const log = join(temporaryDirectory('ttd-imports-'), 'imports.log');
      const result = await runBinary(args, { env: { TTD_IMPORT_LOG: log }, nodeOptions: ['--import', RECORD_IMPORTS] });
      expect(result.code).toBe(0);
      const imported = readFileSync(log, 'utf8');
      expect(imported).toContain('/dist/src/cli/main.js');
      expect(imported).not.toMatch(/node_modules\/(ink|react|react-reconciler|listr2|ssh2|node-ssh)\//);
    }
  });

  it('--version reads package.json and loads no dependency at all: not even the command-line parser', async () => {
    const imported = await importsOf(['--version']);
    expect(imported.filter((url) => url.includes('/node_modules/'))).toEqual([]);
    expect(imported.filter((url) => url.includes('/dist/') && !url.includes('/dist/src/cli/chunks/')).map((url) => url.replace(/.*\/dist\//, '')).sort()).toEqual(['src/cli/main.js', 'src/package-info.js', 'src/paths.js']);
  });

  it('--help builds no config schema (zod), TOML reader or template engine', async () => {
    const imported = await importsOf(['--help']);
    expect(imported.join('\n')).toContain('/dist/src/cli/program.js');
    expect(imported.join('\n')).not.toMatch(/node_modules\/(zod|smol-toml|ejs|jsonc-parser)\//);
  });

  it('validate loads the config modules only: no SSH, task list, Ink, React, template engine or state', async () => {
    const dir = temporaryDirectory('ttd-imports-validate-');
    const imported = await importsOf(['validate', resolve(import.meta.dirname, '../../docs/examples/configs/01-minimal-sqlite.toml')], dir);
    expect(imported.join('\n')).toContain('/dist/src/config/schema.js');
    expect(imported.join('\n')).not.toMatch(/node_modules\/(ink|react|react-reconciler|listr2|ssh2|node-ssh|ejs|@inquirer|chalk|jsonc-parser)\//);
    expect(imported.join('\n')).not.toMatch(/\/dist\/src\/(ssh|run|state|wizard|mcp)\/|\/dist\/src\/render\/render\.js/);
  });

  it('jsonc-parser loads for a JSON config only (the recorder sees required modules too: the TOML case above is not vacuous)', async () => {
    const json = resolve(import.meta.dirname, '../fixtures/deployer-json/lxd-sqlite-bare.json');
    const imported = await importsOf(['validate', json], temporaryDirectory('ttd-imports-json-'));
    expect(imported.join('\n')).toMatch(/node_modules\/jsonc-parser\//);
  });

  it('validate of a config for another provider does not load the Hetzner client', async () => {
    const imported = await importsOf(['validate', resolve(import.meta.dirname, '../../docs/examples/configs/01-minimal-sqlite.toml')], temporaryDirectory('ttd-imports-validate-'));
    expect(imported.join('\n')).not.toMatch(/\/dist\/src\/providers\/hetzner\/(review|cloud|http|requests)\.js/);
  });

  it.each([
    ['an unknown command', ['frobnicate']],
    ['an unknown option', ['validate', '--frob', 'x.toml']],
    ['a missing argument', ['register']],
  ])('%s is refused without loading the config schema (zod), TOML reader, template engine, Ink or SSH', async (_name, args) => {
    const imported = (await importsOf(args, undefined, 2)).join('\n');
    expect(imported).toContain('/dist/src/cli/program.js');
    expect(imported).not.toMatch(/node_modules\/(zod|smol-toml|ejs|jsonc-parser|ink|react|listr2|ssh2|node-ssh|chalk)\//);
  });

  it('the binary is bundled: a command loads a handful of files, not one per module (scripts/bundle-cli.mjs)', async () => {
    const files = (urls: string[]) => urls.filter((url) => /\/dist\/src\/cli\/(main\.js|chunks\/)/.test(url));
    expect(files(await importsOf(['--version']))).toHaveLength(2);
    const validate = await importsOf(['validate', resolve(import.meta.dirname, '../../docs/examples/configs/01-minimal-sqlite.toml')], temporaryDirectory('ttd-imports-validate-'));
    expect(files(validate).length).toBeLessThanOrEqual(10);
    // Every module it ran came out of those files: none was loaded from dist/ or node_modules/ on its own
    // (chalk included: only Ink's screens load it, screens/ink-colors.ts).
    const ownFiles = new Set(files(validate));
    const loadedAlone = validate.filter((url) => url.startsWith('file:') && !ownFiles.has(url) && !bundledIn(url, validate));
    expect(loadedAlone).toEqual([]);
  });

  /** Whether the recorder listed this module as one a loaded chunk holds (it follows its chunk in the log). */
  function bundledIn(url: string, urls: readonly string[]): boolean {
    const manifest = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../dist/src/cli/chunks/modules.json'), 'utf8')) as Record<string, string[]>;
    const path = url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/');
    return Object.entries(manifest).some(([chunk, modules]) => modules.some((module) => module.endsWith(path)) && urls.some((loaded) => loaded.endsWith(`/dist/src/cli/${chunk}`)));
  }

  /** The module URLs the binary resolved for these arguments (it must exit with `code`). */
  async function importsOf(args: string[], cwd?: string, code = 0): Promise<string[]> {
    const log = join(temporaryDirectory('ttd-imports-'), 'imports.log');
    const result = await runBinary(args, { env: { TTD_IMPORT_LOG: log }, nodeOptions: ['--import', RECORD_IMPORTS], ...(cwd ? { cwd } : {}) });
    expect(result.code, result.stderr).toBe(code);
    return [...new Set(readFileSync(log, 'utf8').trim().split('\n'))];
  }

  it.each([
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['an unknown option', ['validate', '--frob', 'x.toml'], /unknown option '--frob'/],
    ['a missing argument', ['register'], /missing required argument 'env'/],
    ['an invalid choice', ['-o', 'yaml', 'validate', 'x.toml'], /Allowed choices are json, text/],
    ['no config file', ['validate'], /No config file given/],
  ])('%s is a usage error: exit 2', async (_name, args, message) => {
    const result = await runBinary(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('usage errors are JSON on stdout with --json', async () => {
    const result = await runBinary(['--json', 'validate', '--frob']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ type: 'result', ok: false, exit_code: 2, command: 'validate', error: expect.objectContaining({ code: 'usage.invalid', message: "unknown option '--frob'" }) });
  });

  it('docs describes the whole CLI as JSON: commands, flags, states, codes', async () => {
    const result = await runBinary(['docs']);
    expect(result.code).toBe(0);
    const cli = JSON.parse(result.stdout) as { version: string; global_options: { flags: string }[]; commands: { name: string; implemented: boolean; states?: string; subcommands?: { name: string }[] }[]; error_codes: Record<string, { exit: number }> };
    expect(cli.version).toBe(packageJson.version);
    expect(cli.commands.map((command) => command.name)).toEqual(COMMANDS.map((command) => command.name));
    expect(cli.global_options.map((option) => option.flags)).toEqual(expect.arrayContaining(['--json', '--dry-run', '-v, --verbose']));
    expect(cli.commands.find((command) => command.name === 'validate')?.implemented).toBe(true);
    expect(cli.commands.filter((command) => !command.implemented && command.subcommands === undefined).map((command) => command.name)).toEqual([]);
    expect(cli.commands.find((command) => command.name === 'provision')?.states).toBe('Created → Provisioned');
    expect(cli.commands.find((command) => command.name === 'create')?.subcommands?.map((sub) => sub.name)).toEqual(['environment', 'template', 'schema']);
    expect(cli.error_codes['config.invalid']?.exit).toBe(2);
  });

  it('a command registered before it is built says so, with code command.not_implemented (exit 1)', async () => {
    const { default: notImplemented } = await import('../../src/commands/not-implemented.js');
    const failure = await notImplemented({} as never, { command: 'frobnicate', args: {}, options: {} } as never).then(() => undefined, (error: unknown) => error);
    expect(failure).toMatchObject({ code: 'command.not_implemented', exitCode: 1, message: expect.stringContaining('`frobnicate` is not implemented yet') });
  });

  it('colour follows --no-color, NO_COLOR and FORCE_COLOR', async () => {
    const file = join(temporaryDirectory(), 'missing.toml');
    const coloured = await runBinary(['validate', file], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(coloured.stderr).toMatch(/\u001b\[/);
    const plain = await runBinary(['validate', file, '--no-color'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(plain.stderr).not.toMatch(/\u001b\[/);
    const noColorEnv = await runBinary(['validate', file], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(noColorEnv.stderr).not.toMatch(/\u001b\[/);
  });
});
