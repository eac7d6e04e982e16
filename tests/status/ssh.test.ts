// @module-tag needs-ssh-target
/**
 * `logs` and `status` end to end against a real OpenSSH server (tests/support/ssh-target.ts).
 * The target has no Docker: a fake `docker` on its PATH stands in for it, so these
 * test our SSH streaming and gathering, not docker. For the stats, the fake
 * `docker inspect` names this machine's end of the link as the tracker's address,
 * where the test serves a stats endpoint: status must reach it through an SSH forward.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARY, runBinary, temporaryDirectory } from '../support/cli.js';
import { writeTestConfig } from '../support/environment-config.js';
import { startSshTarget, type SshTarget } from '../support/ssh-target.js';
import { psLine, STATS_BODY } from './support.js';

const TOKEN = 'StatusTestAdminToken0123456789';
let target: SshTarget;
let workingDir: string;
let stats: Server;
let statsRequests: string[] = [];
let hostSide: string;

const FAKE_DOCKER = (trackerAddress: string) => `#!/bin/bash
# A stand-in for docker: records its arguments, prints what status and logs read.
echo "$*" >> /tmp/docker-calls
case "$1 $2" in
  "compose ps")
    if [ "$3" = "-q" ]; then echo 0123456789ab; exit 0; fi
    cat <<'JSON'
${psLine('tracker', { publishers: [{ URL: '0.0.0.0', TargetPort: 6969, PublishedPort: 6969, Protocol: 'udp' }] })}
${psLine('prometheus', { health: 'unhealthy' })}
JSON
    ;;
  "inspect --format") echo "${trackerAddress} " ;;
  "compose logs")
    echo "args: $*"
    echo "tracker-1  | first line token=${TOKEN}"
    if [[ " $* " == *" --follow "* ]]; then
      trap 'echo stopped > /tmp/docker-stopped; exit 143' TERM
      while true; do echo "tracker-1  | tick"; sleep 0.2; done
    fi
    # Without --follow, wait for the test's go-ahead: the first line must have arrived before this ends.
    while [ ! -e /tmp/go ]; do sleep 0.1; done
    echo "tracker-1  | last line"
    ;;
  *) echo "fake docker: unexpected $*" >&2; exit 1 ;;
esac
`;

beforeAll(async () => {
  target = await startSshTarget();
  hostSide = target.host.replace(/\.\d+$/, '.1');
  stats = createServer((request, response) => {
    statsRequests.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'application/json' }).end(STATS_BODY);
  });
  await new Promise<void>((resolve) => stats.listen(0, hostSide, resolve));
  const apiPort = (stats.address() as AddressInfo).port;

  const docker = join(target.rootfs, 'usr/local/bin/docker');
  await writeFile(docker, FAKE_DOCKER(hostSide));
  await chmod(docker, 0o755);
  const backups = join(target.rootfs, 'opt/torrust/storage/backup/sqlite');
  await mkdir(backups, { recursive: true });
  await writeFile(join(backups, 'sqlite_20250601_030000.db.gz'), 'x'.repeat(300));
  await writeFile(join(backups, 'sqlite_20250602_030000.db.gz'), 'y'.repeat(500));
  await utimes(join(backups, 'sqlite_20250601_030000.db.gz'), new Date('2025-06-01T03:00:00Z'), new Date('2025-06-01T03:00:00Z'));
  await utimes(join(backups, 'sqlite_20250602_030000.db.gz'), new Date('2025-06-02T03:00:00Z'), new Date('2025-06-02T03:00:00Z'));

  workingDir = temporaryDirectory('ttd-status-ssh-');
  const config = writeTestConfig(workingDir, {
    privateKeyPath: target.clientKey,
    username: 'torrust',
    provider: 'existing',
    host: target.host,
    adminToken: TOKEN,
    tracker: { http_trackers: [], http_api: { bind_address: `0.0.0.0:${apiPort}`, admin_token: TOKEN } },
    sections: { prometheus: {}, backup: { schedule: '0 3 * * *' } },
  }, join(workingDir, 'demo.toml'));
  const created = await runBinary(['create', 'environment', '--env-file', config, '--working-dir', workingDir]);
  expect(created.stderr).toContain("Environment 'demo' created");
  expect(created.code).toBe(0);
}, 300_000);

afterAll(async () => {
  stats?.close();
  await target?.dispose();
  if (workingDir) await rm(workingDir, { recursive: true, force: true });
});

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (await condition()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function start(args: string[]) {
  const child = spawn(process.execPath, [BINARY, ...args, '--working-dir', workingDir], { env: { PATH: process.env['PATH'], HOME: workingDir, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exit: number | null | undefined;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve((exit = code))));
  return { child, exited, stdout: () => stdout, stderr: () => stderr, running: () => exit === undefined };
}

describe('logs over SSH', () => {
  it('streams lines as they arrive, passes SERVICE, --since and --tail to docker, and masks the admin token', async () => {
    await rm(join(target.rootfs, 'tmp/go'), { force: true });
    const logs = start(['logs', 'demo', 'tracker', '--since', '10m', '--tail', '5']);
    await until(() => logs.stdout().includes('first line'), 'the first line');
    // The remote command is still waiting for /tmp/go: the line came while it ran.
    expect(logs.running()).toBe(true);
    expect(logs.stdout()).not.toContain('last line');
    await writeFile(join(target.rootfs, 'tmp/go'), '');
    expect(await logs.exited).toBe(0);
    expect(logs.stdout()).toContain('args: compose logs --no-color --since 10m --tail 5 -- tracker\n');
    expect(logs.stdout()).toContain('tracker-1  | first line token=***\n');
    expect(logs.stdout()).toContain('tracker-1  | last line\n');
    expect(logs.stdout() + logs.stderr()).not.toContain(TOKEN);
    // A read plan: the executor's events in the environment's log file, masked.
    const logDir = join(workingDir, 'data', 'demo', 'logs');
    const file = readdirSync(logDir).filter((name) => name.endsWith('-logs.log')).sort().at(-1)!;
    const log = await readFile(join(logDir, file), 'utf8');
    expect(log).toMatch(/ step\.command \{"step":"read-logs","command":"sh -c 'cd \/opt\/torrust && exec docker compose logs/);
    expect(log).toContain('first line token=***');
    expect(log).not.toContain(TOKEN);
  });

  it('--follow keeps streaming until Ctrl-C, which stops docker on the host and exits 0', async () => {
    await rm(join(target.rootfs, 'tmp/docker-stopped'), { force: true });
    const logs = start(['logs', 'demo', '--follow']);
    await until(() => (logs.stdout().match(/tick/g) ?? []).length >= 3, 'three ticks');
    expect(logs.stdout()).toContain('args: compose logs --no-color --follow\n');
    logs.child.kill('SIGINT');
    expect(await logs.exited).toBe(0);
    await until(() => existsSync(join(target.rootfs, 'tmp/docker-stopped')), 'the fake docker to get TERM');
  });
});

describe('status over SSH', () => {
  it('gathers services, backups and the stats (through an SSH forward when the API does not answer here) as one JSON object', async () => {
    statsRequests = [];
    const result = await runBinary(['status', 'demo', '--json', '--working-dir', workingDir], { env: { HOME: workingDir } });
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const status = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(status).toMatchObject({ type: 'result', command: 'status', environment: 'demo', address: target.host, host: { reachable: true }, summary: 'degraded', ok: false, exit_code: 1 });
    expect(result.code).toBe(1);
    expect(status['services']).toEqual([
      { name: 'tracker', state: 'running', health: 'none', uptime: '2 hours', exit_code: null, ports: ['6969/udp'], urls: expect.arrayContaining([`udp://${target.host}:6969/announce`]) as unknown },
      { name: 'prometheus', state: 'running', health: 'unhealthy', uptime: '2 hours', exit_code: null, ports: [], urls: ['http://localhost:9090'] },
    ]);
    expect(status['tracker']).toEqual({ source: 'ssh-forward', torrents: 12, seeders: 30, leechers: 4, completed: 7, announces_handled: 100, announces_per_second: null });
    expect(statsRequests).toEqual([`/api/v1/stats?token=${TOKEN}`]);
    expect(status['backup']).toMatchObject({ schedule: '0 3 * * *', last: { at: '2025-06-02T03:00:00.000Z', path: 'storage/backup/sqlite/sqlite_20250602_030000.db.gz', size_bytes: 500 }, last_known: true });
    expect(result.stdout).not.toContain(TOKEN);
    const calls = await readFile(join(target.rootfs, 'tmp/docker-calls'), 'utf8');
    expect(calls).toContain('compose ps --all --format json');
    // A read plan run by the one executor: its events in the log file, the probe's command line
    // the one the dry run prints.
    const logDir = join(workingDir, 'data', 'demo', 'logs');
    const log = await readFile(join(logDir, readdirSync(logDir).filter((name) => name.endsWith('-status.log')).sort().at(-1)!), 'utf8');
    const sent = /^\S+ step\.command (\{"step":"probe-host".*\})$/m.exec(log);
    expect(sent, log).not.toBeNull();
    const line = (JSON.parse(sent![1]!) as { command: string }).command;
    expect(line).toMatch(/^sh -c '/);
    const dryRun = await runBinary(['status', 'demo', '--dry-run', '--working-dir', workingDir], { env: { HOME: workingDir } });
    expect(dryRun.stdout).toContain(`$ ${line}`);
    expect(log).toMatch(/ step\.succeeded \{"step":"probe-host"/);
    expect(log).not.toContain(TOKEN);
  });

  it('without a terminal and without --json, prints the same snapshot as text', async () => {
    const result = await runBinary(['status', 'demo', '--working-dir', workingDir], { env: { HOME: workingDir } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/demo · .* · degraded/);
    expect(result.stdout).toMatch(/✗ prometheus\s+running, unhealthy/);
    expect(result.stdout).toContain('torrents 12 · seeders 30 · leechers 4 · completed 7');
    expect(result.stdout).toContain('(stats through SSH)');
  });

  it('reports a host that stopped answering as unreachable instead of hanging', async () => {
    await target.setLink('down');
    try {
      const result = await runBinary(['status', 'demo', '--json', '--working-dir', workingDir], { env: { HOME: workingDir } });
      expect(result.code).toBe(1);
      const status = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(status).toMatchObject({ summary: 'unreachable', host: { reachable: false }, services: null, backup: { last: null, last_known: false, next: null } });
      expect((status['host'] as { error: string }).error).toMatch(/SSH|within/);
    } finally {
      await target.setLink('up');
    }
  });

  it('--watch on a terminal: draws the screen, shows the host going silent and coming back, and quits on q', async () => {
    // script(1) gives the CLI a real pseudo-terminal, as a user's shell would.
    const command = `stty cols 120 rows 50; exec ${process.execPath} ${BINARY} status demo --watch --working-dir ${workingDir}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { PATH: process.env['PATH'], HOME: workingDir, TERM: 'xterm-256color' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await until(() => /prometheus\s+\S*running, unhealthy/.test(screen.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '')) && screen.includes('q quit'), 'the first status screen');
      await target.setLink('down');
      await until(() => screen.includes('The host does not answer'), 'the screen to show the host unreachable');
      await target.setLink('up');
      const seen = screen.length;
      await until(() => screen.slice(seen).includes('degraded'), 'the screen to recover');
      child.stdin.write('q');
      expect(await exited).toBe(0);
    } finally {
      await target.setLink('up');
      child.kill();
    }
  }, 120_000);
});
