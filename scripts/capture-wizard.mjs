#!/usr/bin/env node
// Captures each screen of the wizard's short path from the built binary (dist/) in a real
// terminal (tmux, 80×24, NO_COLOR) and puts them into docs/user-guide/wizard.md, replacing the
// text block after each `<!-- capture: NAME -->` marker. Run `npm run build` first, then
// `node scripts/capture-wizard.mjs` (needs tmux and ssh-keygen). It deploys nowhere: Write and
// deploy goes to 127.0.0.1 on an SSH port nothing listens on, and fails there, as captured.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(import.meta.dirname, '..');
const BINARY = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const DOC = join(ROOT, 'docs', 'user-guide', 'wizard.md');
const SIZE = { columns: 80, rows: 24 };

if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run npm run build first`);

const home = mkdtempSync(join(tmpdir(), 'ttd-capture-home-'));
mkdirSync(join(home, '.ssh'), { mode: 0o700 });
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(home, '.ssh', 'id_ed25519')]);

const captures = {};
let session = 0;

/** Port 22 when nothing listens on it here (the capture then shows plain `ttd`), else a closed port given as a flag. */
async function sshPortArgs() {
  const refused = await new Promise((done) => {
    const socket = connect(22, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), done(false)));
    socket.once('error', () => done(true));
  });
  if (refused) return [];
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return ['init', '--ssh-port', String(port)];
}

function start(args) {
  session += 1;
  const socket = `ttd-capture-${process.pid}-${session}`;
  const workingDir = mkdtempSync(join(tmpdir(), 'ttd-'));
  const quoted = args.map((arg) => `'${arg}'`).join(' ');
  const command = `cd '${workingDir}' && env -u CI -u FORCE_COLOR NO_COLOR=1 HOME='${home}' TERM=xterm-256color '${process.execPath}' '${BINARY}' ${quoted}; echo $? > exit-code; sleep 120`;
  execFileSync('tmux', ['-L', socket, 'new-session', '-d', '-x', String(SIZE.columns), '-y', String(SIZE.rows), command]);
  const tmux = (...rest) => execFileSync('tmux', ['-L', socket, ...rest], { encoding: 'utf8' });
  return {
    workingDir,
    screen: () => tidy(tmux('capture-pane', '-p')),
    // Lines the terminal wrapped are joined (-J), so the temporary paths can be shown as ~.
    history: () => shortPaths(tidy(tmux('capture-pane', '-p', '-J', '-S', '-100')), workingDir),
    keys: (...keys) => tmux('send-keys', ...keys),
    type: (text) => tmux('send-keys', '-l', text),
    exited: () => existsSync(join(workingDir, 'exit-code')),
    close: () => {
      tmux('kill-server');
      rmSync(workingDir, { recursive: true, force: true });
    },
  };
}

/** The script's temporary home and working directory as a reader's would be: ~ and ~/tracker. */
function shortPaths(text, workingDir) {
  return text.split(workingDir).join('~/tracker').split(home).join('~');
}

/** Trailing spaces and blank lines off: what a reader sees. */
function tidy(text) {
  return text.split('\n').map((line) => line.trimEnd()).join('\n').replace(/\n+$/, '');
}

async function waitFor(terminal, predicate, what) {
  for (let attempt = 0; attempt < 900; attempt++) {
    const text = terminal.screen();
    if (predicate(text)) return text;
    await sleep(50);
  }
  throw new Error(`the terminal never showed ${what}; it shows:\n${terminal.screen()}`);
}

/** Sends a key once the screen has been still for a moment (Ink's input handler armed). */
async function pressWhenStill(terminal, ...keys) {
  let before = terminal.screen();
  for (let still = 0, attempt = 0; attempt < 200 && still < 3; attempt++) {
    await sleep(75);
    const now = terminal.screen();
    still = now === before ? still + 1 : 0;
    before = now;
  }
  terminal.keys(...keys);
}

/** Name, provider (an existing host), host: the recommended settings, each page of them kept. */
async function shortPath(terminal, prompt) {
  await waitFor(terminal, (text) => text.includes('Name of the environment'), 'the first question');
  await pressWhenStill(terminal, 'C-u');
  terminal.type('edge');
  captures.name = `${prompt}\n${await waitFor(terminal, (text) => text.includes('› edge'), 'the typed name')}`;
  await pressWhenStill(terminal, 'Enter');
  await waitFor(terminal, (text) => text.includes('Where should the tracker run?'), 'the provider question');
  await pressWhenStill(terminal, 'Down');
  await pressWhenStill(terminal, 'Down');
  captures.provider = await waitFor(terminal, (text) => text.includes('❯ An existing host'), 'the existing host selected');
  await pressWhenStill(terminal, 'Enter');
  await waitFor(terminal, (text) => text.includes('Address of the host'), 'the host question');
  terminal.type('127.0.0.1');
  captures.host = await waitFor(terminal, (text) => text.includes('› 127.0.0.1'), 'the typed host');
  await pressWhenStill(terminal, 'Enter');
  const pages = [await waitFor(terminal, (text) => text.includes('❯ Write and deploy'), 'the recommended settings')];
  while (!pages.at(-1).includes('(end)') && pages.length < 6) {
    await pressWhenStill(terminal, 'NPage');
    pages.push(await waitFor(terminal, (text) => text !== pages.at(-1), 'the next page'));
  }
  pages.forEach((page, index) => (captures[`recommended-${index + 1}`] = page));
  // Back to the first page, where the choice is made.
  for (let index = 0; index < 10 && terminal.screen() !== pages[0]; index++) {
    await pressWhenStill(terminal, 'PPage');
    await sleep(200);
  }
  await waitFor(terminal, (text) => text === pages[0], 'the first page again');
}

const portArgs = await sshPortArgs();
const prompt = `$ ttd${portArgs.length > 0 ? ` ${portArgs.join(' ')}` : ''}`;

// Write only: the file, the checklist, the next command.
const writeOnly = start(portArgs);
try {
  await shortPath(writeOnly, prompt);
  await pressWhenStill(writeOnly, 'Down');
  await pressWhenStill(writeOnly, 'Down');
  await waitFor(writeOnly, (text) => text.includes('❯ Write only'), 'Write only selected');
  await pressWhenStill(writeOnly, 'Enter');
  await waitFor(writeOnly, () => writeOnly.exited(), 'the program exiting');
  captures['write-only'] = writeOnly.history().replace(/^[\s\S]*\n(?=✓ Wrote)/, '');
} finally {
  writeOnly.close();
}

// Write and deploy: the tree in the same terminal, failing at the SSH wait.
const deploy = start(portArgs);
try {
  await shortPath(deploy, prompt);
  await pressWhenStill(deploy, 'Enter');
  await waitFor(deploy, (text) => /attempt [2-9]/.test(text), 'a wait that talks');
  captures['deploy-waiting'] = deploy.history().replace(/^[\s\S]*\n(?=✓ Wrote)/, '');
  await waitFor(deploy, () => deploy.exited(), 'the deploy failing');
  captures['deploy-failed'] = deploy.history().replace(/^[\s\S]*\n(?=✓ Wrote)/, '');
} finally {
  deploy.close();
}
// Write and deploy, then Ctrl-C during the wait: stopped at the next safe point, exit 130.
const interrupted = start(portArgs);
try {
  await shortPath(interrupted, prompt);
  await pressWhenStill(interrupted, 'Enter');
  await waitFor(interrupted, (text) => /attempt [2-9]/.test(text), 'a wait that talks');
  interrupted.keys('C-c');
  await waitFor(interrupted, () => interrupted.exited(), 'the deploy stopping');
  captures['deploy-interrupted'] = interrupted.history().replace(/^[\s\S]*\n(?=✓ Wrote)/, '');
} finally {
  interrupted.close();
}
rmSync(home, { recursive: true, force: true });

let doc = readFileSync(DOC, 'utf8');
const missing = [];
doc = doc.replace(/(<!-- capture: ([a-z0-9-]+) -->\n)```text\n(?:[^`][\s\S]*?\n)?```/g, (_match, marker, name) => {
  if (captures[name] === undefined) {
    missing.push(name);
    return _match;
  }
  return `${marker}\`\`\`text\n${captures[name]}\n\`\`\``;
});
if (missing.length > 0) throw new Error(`no capture named ${missing.join(', ')}; captured: ${Object.keys(captures).join(', ')}`);
writeFileSync(DOC, doc);
console.log(`Captured ${Object.keys(captures).join(', ')} into ${DOC}`);
