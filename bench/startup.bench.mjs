#!/usr/bin/env node
// npm run bench: start-up of `ttd --version`, `ttd --help` and `ttd validate FILE` against
// `node -e 0`, measured side by side: each round runs every command once, in a rotating
// order, so load from other work hits all of them alike. Prints medians of wall and CPU time,
// each command's ratio to node's median and the spread of the per-round ratios, then the same
// as rows of issue 20's table. Asserts nothing about wall time. See docs/development/bench.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BINARY = join(ROOT, 'dist/src/cli/main.js');
const roundsArgument = process.argv.indexOf('--rounds');
const ROUNDS = roundsArgument === -1 ? 21 : Number(process.argv[roundsArgument + 1]);
// Issue 20's goals; --help has none of its own (it must load nothing heavy: tests/cli/contract.test.ts).
const GOALS = { '--version': 1.3, validate: 2 };

const dir = mkdtempSync(join(tmpdir(), 'ttd-bench-startup-'));
writeFileSync(join(dir, 'id'), '');
writeFileSync(join(dir, 'id.pub'), '');
const config = join(dir, 'bench.toml');
writeFileSync(config, `[environment]
name = "bench-startup"
[ssh_credentials]
private_key_path = "id"
public_key_path = "id.pub"
[provider]
provider = "lxd"
profile_name = "bench-startup"
[tracker.core.database]
driver = "sqlite3"
database_name = "tracker.db"
[[tracker.udp_trackers]]
bind_address = "0.0.0.0:6969"
[[tracker.http_trackers]]
bind_address = "0.0.0.0:7070"
[tracker.http_api]
bind_address = "0.0.0.0:1212"
admin_token = "bench-admin-token-0123456789"
[tracker.health_check_api]
bind_address = "127.0.0.1:1313"
`);

// Each process records its own CPU time (user + system, all threads, since it started) as it exits:
// wall time on a shared machine is mostly waiting for a core; CPU time is the work done.
const cpuFile = join(dir, 'cpu-ms');
const recordCpu = join(dir, 'record-cpu.cjs');
writeFileSync(recordCpu, `process.on('exit', () => { const { user, system } = process.cpuUsage(); require('node:fs').writeFileSync(${JSON.stringify(cpuFile)}, String((user + system) / 1000)); });\n`);

const commands = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: '--version', args: [BINARY, '--version'] },
  { name: '--help', args: [BINARY, '--help'] },
  { name: 'validate', args: [BINARY, 'validate', config] },
];

/** Wall and CPU milliseconds of one run (the same small preload in every command, node -e 0 included). */
function timed(args) {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['--require', recordCpu, ...args], { cwd: dir, encoding: 'utf8' });
  const took = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { wall: took, cpu: Number(readFileSync(cpuFile, 'utf8')) };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

// One warm-up of each fills Node's compile cache (Node ≥ 22), as any second run of ttd finds it.
for (const command of commands) timed(command.args);
const loadBefore = loadavg()[0];
const times = commands.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let offset = 0; offset < commands.length; offset++) {
    const index = (round + offset) % commands.length;
    times[index].push(timed(commands[index].args));
  }
}

const wall = times.map((runs) => runs.map((run) => run.wall));
const cpu = times.map((runs) => runs.map((run) => run.cpu));
const node = { wall: median(wall[0]), cpu: median(cpu[0]) };
const load = `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`;
/** Median ratio to node's median, and the spread of the per-round ratios. */
const ratioOf = (series, index) => {
  const rounds = series[index].map((each, round) => each / series[0][round]).sort((a, b) => a - b);
  return { ratio: median(series[index]) / median(series[0]), spread: `${rounds[0].toFixed(2)}–${rounds.at(-1).toFixed(2)}×` };
};
console.log(`start-up, ${ROUNDS} rounds side by side (medians; per-round ratio spread in brackets; ${load}):`);
console.log(`  node -e 0            wall ${node.wall.toFixed(0).padStart(5)} ms                          cpu ${node.cpu.toFixed(0).padStart(4)} ms`);
const rows = [];
for (let index = 1; index < commands.length; index++) {
  const { name } = commands[index];
  const took = { wall: median(wall[index]), cpu: median(cpu[index]) };
  const byWall = ratioOf(wall, index);
  const byCpu = ratioOf(cpu, index);
  const goal = GOALS[name];
  const verdict = goal === undefined ? '' : byWall.ratio <= goal ? `goal ≤ ${goal}×` : `MISSED goal ≤ ${goal}×`;
  console.log(`  ttd ${name.padEnd(16)} wall ${took.wall.toFixed(0).padStart(5)} ms  ${byWall.ratio.toFixed(2)}× (${byWall.spread.padEnd(11)})  cpu ${took.cpu.toFixed(0).padStart(4)} ms  ${byCpu.ratio.toFixed(2)}× (${byCpu.spread})  ${verdict}`);
  rows.push(`| \`ttd ${name}\` vs \`node -e 0\` | ${byWall.ratio.toFixed(2)}× (${byWall.spread}); ${took.wall.toFixed(0)} ms vs ${node.wall.toFixed(0)} ms${goal !== undefined && byWall.ratio > goal ? ', MISSED' : ''}; CPU ${byCpu.ratio.toFixed(2)}× (${byCpu.spread}), ${took.cpu.toFixed(0)} ms vs ${node.cpu.toFixed(0)} ms | ${goal === undefined ? '—' : `≤ ${goal}×`} |`);
}
console.log(`\nAs issue 20's table (${ROUNDS} rounds, ${load}; the goal is on the wall-time median):\n\n| figure | now | goal |\n|---|---|---|\n${rows.join('\n')}`);
rmSync(dir, { recursive: true, force: true });
