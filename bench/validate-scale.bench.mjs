#!/usr/bin/env node
// npm run bench, first line: validation time per tracker at 16,000 and at 64,000 UDP trackers
// (the cross-service checks must stay linear: within 1.5x of each other), and a config file
// with 64,000 trackers given to `ttd validate`, which is refused at once by the list cap.
// It reports; it asserts nothing about wall time. See docs/development/bench.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BINARY = join(ROOT, 'dist/src/cli/main.js');
const { EnvironmentConfigSchema } = await import(join(ROOT, 'dist/src/config/schema.js'));
const TARGET = 1.5;
const ROUNDS = 3;

/** A valid config with this many UDP trackers, each on its own port. */
function configWith(trackers) {
  return {
    environment: { name: 'bench-scale' },
    ssh_credentials: { private_key_path: '/keys/id', public_key_path: '/keys/id.pub' },
    provider: { provider: 'lxd', profile_name: 'bench-scale' },
    tracker: {
      core: { database: { driver: 'sqlite3', database_name: 'tracker.db' } },
      udp_trackers: Array.from({ length: trackers }, (_, index) => ({ bind_address: `0.0.0.0:${1024 + index}` })),
      http_trackers: [],
      http_api: { bind_address: '0.0.0.0:1212', admin_token: 'bench-admin-token-0123456789' },
      health_check_api: { bind_address: '127.0.0.1:1313' },
    },
  };
}

/** Median microseconds per tracker to validate the config (schema, field rules and cross-service checks). */
function perTracker(trackers) {
  const data = configWith(trackers);
  const times = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    const result = EnvironmentConfigSchema.safeParse(data);
    times.push(performance.now() - start);
    if (!result.success) throw new Error(`the ${trackers}-tracker config does not validate: ${result.error.issues[0]?.message}`);
  }
  return (times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] * 1000) / trackers;
}

const small = perTracker(16_000);
const large = perTracker(64_000);
const ratio = large / small;

/** `ttd validate --json` on this config as a file: the error code (or "valid") and the milliseconds it took. */
function validateFile(trackers) {
  const dir = mkdtempSync(join(tmpdir(), 'ttd-bench-scale-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(configWith(trackers)));
  const start = performance.now();
  let outcome = 'valid';
  try {
    execFileSync(process.execPath, [BINARY, 'validate', file, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    outcome = JSON.parse(error.stdout).error?.code ?? `exit ${error.status}`;
  }
  const ms = Math.round(performance.now() - start);
  // The 64,000-tracker file is about 2 MB: nothing of the benchmark stays behind.
  rmSync(dir, { recursive: true, force: true });
  return { outcome, ms };
}

const huge = validateFile(64_000);
const one = validateFile(1);

process.stdout.write(
  `validate: ${small.toFixed(1)} µs/tracker at 16,000 trackers, ${large.toFixed(1)} µs/tracker at 64,000 ` +
    `(${ratio.toFixed(2)}x, target ≤ ${TARGET}x${ratio > TARGET ? ': MISSED' : ''}); ` +
    `ttd validate on a 64,000-tracker file: ${huge.outcome} in ${huge.ms} ms (a 1-tracker file: ${one.outcome} in ${one.ms} ms)\n`,
);
