// @module-tag needs-tmux
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BINARY, runBinary, temporaryDirectory } from '../support/cli.js';
import { homeWithKey } from './support.js';

/**
 * The real built binary in a real terminal (a tmux pane): no arguments opens the
 * wizard, Enter on every screen gives a config that `validate` accepts.
 */

const RECORD_IMPORTS = resolve(import.meta.dirname, '../support/record-imports.mjs');
const RECORD_WRITES = resolve(import.meta.dirname, '../support/record-writes.mjs');

let servers: string[] = [];
let terminals = 0;

function tmux(socket: string, ...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

function startInTerminal(workingDir: string, home: string, options: { args?: readonly string[]; columns?: number; rows?: number; noColor?: boolean; term?: string; importLog?: string } = {}): { socket: string; exitFile: string } {
  // Never a name used before in this run: a server killed by the last test may still be exiting.
  terminals += 1;
  const socket = `ttd-wizard-${process.pid}-${terminals}`;
  servers.push(socket);
  const exitFile = join(workingDir, 'exit-code');
  const args = (options.args ?? []).map((arg) => `'${arg}'`).join(' ');
  const noColor = options.noColor === false ? '' : 'NO_COLOR=1';
  // Every module resolved and every write to the terminal, in order (tests/support/record-*.mjs).
  const recorded = options.importLog ? `TTD_IMPORT_LOG='${options.importLog}' '${process.execPath}' --import '${RECORD_IMPORTS}' --import '${RECORD_WRITES}'` : `'${process.execPath}'`;
  const command = `cd '${workingDir}' && env -u CI -u NO_COLOR -u FORCE_COLOR HOME='${home}' TERM=${options.term ?? 'xterm-256color'} ${noColor} ${recorded} '${BINARY}' ${args}; echo $? > '${exitFile}'; sleep 60`;
  tmux(socket, 'new-session', '-d', '-x', String(options.columns ?? 120), '-y', String(options.rows ?? 60), command);
  return { socket, exitFile };
}

/** Scrollback and screen together: the deploy's tree may have scrolled the wizard away. */
const history = (socket: string) => tmux(socket, 'capture-pane', '-p', '-J', '-S', '-200');

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise((done) => server.close(done));
  return port;
}

/** The short path to an existing host at 127.0.0.1 (its SSH port closed, given as a flag), then Write and deploy. */
async function writeAndDeploy(socket: string): Promise<void> {
  await waitForScreen(socket, (text) => text.includes('Name of the environment'), 'the first question');
  await pressWhenStill(socket, 'BSpace');
  for (let index = 0; index < 12; index++) tmux(socket, 'send-keys', 'BSpace');
  tmux(socket, 'send-keys', '-l', 'edge');
  await waitForScreen(socket, (text) => text.includes('› edge'), 'the typed name');
  await pressWhenStill(socket, 'Enter');
  await waitForScreen(socket, (text) => text.includes('Where should the tracker run?'), 'the provider question');
  await pressWhenStill(socket, 'Down');
  await pressWhenStill(socket, 'Down');
  await waitForScreen(socket, (text) => text.includes('❯ An existing host'), 'the existing host selected');
  await pressWhenStill(socket, 'Enter');
  await waitForScreen(socket, (text) => text.includes('Address of the host'), 'the host question');
  tmux(socket, 'send-keys', '-l', '127.0.0.1');
  await waitForScreen(socket, (text) => text.includes('› 127.0.0.1'), 'the typed host');
  await pressWhenStill(socket, 'Enter');
  const recommended = await waitForScreen(socket, (text) => text.includes('❯ Write and deploy'), 'the recommended settings');
  expect(recommended).toContain('What it deploys:');
  expect(recommended).toContain('existing host 127.0.0.1');
  await pressWhenStill(socket, 'Enter');
}

const screen = (socket: string) => tmux(socket, 'capture-pane', '-p');
/** The screen with its colours and attributes, as SGR escape sequences. */
const styledScreen = (socket: string) => tmux(socket, 'capture-pane', '-p', '-e');
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/;

async function waitForScreen(socket: string, predicate: (text: string) => boolean, what: string): Promise<string> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const text = screen(socket);
    if (predicate(text)) return text;
    await sleep(50);
  }
  throw new Error(`the terminal never showed ${what}; it shows:\n${screen(socket)}`);
}

/** Presses a key once the screen has been still for a moment (so Ink's input handler is armed, even on a busy machine). */
async function pressWhenStill(socket: string, key: string): Promise<void> {
  let before = screen(socket);
  let still = 0;
  for (let attempt = 0; attempt < 200 && still < 2; attempt++) {
    await sleep(75);
    const now = screen(socket);
    still = now === before ? still + 1 : 0;
    before = now;
  }
  tmux(socket, 'send-keys', key);
}

