import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { BINARY } from '../support/cli.js';
import { lxc } from '../support/lxd/real-lxd.js';
import { labEnvironment, labUp, removeLabInstance, type LabEnvironment } from './lab.js';

const NAME = 'lab-interrupt';

interface DeployEvent {
  readonly type: string;
  readonly stage?: string;
  readonly step?: string;
  readonly line?: string;
  readonly message?: string;
  readonly outcome?: string;
  readonly took_over_from?: { pid: number; command: string };
  readonly ok?: boolean;
  readonly exit_code?: number;
  readonly error?: { code: string; message: string; fix?: string };
}

/** `ttd deploy FILE --json` as a child the test can watch and signal, as a user at a terminal would. */
interface RunningDeploy {
  readonly pid: number;
  readonly events: DeployEvent[];
  /** stdout lines that are not JSON: none, but a SIGKILL may cut the last one short. */
  readonly unparsed: string[];
  stderr(): string;
  /** The first event (already seen or still to come) that matches; fails if the deploy ends first. */
  waitFor(what: string, matches: (event: DeployEvent) => boolean): Promise<DeployEvent>;
  kill(signal: NodeJS.Signals): void;
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startDeploy(env: LabEnvironment): RunningDeploy {
  const child = spawn(process.execPath, [BINARY, '--working-dir', env.workingDir, 'deploy', env.configPath, '--json'], {
    env: { PATH: process.env['PATH'], HOME: env.workingDir, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: DeployEvent[] = [];
  const unparsed: string[] = [];
  let stderr = '';
  const waiters = new Set<{ matches: (event: DeployEvent) => boolean; resolve: (event: DeployEvent) => void }>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    // Thrown here, a parse error would be an uncaught exception of the whole run, not a failure of the test.
    let event: DeployEvent;
    try {
      event = JSON.parse(line) as DeployEvent;
    } catch {
      unparsed.push(line);
      return;
    }
    events.push(event);
    for (const waiter of waiters) {
      if (waiter.matches(event)) {
        waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close': stdout is read to its end, so every event is in `events`.
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    pid: child.pid!,
    events,
    unparsed,
    stderr: () => stderr,
    kill: (signal) => child.kill(signal),
    ended,
    waitFor(what, matches) {
      const seen = events.find(matches);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { matches, resolve };
        waiters.add(waiter);
        void ended.then(({ code, signal }) => {
          if (!waiters.delete(waiter)) return;
          const last = events.filter((event) => event.type !== 'step.output').slice(-5).map((event) => JSON.stringify(event)).join('\n');
          reject(new Error(`deploy ended (code ${code}, signal ${signal}) before ${what}; stderr:\n${stderr}\nlast events:\n${last}`));
        });
      });
    },
  };
}

/** Until no apt-get from an earlier (killed) deploy runs on the host: what apt.failed's fix for a held lock says to do. */
async function waitUntilNoApt(env: LabEnvironment, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // [a]pt-get: the pattern does not match the shell that runs pgrep.
  const running = () => env.onInstance('pgrep -af "[a]pt-get (update|install)|[d]pkg " || true');
  for (let left = await running(); left !== ''; left = await running()) {
    if (Date.now() > deadline) throw new Error(`apt still runs on ${env.instance} after ${timeoutMs / 1000} s:\n${left}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * Lab scenario 4: a deploy interrupted mid-configure resumes. A SIGKILL while apt is
 * installing Docker leaves the lock behind a dead process and the state `configuring`
 * (and apt running on the host until it is done: see waitUntilNoApt); the next deploy takes the lock over and resumes configure; a Ctrl-C (SIGINT) in it
 * stops at the next safe point with exit 130 (interrupted, as a shell reports SIGINT) and the lock released; a third deploy
 * finishes. Docker is installed once, the tracker answers announces, and `status` and
 * `logs` (issue 9) are checked against the running deployment.
 *
 * The order (SIGKILL first, then SIGINT) is forced by the product: configure's remote
 * steps run as one SSH round trip, so a single Ctrl-C in configure only takes effect
 * once all of configure is done; after it, the next deploy never runs configure again.
 */
describe('scenario 4: a deploy interrupted mid-configure (SIGKILL, then SIGINT) resumes and finishes', () => {
  let env: LabEnvironment;
  let killedPid: number;
  const lockPath = () => join(env.workingDir, 'data', NAME, 'lock');
  const explainFailure = (running?: RunningDeploy) =>
    onTestFailed(async () => {
      if (running) console.error(`--- deploy pid ${running.pid} stderr\n${running.stderr()}\n--- its last events\n${running.events.filter((event) => event.type !== 'step.output').slice(-15).map((event) => JSON.stringify(event)).join('\n')}`);
      console.error(await env.diagnostics());
    });

  beforeAll(async () => {
    const lab = await labUp();
    await removeLabInstance(NAME);
    env = await labEnvironment(lab, NAME, ['--database', 'sqlite3', '--protocols', 'udp,http', '--no-prometheus', '--no-grafana', '--no-https', '--no-backup']);
  });

  afterAll(async () => {
    await removeLabInstance(NAME);
  });

  it('SIGKILL while apt installs Docker: the lock stays behind with the dead pid and the state says configuring', async () => {
    const deploy = startDeploy(env);
    explainFailure(deploy);
    await deploy.waitFor('configure started Install Docker', (event) => event.type === 'step.started' && event.stage === 'configure' && event.step === 'install-docker');
    // dpkg is unpacking: the worst moment for the connection to go away.
    await deploy.waitFor('apt unpacked a package for Install Docker', (event) => event.type === 'step.output' && event.step === 'install-docker' && /^Unpacking /.test(event.line ?? ''));
    deploy.kill('SIGKILL');
    expect(await deploy.ended).toEqual({ code: null, signal: 'SIGKILL' });
    killedPid = deploy.pid;
    // Every line it wrote is one JSON event, but for the last, which the kill may have cut.
    expect(deploy.unparsed.length, deploy.unparsed.join('\n')).toBeLessThanOrEqual(1);

    expect(env.record().state).toBe('configuring');
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: killedPid, command: 'deploy' });
    const show = await env.ttd('show', NAME);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`a command was interrupted while configuring; run ttd deploy ${NAME} to resume`);

    // The killed deploy's SSH session is gone, but its apt-get goes on on the host (no
    // terminal, so nothing hangs it up) and holds the dpkg lock: a deploy started now
    // fails with apt.failed, whose fix is to wait for it. A user would; so does the test.
    await waitUntilNoApt(env);
    expect(await env.onInstance('dpkg-query -W -f "\\${db:Status-Abbrev}" docker.io')).toBe('ii');
  });

  it('the next deploy takes the dead process\'s lock over and resumes configure; Ctrl-C stops it at the next safe point, exit 130, lock released', async () => {
    const deploy = startDeploy(env);
    explainFailure(deploy);
    const acquired = await deploy.waitFor('the lock', (event) => event.type === 'lock.acquired');
    expect(acquired.took_over_from, 'the lock left by the killed deploy was not reported as taken over').toMatchObject({ pid: killedPid, command: 'deploy' });
    await deploy.waitFor('configure running again', (event) => event.type === 'step.started' && event.stage === 'configure');
    deploy.kill('SIGINT');
    const ended = await deploy.ended;

    // The notice is an event of the one stream (drawn in the tree on a terminal), not a stray stderr line.
    expect(deploy.events.find((event) => event.type === 'stop.requested')?.message).toContain('Stopping at the next safe point (Ctrl-C again to abort now)');
    expect(ended, deploy.stderr()).toEqual({ code: 130, signal: null });
    expect(deploy.unparsed, 'stdout lines that are not JSON events').toEqual([]);
    const result = deploy.events.at(-1)!;
    expect(result).toMatchObject({ type: 'result', ok: false, exit_code: 130, error: { code: 'interrupted' } });
    const state = env.record().state;
    // The message names the state the environment was left in, and how to resume.
    expect(result.error!.message).toMatch(new RegExp(`^Stopped at a safe point in .*; environment '${NAME}' is ${state}$`));
    expect(result.error!.fix).toContain(`ttd deploy ${NAME}`);
    // Configure's steps are one SSH round trip: its end is the next safe point, and the
    // environment stays configured: the stop is not recorded as a failure of a later stage.
    expect(state).toBe('configured');
    expect((env.record() as { failure?: unknown }).failure).toBeUndefined();
    // Nothing after the safe point ran: the stack was neither released nor started.
    expect(deploy.events.filter((event) => event.type === 'stage.started' && (event.stage === 'release' || event.stage === 'run'))).toEqual([]);
    expect(deploy.events.filter((event) => event.type === 'plan.finished').at(-1)).toMatchObject({ outcome: 'interrupted' });
    expect(existsSync(lockPath()), 'the lock outlived an interrupted deploy').toBe(false);
  });

  it('a third deploy resumes and finishes: running, Docker installed once, the stack up, ttd test passes', async () => {
    explainFailure();
    const result = await env.ttd('deploy', env.configPath);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).not.toContain('took over the lock');
    expect(env.record().state).toBe('running');
    expect(existsSync(lockPath())).toBe(false);

    // One apt run installed docker.io: the resumed configures skipped it or found it done.
    const installs = (await env.onInstance('grep "^Commandline:.*install.* docker.io" /var/log/apt/history.log || true')).split('\n').filter(Boolean);
    expect(installs, installs.join('\n')).toHaveLength(1);
    expect(await env.onInstance('dpkg-query -W -f "\\${db:Status-Abbrev}" docker.io')).toBe('ii');
    expect(await env.onInstance('docker --version')).toMatch(/^Docker version /);
    expect((await env.onInstance('cd /opt/torrust && docker compose ps --format "{{.Service}} {{.State}}"')).split('\n')).toEqual(['tracker running']);

    const test = await env.ttd('test', NAME, '--json');
    expect(test.code, test.stdout + test.stderr).toBe(0);
    const checks = test.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; kind?: string; status?: string })
      .filter((line) => line.type === 'check');
    expect(checks.filter((check) => check.kind === 'udp-announce' && check.status === 'pass'), JSON.stringify(checks)).toHaveLength(1);
    expect(checks.filter((check) => check.kind === 'http-announce' && check.status === 'pass'), JSON.stringify(checks)).toHaveLength(1);
    expect(checks.filter((check) => check.status === 'fail')).toEqual([]);
  });

  it('status --json shows the running deployment: host reachable, tracker running and healthy, its ports, the announces counted', async () => {
    explainFailure();
    const result = await env.ttd('status', NAME, '--json');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const snapshot = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
      ok: boolean; address: string; summary: string; host: { reachable: boolean };
      services: { name: string; state: string; health: string; ports: string[]; urls: string[] }[];
      services_error: string | null;
      tracker: { source: string; torrents: number; announces_handled: number } | null;
    };
    const address = env.record().instance.address!;
    expect(snapshot).toMatchObject({ ok: true, address, summary: 'healthy', host: { reachable: true }, services_error: null });
    expect(snapshot.services.map((service) => service.name)).toEqual(['tracker']);
    const tracker = snapshot.services[0]!;
    expect(tracker).toMatchObject({ state: 'running', health: 'healthy' });
    expect([...tracker.ports].sort()).toEqual(['1212/tcp', '6969/udp', '7070/tcp']);
    expect(tracker.urls).toEqual(expect.arrayContaining([`udp://${address}:6969/announce`, `http://${address}:7070/announce`]));
    // `ttd test` announced over UDP and HTTP: the tracker's own stats say so.
    expect(snapshot.tracker, result.stdout).not.toBeNull();
    expect(snapshot.tracker!.torrents).toBeGreaterThanOrEqual(1);
    expect(snapshot.tracker!.announces_handled).toBeGreaterThanOrEqual(2);
  });

  it('logs prints the tracker\'s startup lines as plain text', async () => {
    explainFailure();
    const result = await env.ttd('logs', NAME, 'tracker', '--tail', '20');
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.some((line) => /^tracker +\| .*UDP tracker listening on udp:\/\/0\.0\.0\.0:6969$/.test(line)), result.stdout).toBe(true);
    expect(lines.some((line) => /^tracker +\| .*HTTP tracker listening on http:\/\/0\.0\.0\.0:7070$/.test(line)), result.stdout).toBe(true);
    // Compose 2.26 starts each line with ESC[2K; nothing of the kind reaches the user.
    expect(result.stdout).not.toMatch(/\u001b/);
  });

  it('destroy removes the container and its profile', async () => {
    explainFailure();
    const result = await env.ttd('destroy', NAME, '--yes');
    expect(result.code, result.stderr).toBe(0);
    expect((await lxc('info', env.instance)).code).not.toBe(0);
    expect((await lxc('profile', 'show', `torrust-profile-${NAME}`)).code).not.toBe(0);
  });
});
