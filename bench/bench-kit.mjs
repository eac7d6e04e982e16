// What the LXD benchmarks (configure-release, lab-deploy) share: the environment they deploy,
// running programs with their output in the benchmark's log, stopping them on Ctrl-C, one
// benchmark at a time, the run itself (Ctrl-C, failure, cleanup), medians.
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** Runs programs with their output appended to `logFile`, and keeps track of those still running. */
export function processKit(logFile) {
  const log = (text) => appendFileSync(logFile, text.endsWith('\n') ? text : `${text}\n`);
  /** The children running now, with when they close: Ctrl-C stops them before cleaning up. */
  const running = new Map();

  /** Resolves with the exit code, output, wall time and when it started (epoch ms). */
  function runTimed(command, args, { env = {}, input } = {}) {
    return new Promise((done) => {
      log(`\n$ ${command} ${args.join(' ')}`);
      const started = performance.now();
      const startedAtEpoch = performance.timeOrigin + started;
      const child = spawn(command, args, {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', LANG: 'C.UTF-8', ...env },
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      const closed = new Promise((resolve) => child.once('close', resolve));
      running.set(child, closed);
      void closed.then(() => running.delete(child));
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      if (input !== undefined) child.stdin.end(input);
      child.on('close', (code, signal) => {
        const seconds = (performance.now() - started) / 1000;
        log(`${stdout}${stderr}[exit ${code ?? signal}, ${seconds.toFixed(2)} s]`);
        done({ code: code ?? 1, stdout, stderr, seconds, startedAtEpoch });
      });
    });
  }

  /** runTimed, failing with the output's tail when the program does. */
  async function must(command, args, options) {
    const result = await runTimed(command, args, options);
    if (result.code !== 0) {
      const tail = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-15).join('\n');
      throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${tail}\n(full log: ${logFile})`);
    }
    return result;
  }

  /** Ctrl-C twice for each child still running (ttd aborts at the second), then waits for them. */
  async function stopChildren() {
    for (const child of running.keys()) child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const child of running.keys()) child.kill('SIGINT');
    await Promise.race([Promise.all(running.values()), new Promise((resolve) => setTimeout(resolve, 20_000))]);
  }

  return { log, runTimed, must, stopChildren };
}

/**
 * One benchmark at a time: they share the machine, the lab and container names
 * ($TMPDIR/ttd-bench.lock). When another one runs, says so, removes `work` and exits 1.
 */
export function takeLock(work) {
  const lock = join(tmpdir(), 'ttd-bench.lock');
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      process.once('exit', () => rmSync(lock, { force: true }));
      return;
    } catch {
      const holder = Number(readFileSync(lock, 'utf8'));
      let alive = false;
      try {
        process.kill(holder, 0);
        alive = true;
      } catch {
        // The holder is gone: its lock is stale.
      }
      if (alive) {
        console.error(`another benchmark (PID ${holder}) is running; ${lock} names it`);
        rmSync(work, { recursive: true, force: true });
        process.exit(1);
      }
      rmSync(lock, { force: true });
    }
  }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The LXD instance and profile of a benchmark environment carry this name. */
export const lxdNameOf = (env) => `ttd-${env}`;

/**
 * The environment both benchmarks deploy: what `ttd init` writes for an LXD container with
 * SQLite, one UDP and one HTTP tracker, with the two lab edits (the lab image and the mirror).
 */
export function benchConfig(env, image, mirror) {
  return `[environment]
name = "${env}"
instance_name = "${lxdNameOf(env)}"
[ssh_credentials]
private_key_path = "id"
public_key_path = "id.pub"
[provider]
provider = "lxd"
profile_name = "${lxdNameOf(env)}"
instance_type = "container"
image = "${image}"
[images]
registry_mirror = "${mirror}"
[tracker.core.database]
driver = "sqlite3"
database_name = "tracker.db"
[[tracker.udp_trackers]]
bind_address = "0.0.0.0:6969"
[[tracker.http_trackers]]
bind_address = "0.0.0.0:7070"
[tracker.http_api]
bind_address = "0.0.0.0:1212"
admin_token = "bench-admin-token-not-for-production"
[tracker.health_check_api]
bind_address = "127.0.0.1:1313"
`;
}

/**
 * Runs `main` and sets the exit code (1 when it failed). Ctrl-C stops the children and cleans
 * up, saying so (`interruptNotice`); a second Ctrl-C leaves it all. A failure is followed by
 * the report of what was measured before it, if anything was. The working directory goes
 * unless --keep or a failure.
 */
export async function runBenchmark({ main, say, stopChildren, cleanup, interruptNotice, anythingMeasured, report, keep, work }) {
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    say(`interrupted: ${interruptNotice}`);
    void stopChildren()
      .then(() => cleanup())
      .finally(() => process.exit(130));
  });
  let exitCode = 0;
  try {
    await main();
  } catch (error) {
    say(`failed: ${error instanceof Error ? error.message : String(error)}`);
    if (anythingMeasured()) {
      say('what was measured before the failure:');
      report();
    }
    exitCode = 1;
  } finally {
    if (!interrupted) await cleanup();
    if (!keep && exitCode === 0) rmSync(work, { recursive: true, force: true });
  }
  process.exitCode = exitCode;
}
