// @module-tag needs-tmux
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BINARY, runBinary, temporaryDirectory } from '../support/cli.js';
import { homeWithKey } from './support.js';

/**
 * The real built binary in a real terminal (a tmux pane): no arguments opens the
 * wizard, Enter on every screen gives a config that `validate` accepts.
 */

let servers: string[] = [];
/** Never reused: a killed tmux server may still be exiting when the next test starts one. */
let sessionsStarted = 0;

function tmux(socket: string, ...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

function startInTerminal(workingDir: string, home: string): { socket: string; exitFile: string } {
  const socket = `ttd-wizard-${process.pid}-${sessionsStarted++}`;
  servers.push(socket);
  const exitFile = join(workingDir, 'exit-code');
  const command = `cd '${workingDir}' && env -u CI HOME='${home}' TERM=xterm-256color NO_COLOR=1 '${process.execPath}' '${BINARY}'; echo $? > '${exitFile}'; sleep 60`;
  tmux(socket, 'new-session', '-d', '-x', '120', '-y', '60', command);
  return { socket, exitFile };
}

const screen = (socket: string) => tmux(socket, 'capture-pane', '-p');

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
      if (question) seen.add(question);
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

  it('Ctrl-C leaves no file behind and exits 130', { timeout: 120_000 }, async () => {
    const workingDir = temporaryDirectory('ttd-pty-');
    const { socket, exitFile } = startInTerminal(workingDir, homeWithKey());
    await waitForScreen(socket, (text) => text.includes('Name of the environment'), 'the first question');
    await pressWhenStill(socket, 'Enter');
    // Ctrl-C is the point here, so a lost Enter on a busy machine only means it lands on the first question.
    await waitForScreen(socket, (text) => text.includes('Description'), 'the second question').catch(() => undefined);
    await pressWhenStill(socket, 'C-c');
    await waitForScreen(socket, () => existsSync(exitFile), 'the program exiting');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('130');
    expect(screen(socket)).toContain('Interrupted: nothing was written.');
    expect(existsSync(join(workingDir, 'envs'))).toBe(false);
  });
});
