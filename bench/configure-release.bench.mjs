#!/usr/bin/env node
// npm run bench: `ttd configure` + `ttd release` on a real LXD container, side by side with
// the physical limit on an identical one: the same rendered files sent with one `scp` and
// the same configure.sh + release.sh run as one script over one `ssh` session.
// Fresh hosts first; then both stacks are started and the running, unchanged hosts are
// measured again: `ttd deploy ENV` (one process: configure, release and run checked, the
// health check, the smoke test) against one scp + one ssh running configure.sh, release.sh,
// run.sh and the health check, then the smoke checks from here (bench/limit-smoke.py).
// It reports; it asserts nothing about wall time. Exit 0 when everything ran, 1 when a
// command failed (no figures then). See docs/development/bench.md.
//
//   node bench/configure-release.bench.mjs [--fresh-rounds N] [--unchanged-rounds M] [--keep]
//
// Only its own LXD resources are touched: instances and profiles named ttd-bench-a and
// ttd-bench-b, removed at the end, on failure and on Ctrl-C.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchConfig, lxdNameOf, median, processKit, runBenchmark, takeLock } from './bench-kit.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BINARY = join(ROOT, 'dist/src/cli/main.js');
const COUNTER = join(ROOT, 'bench/ssh-count.mjs');
const LAB_UP = join(ROOT, 'tests/lab/up.sh');
const LIMIT_SMOKE = join(ROOT, 'bench/limit-smoke.py');
const TARGET = { fresh: 1.1, unchanged: 1.5 };
const RUST = { fresh: 3.0, unchanged: 29 };
/** Our two environments. */
const ENVS = ['bench-a', 'bench-b'];
/** Where the limit's files go on the host, relative to the SSH user's home. */
const REMOTE_DIR = 'ttd-bench';

