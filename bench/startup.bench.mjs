#!/usr/bin/env node
// npm run bench: start-up of `ttd --version`, `ttd --help` and `ttd validate FILE` against
// `node -e 0`, measured side by side: each round runs every command once, in a rotating
// order, so load from other work hits all of them alike. Prints medians, each command's
// ratio to node's median and the spread of the per-round ratios. Asserts nothing about
// wall time. See docs/development/bench.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BINARY = join(ROOT, 'dist/src/cli/main.js');
const roundsArgument = process.argv.indexOf('--rounds');
const ROUNDS = roundsArgument === -1 ? 21 : Number(process.argv[roundsArgument + 1]);
const GOALS = { '--version': 1.3, '--help': 1.3, validate: 2 };

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

const commands = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: '--version', args: [BINARY, '--version'] },
  { name: '--help', args: [BINARY, '--help'] },
  { name: 'validate', args: [BINARY, 'validate', config] },
];

function timed(args) {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
  const took = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return took;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

// One warm-up of each fills Node's compile cache, as any second run of ttd finds it.
for (const command of commands) timed(command.args);
const times = commands.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let offset = 0; offset < commands.length; offset++) {
    const index = (round + offset) % commands.length;
    times[index].push(timed(commands[index].args));
  }
}

const node = median(times[0]);
console.log(`start-up, ${ROUNDS} rounds side by side (medians; per-round ratio spread in brackets):`);
console.log(`  node -e 0            ${node.toFixed(0).padStart(5)} ms`);
for (let index = 1; index < commands.length; index++) {
  const { name } = commands[index];
  const ratio = median(times[index]) / node;
  const rounds = times[index].map((took, round) => took / times[0][round]).sort((a, b) => a - b);
  const goal = GOALS[name];
  const verdict = ratio <= goal ? `goal ≤ ${goal}×` : `MISSED goal ≤ ${goal}×`;
  console.log(`  ttd ${name.padEnd(16)} ${median(times[index]).toFixed(0).padStart(5)} ms  ${ratio.toFixed(2)}× (${rounds[0].toFixed(2)}–${rounds.at(-1).toFixed(2)})  ${verdict}`);
}
