#!/usr/bin/env node
// npm run bench: `ttd deploy` from nothing to tested in the lab, by stage. Each round is
// one `ttd deploy FILE` of a new environment (an LXD container from the lab image, the
// images through the lab's registry mirror, SQLite, one UDP and one HTTP tracker), as a
// user runs it; the stages are read from the summary it prints (`Took … s: provision …`),
// its peak RSS from bench/ssh-count.mjs, preloaded. Then `ttd destroy`. It reports; it
// asserts nothing about wall time. Exit 0 when every round ran, 1 when a command failed.
// See docs/development/bench.md.
//
//   node bench/lab-deploy.bench.mjs [--rounds N] [--keep]
//
// Only its own LXD resources are touched: the instance and profile named ttd-bench-lab,
// removed after each round, on failure and on Ctrl-C (a second Ctrl-C leaves them).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchConfig, lxdNameOf, median, processKit, runBenchmark, takeLock } from './bench-kit.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BINARY = join(ROOT, 'dist/src/cli/main.js');
const COUNTER = join(ROOT, 'bench/ssh-count.mjs');
const LAB_UP = join(ROOT, 'tests/lab/up.sh');
const GOAL_SECONDS = 60;
const GOAL_RSS_MIB = 200;
const ENV = 'bench-lab';
/** The instance and the profile carry the same name. */
const LXD_NAME = lxdNameOf(ENV);

const { values: options } = parseArgs({ options: { rounds: { type: 'string', default: '2' }, keep: { type: 'boolean', default: false } } });
const rounds = Number(options.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`--rounds must be a whole number ≥ 1, not '${options.rounds}'`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'ttd-bench-lab-'));
const logFile = `${work}.log`;
const countFile = join(work, 'ssh-count.ndjson');
const configPath = join(work, 'envs', `${ENV}.toml`);
const { log, runTimed, must, stopChildren } = processKit(logFile);
const say = (text) => process.stderr.write(`bench: ${text}\n`);

const ttd = (...args) => must(process.execPath, ['--import', COUNTER, BINARY, '--working-dir', work, ...args], { env: { TTD_BENCH_SSH_COUNT: countFile } });
const lxc = (...args) => runTimed('lxc', args);

/** Exactly our instance and profile, however far a round got: ttd destroy, then by name. */
async function removeOurs() {
  if (existsSync(join(work, 'data', ENV))) {
    await runTimed(process.execPath, [BINARY, '--working-dir', work, 'destroy', ENV, '--yes']);
    await runTimed(process.execPath, [BINARY, '--working-dir', work, 'purge', ENV, '--yes']);
  }
  if ((await lxc('info', LXD_NAME)).code === 0) await lxc('delete', LXD_NAME, '--force');
  if ((await lxc('profile', 'show', LXD_NAME)).code === 0) await lxc('profile', 'delete', LXD_NAME);
}

let cleaning;
function cleanup() {
  cleaning ??= options.keep ? Promise.resolve(say(`--keep: left ${LXD_NAME} running; working directory ${work}`)) : removeOurs();
  return cleaning;
}


/** `Took 32.3 s: provision 7.7 s, configure 10.8 s, …` → { total, stages: { provision: 7.7, … } }. */
function tookLine(stdout) {
  const line = /^Took (\d+(?:\.\d+)?) s: (.+)$/m.exec(stdout);
  if (!line) throw new Error(`ttd deploy printed no "Took … s: …" line (full log: ${logFile})`);
  const stages = {};
  for (const part of line[2].split(', ')) {
    const stage = /^(.+) (\d+(?:\.\d+)?) s$/.exec(part);
    if (stage) stages[stage[1]] = Number(stage[2]);
  }
  return { total: Number(line[1]), stages };
}

/** The longest steps of the deploy, from its log (data/ENV/logs/*-deploy.log: NDJSON events with times). */
function longestSteps(count = 6) {
  const logs = join(work, 'data', ENV, 'logs');
  const file = existsSync(logs) ? readdirSync(logs).filter((name) => name.endsWith('-deploy.log')).sort().at(-1) : undefined;
  if (!file) return [];
  const started = new Map();
  const steps = [];
  for (const line of readFileSync(join(logs, file), 'utf8').split('\n')) {
    const event = /^(\S+) (step\.\w+) (.*)$/.exec(line);
    if (!event) continue;
    const at = Date.parse(event[1]);
    const data = JSON.parse(event[3]);
    if (event[2] === 'step.started') started.set(data.step, { at, stage: data.stage });
    else if (['step.succeeded', 'step.skipped', 'step.failed'].includes(event[2]) && started.has(data.step)) {
      const { at: from, stage } = started.get(data.step);
      steps.push({ step: `${stage}/${data.step}`, seconds: (at - from) / 1000 });
    }
  }
  return steps.sort((a, b) => b.seconds - a.seconds).slice(0, count);
}