const { values: options } = parseArgs({
  options: {
    'fresh-rounds': { type: 'string', default: '3' },
    'unchanged-rounds': { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
  },
});
const freshRounds = positive(options['fresh-rounds'], '--fresh-rounds');
const unchangedRounds = positive(options['unchanged-rounds'], '--unchanged-rounds');

const work = mkdtempSync(join(tmpdir(), 'ttd-bench-'));
const logFile = `${work}.log`;
const countFile = join(work, 'ssh-count.ndjson');
const key = join(work, 'envs', 'id');
const { log, runTimed, must, stopChildren } = processKit(logFile);
const say = (text) => process.stderr.write(`bench: ${text}\n`);

// ---------- processes ----------

/** ttd through the built binary, with the SSH counter preloaded. */
const ttd = (...args) => must(process.execPath, ['--import', COUNTER, BINARY, '--working-dir', work, ...args], { env: { TTD_BENCH_SSH_COUNT: countFile } });

const lxc = (...args) => runTimed('lxc', args);

// ---------- the lab ----------

const configPath = (env) => join(work, 'envs', `${env}.toml`);
const stateOf = (env) => JSON.parse(readFileSync(join(work, 'data', env, 'environment.json'), 'utf8'));

/** A fresh container for each environment: destroyed if it exists, then created and provisioned. */
async function freshTargets() {
  for (const env of ENVS) {
    if (existsSync(join(work, 'data', env))) {
      await ttd('destroy', env, '--yes');
      await ttd('purge', env, '--yes');
    }
    await ttd('create', 'environment', '-f', configPath(env));
  }
  // Not measured: both provisioned together, so both are as old as each other.
  await Promise.all(ENVS.map((env) => ttd('provision', env)));
  return Object.fromEntries(ENVS.map((env) => [env, stateOf(env).instance.address]));
}

let cleaning;
/** Removes exactly our instances and profiles, however far the run got. */
function cleanup() {
  cleaning ??= (async () => {
    if (options.keep) {
      say(`--keep: left ${ENVS.map(lxdNameOf).join(', ')} running; working directory ${work}`);
      return;
    }
    for (const env of ENVS) {
      if (existsSync(join(work, 'data', env))) await runTimed(process.execPath, [BINARY, '--working-dir', work, 'destroy', env, '--yes']);
      // Whatever ttd could not remove (a run stopped mid-provision), by name.
      if ((await lxc('info', lxdNameOf(env))).code === 0) await lxc('delete', lxdNameOf(env), '--force');
      if ((await lxc('profile', 'show', lxdNameOf(env))).code === 0) await lxc('profile', 'delete', lxdNameOf(env));
    }
  })();
  return cleaning;
}

// ---------- the two sides ----------

/** Our run: ttd configure, then ttd release, each its own process, as a user runs them. */
async function ours(env) {
  const before = readCounts().length;
  const configure = await ttd('configure', env);
  const release = await ttd('release', env);
  const counts = readCounts().slice(before);
  return { seconds: configure.seconds + release.seconds, configure: configure.seconds, release: release.seconds, counts: sumCounts(counts), detail: counts };
}

const SSH_OPTIONS = ['-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'];

/** Our run on a running host: one `ttd deploy ENV`, its summary's per-stage durations, and its SSH tally. */
async function deployOurs(env) {
  const before = readCounts().length;
  const deploy = await ttd('deploy', env);
  const took = /^Took .*$/m.exec(deploy.stdout)?.[0] ?? '(no summary line)';
  const counts = readCounts().slice(before);
  return { seconds: deploy.seconds, took, counts: sumCounts(counts), detail: counts };
}

const USER = 'torrust';
/** ttd's test stage, as the limit runs it on the host: the tracker's own health check verdict. */
const HEALTHY = `test "$(sudo -n docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' tracker)" = healthy`;
/** Printed by the limit's script once release.sh is done, with the time: configure + release alone, for the two-process comparison. */
const RELEASED = '@@bench-released';

/** The limit: the rendered files in one scp, the rendered configure.sh + release.sh in one ssh. */
async function limit(env, address, renderedDir) {
  const upload = await must('scp', [...SSH_OPTIONS, '-q', '-r', renderedDir, `${USER}@${address}:`]);
  const script = `set -e; sudo -n bash ${REMOTE_DIR}/configure.sh; sudo -n bash ${REMOTE_DIR}/release.sh`;
  const run = await must('ssh', [...SSH_OPTIONS, `${USER}@${address}`, script]);
  return { seconds: upload.seconds + run.seconds, upload: upload.seconds, run: run.seconds };
}

/**
 * The limit of `ttd deploy` on a running host: the files in one scp; one ssh running
 * configure.sh, release.sh and run.sh (each step behind its check, as ttd's) and the health
 * check; then the smoke checks from here, all at once. Also returns configure + release
 * alone (scp, then the ssh up to the end of release.sh), the limit of the two-process run.
 */
async function limitDeploy(env, address, renderedDir) {
  const upload = await must('scp', [...SSH_OPTIONS, '-q', '-r', renderedDir, `${USER}@${address}:`]);
  const script = `set -e; sudo -n bash ${REMOTE_DIR}/configure.sh; sudo -n bash ${REMOTE_DIR}/release.sh; echo "${RELEASED} $(date +%s%3N)"; sudo -n bash ${REMOTE_DIR}/run.sh; ${HEALTHY}`;
  const run = await must('ssh', [...SSH_OPTIONS, `${USER}@${address}`, script]);
  const releasedAt = Number(new RegExp(`^${RELEASED} (\\d+)$`, 'm').exec(run.stdout)?.[1]);
  const smoke = await must('/usr/bin/python3', [LIMIT_SMOKE, `udp://${address}:6969/announce`, `http://${address}:7070/health_check`, `http://${address}:7070/announce`, `http://${address}:1212/api/health_check`]);
  return {
    seconds: upload.seconds + run.seconds + smoke.seconds,
    upload: upload.seconds,
    run: run.seconds,
    smoke: smoke.seconds,
    configureRelease: upload.seconds + (releasedAt - run.startedAtEpoch) / 1000,
  };
}

/** Not measured: both stacks started after the fresh rounds (ttd run, and the limit's run.sh), so both hosts run. */
async function startStacks(oursEnv, limitEnv, address, renderedDir) {
  await Promise.all([ttd('run', oursEnv), must('ssh', [...SSH_OPTIONS, `${USER}@${address}`, `set -e; sudo -n bash ${REMOTE_DIR}/run.sh; ${HEALTHY}`])]);
}

/** The limit's files: `ttd render` for that environment's config (not timed: ttd renders its own). */
async function render(env, address, round) {
  const dir = join(work, `render-${env}-${round}`, REMOTE_DIR);
  mkdirSync(dirname(dir), { recursive: true });
  await ttd('render', configPath(env), '--output-dir', dir, '--instance-ip', address);
  return dir;
}

// ---------- counting ----------

function readCounts() {
  if (!existsSync(countFile)) return [];
  return readFileSync(countFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

function sumCounts(lines) {
  const total = { connections: 0, execs: 0, sftpChannels: 0, sftpRequests: 0, connectMs: 0 };
  for (const line of lines) {
    total.connections += line.connections;
    total.execs += line.execs.length;
    total.sftpChannels += line.sftpChannels;
    total.sftpRequests += line.sftpRequests;
    total.connectMs += line.connectMs;
  }
  return { ...total, roundTrips: total.execs + total.sftpRequests };
}

// ---------- report ----------

/** Median, ratio to the limit's median, each round's own ratio, and ttd's round trips: one table row. */
function row(label, runs, { ttdOf, limitOf, countsOf, target, rust }) {
  const ttdSeconds = median(runs.map(ttdOf));
  const limitSeconds = median(runs.map(limitOf));
  const ratio = ttdSeconds / limitSeconds;
  const paired = runs.map((run) => ttdOf(run) / limitOf(run));
  const spread = runs.length > 1 ? ` (each round ${Math.min(...paired).toFixed(2)}–${Math.max(...paired).toFixed(2)}×)` : '';
  const verdict = target === undefined ? `for comparison${spread}` : `${ratio <= target ? 'met' : `MISSED (target ≤ ${target}×)`}${spread}`;
  const counts = countsOf(runs.at(-1));
  return `${label.padEnd(26)} ${ttdSeconds.toFixed(2).padStart(8)} ${limitSeconds.toFixed(2).padStart(8)} ${`${ratio.toFixed(2)}×`.padStart(7)} ${(target === undefined ? '' : `≤ ${target}×`).padStart(7)} ${(rust === undefined ? '' : `${rust}×`).padStart(6)}  ${String(counts.roundTrips).padStart(5)} (${counts.connections} conn, ${counts.execs} exec, ${counts.sftpRequests} sftp)  ${verdict}`;
}

/** Where one ttd process's time went, from the SSH counter's times (ms since the process started). */
function breakdown(line, wallSeconds) {
  const wall = Math.round(wallSeconds * 1000);
  if (line.firstConnectAt === undefined) return `${(line.argv.at(-2) ?? '?').padEnd(9)} wall ${wall}: no SSH connection`;
  const connected = (line.lastReplyAt ?? line.exitAt) - line.firstConnectAt - line.connectMs;
  return `${(line.argv.at(-2) ?? '?').padEnd(9)} wall ${wall}: start-up to first connect ${line.firstConnectAt}, SSH handshake ${line.connectMs}, connected ${connected}, after the connection ${line.exitAt - (line.lastReplyAt ?? line.exitAt)}, process exit ${wall - line.exitAt}`;
}

function report(fresh, unchanged) {
  const lines = [];
  lines.push('');
  lines.push(`ttd vs the limit; median of ${fresh.length} fresh / ${unchanged.length} unchanged round(s)`);
  lines.push(`${'host'.padEnd(26)} ${'ttd s'.padStart(8)} ${'limit s'.padStart(8)} ${'ratio'.padStart(7)} ${'target'.padStart(7)} ${'Rust'.padStart(6)}  round trips of ttd`);
  const seconds = (run) => run.ours.seconds;
  lines.push(row('fresh configure + release', fresh, { ttdOf: seconds, limitOf: (run) => run.limit.seconds, countsOf: (run) => run.ours.counts, target: TARGET.fresh, rust: RUST.fresh }));
  if (unchanged.length > 0) {
    lines.push(row('unchanged: ttd deploy', unchanged, { ttdOf: seconds, limitOf: (run) => run.limit.seconds, countsOf: (run) => run.ours.counts, target: TARGET.unchanged, rust: RUST.unchanged }));
    lines.push(row('  before: configure+release', unchanged, { ttdOf: (run) => run.twoProcesses.seconds, limitOf: (run) => run.limit.configureRelease, countsOf: (run) => run.twoProcesses.counts }));
  }
  lines.push('  the limit: fresh, 1 scp + 1 ssh (configure.sh, release.sh); unchanged, 1 scp + 1 ssh (configure.sh, release.sh, run.sh, the health check) + the smoke checks (bench/limit-smoke.py);');
  lines.push('  "before" is two processes (ttd configure, then ttd release) against the same limit up to the end of release.sh');
  lines.push('');
  lines.push('each fresh run (s): ttd = configure + release; limit = scp + ssh');
  fresh.forEach((run, index) => {
    lines.push(`  fresh ${index + 1} (${run.first} first): ttd ${run.ours.configure.toFixed(2)} + ${run.ours.release.toFixed(2)} = ${run.ours.seconds.toFixed(2)} on ${run.oursEnv}; limit ${run.limit.upload.toFixed(2)} + ${run.limit.run.toFixed(2)} = ${run.limit.seconds.toFixed(2)} on ${run.limitEnv}`);
  });
  lines.push('each unchanged run (s): ttd deploy; limit = scp + ssh + smoke; ttd configure + release; the limit up to the end of release.sh');
  unchanged.forEach((run, index) => {
    lines.push(`  unchanged ${index + 1} (${run.first} first): ttd deploy ${run.ours.seconds.toFixed(2)}; limit ${run.limit.upload.toFixed(2)} + ${run.limit.run.toFixed(2)} + ${run.limit.smoke.toFixed(2)} = ${run.limit.seconds.toFixed(2)}; ttd ${run.twoProcesses.configure.toFixed(2)} + ${run.twoProcesses.release.toFixed(2)} = ${run.twoProcesses.seconds.toFixed(2)}; limit ${run.limit.configureRelease.toFixed(2)}`);
    lines.push(`    ttd deploy's summary: ${run.ours.took}`);
  });
  const execsOf = (details) => details.flatMap((line) => line.execs.map((exec) => ({ stage: line.argv.at(-2) ?? '?', ...exec })));
  const last = [
    ['fresh configure + release', fresh.at(-1)?.ours, (run, index) => (index === 0 ? run.configure : run.release)],
    ['unchanged ttd deploy', unchanged.at(-1)?.ours, (run) => run.seconds],
  ];
  for (const [label, run, wallOf] of last) {
    if (!run) continue;
    lines.push('');
    lines.push(`where ttd's time went in the last ${label} (ms):`);
    run.detail.forEach((line, index) => lines.push(`  ${breakdown(line, wallOf(run, index))}`));
    lines.push(`ttd's exec channels there (ms each):`);
    for (const exec of execsOf(run.detail)) lines.push(`  ${String(exec.ms ?? '?').padStart(6)}  ${exec.stage.padEnd(9)} ${exec.command}`);
  }
  const rss = [...fresh.map((run) => run.ours), ...unchanged.flatMap((run) => [run.ours, run.twoProcesses])].flatMap((run) => run.detail.map((line) => ({ command: line.argv.at(-2) ?? '?', mib: line.maxRssMiB })));
  lines.push('');
  for (const command of ['deploy', 'configure', 'release']) {
    const values = rss.filter((entry) => entry.command === command).map((entry) => entry.mib);
    if (values.length > 0) lines.push(`peak RSS of ttd ${command}: median ${median(values)} MiB, max ${Math.max(...values)} MiB over ${values.length} runs (goal ≤ 200 MiB)`);
  }
  lines.push('');
  lines.push(`log: ${logFile}`);
  console.log(lines.join('\n'));
}

// ---------- main ----------

/** What was measured so far: a run that fails half-way still reports it. */
const fresh = [];
const unchanged = [];

async function main() {
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs root (it starts LXD and creates containers)');
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run npm run build (npm run bench does)`);
  say(`working directory ${work}`);
  // The lab: LXD with its Debian 13 image, and the registry the hosts pull the stack's (stand-in) images through.
  const lab = execFileSync('bash', [LAB_UP], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  const labValue = (name) => lab.split('\n').find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1);
  const image = labValue('TTD_LAB_IMAGE');
  const mirror = labValue('TTD_LAB_MIRROR');
  if (!image || !mirror) throw new Error('tests/lab/up.sh printed no TTD_LAB_IMAGE or TTD_LAB_MIRROR');
  // Leftovers of an interrupted earlier run, by our names only.
  for (const env of ENVS) {
    if ((await lxc('info', lxdNameOf(env))).code === 0) await lxc('delete', lxdNameOf(env), '--force');
    if ((await lxc('profile', 'show', lxdNameOf(env))).code === 0) await lxc('profile', 'delete', lxdNameOf(env));
  }
  mkdirSync(join(work, 'envs'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  for (const env of ENVS) writeFileSync(configPath(env), benchConfig(env, image, mirror));

  let addresses;
  let oursEnv;
  let limitEnv;
  let rendered;
  for (let round = 1; round <= freshRounds; round += 1) {
    say(`fresh round ${round}/${freshRounds}: provisioning ${ENVS.map(lxdNameOf).join(' and ')}`);
    addresses = await freshTargets();
    // Swap hosts and order each round, so neither side always gets the same container or goes first.
    [oursEnv, limitEnv] = round % 2 ? ENVS : [...ENVS].reverse();
    rendered = await render(limitEnv, addresses[limitEnv], round);
    const oursFirst = round % 2 === 1;
    say(`fresh round ${round}: ${oursFirst ? 'ttd' : 'limit'} first (ttd on ${lxdNameOf(oursEnv)}, limit on ${lxdNameOf(limitEnv)})`);
    const result = { first: oursFirst ? 'ttd' : 'limit', oursEnv: lxdNameOf(oursEnv), limitEnv: lxdNameOf(limitEnv) };
    if (oursFirst) {
      result.ours = await ours(oursEnv);
      result.limit = await limit(limitEnv, addresses[limitEnv], rendered);
    } else {
      result.limit = await limit(limitEnv, addresses[limitEnv], rendered);
      result.ours = await ours(oursEnv);
    }
    say(`  ttd ${result.ours.seconds.toFixed(2)} s, limit ${result.limit.seconds.toFixed(2)} s`);
    fresh.push(result);
  }

  say('starting both stacks (not measured)');
  await startStacks(oursEnv, limitEnv, addresses[limitEnv], rendered);
  for (let round = 1; round <= unchangedRounds; round += 1) {
    const oursFirst = round % 2 === 0;
    const result = { first: oursFirst ? 'ttd' : 'limit', oursEnv: lxdNameOf(oursEnv), limitEnv: lxdNameOf(limitEnv) };
    // The two-process run (configure, then release) between the two, for the comparison with before.
    if (oursFirst) {
      result.ours = await deployOurs(oursEnv);
      result.twoProcesses = await ours(oursEnv);
      result.limit = await limitDeploy(limitEnv, addresses[limitEnv], rendered);
    } else {
      result.limit = await limitDeploy(limitEnv, addresses[limitEnv], rendered);
      result.twoProcesses = await ours(oursEnv);
      result.ours = await deployOurs(oursEnv);
    }
    say(`unchanged round ${round}/${unchangedRounds}: ttd deploy ${result.ours.seconds.toFixed(2)} s, limit ${result.limit.seconds.toFixed(2)} s; ttd configure + release ${result.twoProcesses.seconds.toFixed(2)} s, limit ${result.limit.configureRelease.toFixed(2)} s`);
    unchanged.push(result);
  }
  report(fresh, unchanged);
}

function positive(value, flag) {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    console.error(`${flag} must be a whole number ≥ 1, not '${value}'`);
    process.exit(2);
  }
  return number;
}

takeLock(work);

await runBenchmark({
  main,
  say,
  stopChildren,
  cleanup,
  interruptNotice: 'removing the benchmark containers (Ctrl-C again to leave them)',
  anythingMeasured: () => fresh.length > 0,
  report: () => report(fresh, unchanged),
  keep: options.keep,
  work,
});