beforeAll(() => {
  try {
    execFileSync('tmux', ['-V']);
  } catch {
    throw new Error('tmux is not installed: the wizard terminal test needs it (as root on Debian, npm test installs it: scripts/test-setup.mjs)');
  }
});

afterEach(() => {
  for (const socket of servers) {
    try {
      tmux(socket, 'kill-server');
    } catch {
      // already gone
    }
  }
  servers = [];
});

describe('the wizard in a real terminal', () => {
  it('no arguments opens the wizard; Enter on every screen writes a config that validate accepts', { timeout: 180_000 }, async () => {
    const workingDir = temporaryDirectory('ttd-pty-');
    const home = homeWithKey();
    const { socket, exitFile } = startInTerminal(workingDir, home);
    await waitForScreen(socket, (text) => text.includes('Name of the environment'), 'the first question');

    const seen = new Set<string>();
    for (let step = 0; step < 60 && !existsSync(exitFile); step++) {
      const text = screen(socket);
      const question = /question \d+ of \d+/.exec(text)?.[0];
      if (question) seen.add(`${question} ${text.includes('Recommended') ? '' : text.split('\n')[2]}`);
      // The short path ends on the recommended settings: Customise, to walk every question.
      if (text.includes('❯ Write and deploy')) await pressWhenStill(socket, 'Down');
      await pressWhenStill(socket, 'Enter');
      await waitForScreen(socket, (now) => now !== text || existsSync(exitFile), 'a change after Enter').catch(() => undefined);
    }
    await waitForScreen(socket, () => existsSync(exitFile), 'the program exiting');

    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
    expect(seen.size).toBeGreaterThan(15);
    const path = join(workingDir, 'envs', 'my-tracker.toml');
    const result = await runBinary(['validate', path], { env: { HOME: home } });
    expect(result.stderr).toContain('is valid');
    expect(result.code).toBe(0);
  });

  it('the first thing on the terminal is the header, written before the config schema, Ink and React load', { timeout: 60_000 }, async () => {
    const workingDir = temporaryDirectory('ttd-pty-');
    const importLog = join(workingDir, 'imports.log');
    const { socket } = startInTerminal(workingDir, homeWithKey(), { importLog });
    const first = await waitForScreen(socket, (text) => text.includes('Name of the environment'), 'the first question');
    // Ink's first frame took the header's place.
    expect(first).not.toContain('starting the wizard');
    const log = readFileSync(importLog, 'utf8').split('\n');
    const firstWrite = log.findIndex((line) => line.startsWith('write: '));
    expect(log[firstWrite]).toBe('write: "Torrust Tracker Deployer · starting the wizard…\\n"');
    const heavy = log.findIndex((line) => /node_modules\/(zod|ink|react|react-reconciler|yoga-layout|smol-toml|es-toolkit)\//.test(line));
    const initModule = log.findIndex((line) => line.endsWith('/dist/src/commands/init.js'));
    expect(heavy).toBeGreaterThan(firstWrite);
    expect(initModule).toBeGreaterThan(firstWrite);
  });

  it('Ctrl-C leaves no file behind and exits 130', { timeout: 120_000 }, async () => {
    const workingDir = temporaryDirectory('ttd-pty-');
    const { socket, exitFile } = startInTerminal(workingDir, homeWithKey());
    await waitForScreen(socket, (text) => text.includes('Name of the environment'), 'the first question');
    await pressWhenStill(socket, 'Enter');
    // Ctrl-C is the point here, so a lost Enter on a busy machine only means it lands on the first question.
    await waitForScreen(socket, (text) => text.includes('Where should the tracker run?'), 'the second question').catch(() => undefined);
    await pressWhenStill(socket, 'C-c');
    await waitForScreen(socket, () => existsSync(exitFile), 'the program exiting');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('130');
    expect(screen(socket)).toContain('Interrupted: nothing was written.');
    expect(existsSync(join(workingDir, 'envs'))).toBe(false);
  });

  it('Write and deploy: the deploy tree in the same session fails at the SSH wait with the fix shown once', { timeout: 120_000 }, async () => {
    const workingDir = temporaryDirectory('ttd-pty-');
    const port = await closedPort();
    const { socket, exitFile } = startInTerminal(workingDir, homeWithKey(), { args: ['init', '--ssh-port', String(port)], columns: 80, rows: 24 });
    await writeAndDeploy(socket);
    await waitForScreen(socket, (text) => text.includes('Wait for SSH on port'), 'the deploy tree');
    await waitForScreen(socket, () => existsSync(exitFile), 'the program exiting');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('1');
    const text = history(socket);
    expect(text).toContain('Wrote envs/edge.toml');
    expect(text.split('Wrote envs/edge.toml').length - 1).toBe(1);
    expect(text).toContain(`✖ Wait for SSH on port ${port}`);
    expect(text).toContain(`Nothing listens for SSH on torrust@127.0.0.1:${port}`);
    expect(text.split(`nothing listens on TCP port ${port}: start its SSH server`).length - 1).toBe(1);
    expect(text.split('Fix:').length - 1).toBe(1);
    expect(text).not.toContain('✔');
  });

  it('Write and deploy, then Ctrl-C during the SSH wait: exit 130, no stage marked done', { timeout: 120_000 }, async () => {
    const workingDir = temporaryDirectory('ttd-pty-');
    const port = await closedPort();
    const { socket, exitFile } = startInTerminal(workingDir, homeWithKey(), { args: ['init', '--ssh-port', String(port)], columns: 80, rows: 24 });
    await writeAndDeploy(socket);
    await waitForScreen(socket, (text) => /attempt \d+/.test(text), 'an attempt of the SSH wait');
    tmux(socket, 'send-keys', 'C-c');
    await waitForScreen(socket, () => existsSync(exitFile), 'the program exiting');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('130');
    const text = history(socket);
    expect(text).toContain('provision (stopped by Ctrl-C)');
    expect(text).toContain('configure (not run)');
    expect(text).toContain('Stopped at a safe point in provision');
    expect(text).not.toContain('✔');
  });

  it('NO_COLOR and --no-color reach the wizard screen (no colour or attribute codes); without them it is styled', { timeout: 60_000 }, async () => {
    const styled = startInTerminal(temporaryDirectory('ttd-pty-'), homeWithKey(), { noColor: false });
    const byEnvironment = startInTerminal(temporaryDirectory('ttd-pty-'), homeWithKey());
    // Global options alone are still "no command": the wizard starts, with them.
    const byFlag = startInTerminal(temporaryDirectory('ttd-pty-'), homeWithKey(), { noColor: false, args: ['--no-color'] });
    for (const { socket } of [styled, byEnvironment, byFlag]) await waitForScreen(socket, (text) => text.includes('Name of the environment'), 'the first question');
    expect(styledScreen(styled.socket)).toMatch(SGR);
    expect(styledScreen(byEnvironment.socket)).not.toMatch(SGR);
    expect(styledScreen(byFlag.socket)).not.toMatch(SGR);
  });

  it('NO_COLOR reaches the status screen', { timeout: 60_000 }, async () => {
    const workingDir = temporaryDirectory('ttd-pty-');
    const home = homeWithKey();
    const port = await closedPort();
    expect((await runBinary(['--working-dir', workingDir, 'init', '--non-interactive', '--yes', '--name', 'shown', '--provider', 'existing', '--host', '127.0.0.1', '--ssh-port', String(port)], { env: { HOME: home } })).code).toBe(0);
    expect((await runBinary(['--working-dir', workingDir, 'create', 'environment', '-f', join(workingDir, 'envs', 'shown.toml')], { env: { HOME: home } })).code).toBe(0);
    const plain = startInTerminal(workingDir, home, { args: ['status', 'shown'] });
    const styled = startInTerminal(workingDir, home, { args: ['status', 'shown'], noColor: false });
    for (const { socket } of [plain, styled]) await waitForScreen(socket, (text) => text.includes('shown · 127.0.0.1'), 'the status screen');
    await sleep(500);
    expect(styledScreen(styled.socket)).toMatch(SGR);
    expect(styledScreen(plain.socket)).not.toMatch(SGR);
  });

  it('TERM=dumb: no arguments still starts the wizard, as plain line prompts; Write only writes the file', { timeout: 60_000 }, async () => {
    const workingDir = temporaryDirectory('ttd-pty-');
    const { socket, exitFile } = startInTerminal(workingDir, homeWithKey(), { term: 'dumb' });
    await waitForScreen(socket, (text) => text.includes('Name of the environment'), 'the first question');
    tmux(socket, 'send-keys', '-l', 'plain');
    tmux(socket, 'send-keys', 'Enter');
    await waitForScreen(socket, (text) => text.includes('3) An existing host'), 'the provider question, numbered');
    tmux(socket, 'send-keys', '-l', '3');
    tmux(socket, 'send-keys', 'Enter');
    await waitForScreen(socket, (text) => text.includes('Address of the host'), 'the host question');
    tmux(socket, 'send-keys', '-l', '127.0.0.1');
    tmux(socket, 'send-keys', 'Enter');
    await waitForScreen(socket, (text) => text.includes('Choose [1]'), 'the recommended settings');
    expect(history(socket)).toContain('What it deploys:');
    tmux(socket, 'send-keys', '-l', '2');
    tmux(socket, 'send-keys', 'Enter');
    await waitForScreen(socket, () => existsSync(exitFile), 'the program exiting');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
    expect(existsSync(join(workingDir, 'envs', 'plain.toml'))).toBe(true);
    expect(history(socket)).toContain('Next: ttd deploy envs/plain.toml');
    expect(styledScreen(socket)).not.toMatch(SGR);
  });
});