function readCounts() {
  if (!existsSync(countFile)) return [];
  return readFileSync(countFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

const load = () => loadavg().map((value) => value.toFixed(1)).join(' ');

function report(measured) {
  const stages = [...new Set(measured.flatMap((round) => Object.keys(round.took.stages)))];
  const totals = measured.map((round) => round.took.total);
  const total = median(totals);
  const spread = measured.length > 1 ? ` (rounds ${Math.min(...totals).toFixed(1)}–${Math.max(...totals).toFixed(1)} s)` : '';
  const lines = ['', `lab deploy from nothing to tested (LXD container from the lab image, images through the lab mirror); median of ${measured.length} round(s)`];
  lines.push(`  ${total.toFixed(1)} s${spread}: ${stages.map((stage) => `${stage} ${median(measured.map((round) => round.took.stages[stage] ?? 0)).toFixed(1)}`).join(', ')}  ${total <= GOAL_SECONDS ? 'met' : 'MISSED'} (goal ≤ ${GOAL_SECONDS} s)`);
  for (const [index, round] of measured.entries()) {
    lines.push(`  round ${index + 1}: ${round.took.total.toFixed(1)} s (process ${round.wall.toFixed(1)} s): ${Object.entries(round.took.stages).map(([stage, seconds]) => `${stage} ${seconds.toFixed(1)}`).join(', ')}; load average before ${round.loadBefore}, after ${round.loadAfter}`);
    if (round.longest.length > 0) lines.push(`    longest steps: ${round.longest.map(({ step, seconds }) => `${step} ${seconds.toFixed(1)}`).join(', ')}`);
  }
  const rss = measured.map((round) => round.rssMiB).filter((value) => value !== undefined);
  if (rss.length > 0) lines.push(`peak RSS of ttd deploy: median ${median(rss)} MiB, max ${Math.max(...rss)} MiB over ${rss.length} run(s) (goal ≤ ${GOAL_RSS_MIB} MiB)`);
  lines.push('', `log: ${logFile}`);
  console.log(lines.join('\n'));
}

/** What was measured so far: a run that fails half-way still reports it. */
const measured = [];

async function main() {
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs root (it brings the lab up and creates containers)');
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run npm run build (npm run bench does)`);
  say(`working directory ${work}; bringing the lab up (tests/lab/up.sh)`);
  const up = execFileSync('bash', [LAB_UP], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  const value = (name) => {
    const line = up.split('\n').find((candidate) => candidate.startsWith(`${name}=`));
    if (!line) throw new Error(`tests/lab/up.sh printed no ${name}`);
    return line.slice(name.length + 1);
  };
  const lab = { mirror: value('TTD_LAB_MIRROR'), image: value('TTD_LAB_IMAGE') };
  await removeOurs(); // leftovers of an interrupted earlier run, by our name only
  mkdirSync(join(work, 'envs'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'envs', 'id')]);
  writeFileSync(configPath, benchConfig(ENV, lab.image, lab.mirror), { mode: 0o600 });
  for (let round = 1; round <= rounds; round += 1) {
    const loadBefore = load();
    say(`round ${round}/${rounds}: ttd deploy from nothing (load average ${loadBefore})`);
    const before = readCounts().length;
    const deploy = await ttd('deploy', configPath);
    const took = tookLine(deploy.stdout);
    const rssMiB = readCounts().slice(before).find((line) => line.argv.includes('deploy'))?.maxRssMiB;
    measured.push({ took, wall: deploy.seconds, rssMiB, loadBefore, loadAfter: load(), longest: longestSteps() });
    say(`  ${took.total.toFixed(1)} s: ${Object.entries(took.stages).map(([stage, seconds]) => `${stage} ${seconds.toFixed(1)}`).join(', ')}`);
    if (!options.keep || round < rounds) await removeOurs();
  }
  report(measured);
}

takeLock(work);
await runBenchmark({
  main,
  say,
  stopChildren,
  cleanup,
  interruptNotice: `removing ${LXD_NAME} (Ctrl-C again to leave it)`,
  anythingMeasured: () => measured.length > 0,
  report: () => report(measured),
  keep: options.keep,
  work,
});
