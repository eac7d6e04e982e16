/**
 * The background image pull (issue 20): configure starts it and returns at once, run waits
 * for it and takes its outcome. The step's own command lines run in sh against a stand-in
 * `docker` on PATH (each pull sleeps, an image named *missing* fails as the registry says),
 * with the record's directory moved to a scratch one.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awaitImagePull, IMAGE_PULL_DIR, startImagePull } from '../../src/remote/steps/image-pull.js';
import type { HostStep } from '../../src/remote/steps/step.js';
import { DIAGNOSIS_MARKER } from '../../src/remote/steps/step.js';
import { stackImages } from '../../src/stack/queries.js';
import { composeModel } from '../../src/render/compose.js';
import { loadConfigFile } from '../../src/config/load.js';
import { deployerJsonFixtures } from '../support/configs.js';
import { scratch } from '../lifecycle/support.js';

const STAND_IN_DOCKER = `#!/bin/sh
# STAND-IN for docker: records each call; the daemon answers once $DOWN is gone; pulls take
# PULL_SECONDS; *missing* images do not exist.
case "$1 $2" in
  "info ") [ ! -e "$DOWN" ]; exit ;;
esac
echo "$*" >> "$CALLS"
case "$1 $2" in
  "image inspect") exit 1 ;;
  "pull --quiet") sleep "$PULL_SECONDS"; case "$3" in *missing*) echo "Error response from daemon: manifest for $3 not found: manifest unknown" >&2; exit 1 ;; esac; echo "$3" ;;
  "compose pull") echo "compose pulled" ;;
esac
`;

interface Host {
  readonly run: (step: HostStep, checkFirst?: boolean) => { code: number | null; output: string };
  readonly record: string;
  readonly calls: () => string[];
  /** Docker answers only once this file is removed. */
  readonly down: string;
}

function host(pullSeconds = '0.3'): Host {
  const root = scratch();
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'docker'), STAND_IN_DOCKER);
  chmodSync(join(bin, 'docker'), 0o755);
  const record = join(root, 'record');
  const calls = join(root, 'calls');
  writeFileSync(calls, '');
  const down = join(root, 'docker-down');
  const env = { ...process.env, PATH: `${bin}:${process.env['PATH']}`, CALLS: calls, PULL_SECONDS: pullSeconds, DOWN: down };
  const local = (line: string) => line.replaceAll(IMAGE_PULL_DIR, record).replaceAll('cd /opt/torrust && ', '');
  return {
    record,
    down,
    calls: () => readFileSync(calls, 'utf8').trim().split('\n').filter((line) => line !== ''),
    run: (step, checkFirst = false) => {
      const body = step.commands.map(local).join(' && ');
      const script = checkFirst && step.doneWhen ? `if ${local(step.doneWhen)}; then echo skipped; else ${body}; fi` : body;
      const result = spawnSync('sh', ['-c', script], { env, encoding: 'utf8', timeout: 20_000 });
      return { code: result.status, output: result.stdout + result.stderr };
    },
  };
}

/** Kills the pull's process group, once setsid has made it (the start returns before that). */
function killGroup(pid: number): void {
  for (let tries = 0; ; tries += 1) {
    try {
      process.kill(-pid, 'SIGKILL');
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH' || tries > 100) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

describe('the images configure pulls', () => {
  it('are the images of the compose file\'s services that a plain `docker compose pull` fetches (no one-shot profile)', async () => {
    for (const file of deployerJsonFixtures()) {
      const { config, problems } = await loadConfigFile(file, {});
      if (!config) throw new Error(`${file} does not validate: ${JSON.stringify(problems)}`);
      const model = composeModel(config);
      const pulled = model.services.filter((service) => (service.profiles ?? []).length === 0).map((service) => service.image);
      expect([...stackImages(config)].sort(), file).toEqual([...new Set(pulled)].sort());
    }
  });
});

describe('configure starts the pull in the background; run waits for it', () => {
  const images = ['torrust/tracker:develop', 'caddy:2.11.2'];

  it('configure returns before the pull ends; run finds it done, pulls nothing more, and forgets it', () => {
    const target = host('1');
    const started = Date.now();
    const start = target.run(startImagePull(images));
    expect(start.code, start.output).toBe(0);
    expect(Date.now() - started, 'configure does not wait for the pull').toBeLessThan(900);
    const wait = target.run(awaitImagePull(images));
    expect(wait.code, wait.output).toBe(0);
    expect(wait.output).toContain('pulled in the background since configure');
    expect(target.calls().sort()).toEqual(['pull --quiet caddy:2.11.2', 'pull --quiet torrust/tracker:develop']);
    expect(existsSync(target.record), 'run forgets the record, so the next run pulls for itself').toBe(false);
  });

  it('the pull starts only once Docker answers (configure starts it before installing Docker)', async () => {
    const target = host();
    writeFileSync(target.down, '');
    expect(target.run(startImagePull(images)).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(target.calls(), 'nothing pulled while Docker does not answer').toEqual([]);
    rmSync(target.down);
    const wait = target.run(awaitImagePull(images));
    expect(wait.code, wait.output).toBe(0);
    expect(target.calls().sort()).toEqual(['pull --quiet caddy:2.11.2', 'pull --quiet torrust/tracker:develop']);
  });

  it('a failed pull fails run with docker\'s message as the diagnosis, once; the next run pulls in the foreground', () => {
    const target = host();
    const wanted = ['torrust/tracker:missing', 'caddy:2.11.2'];
    expect(target.run(startImagePull(wanted)).code).toBe(0);
    const wait = target.run(awaitImagePull(wanted));
    expect(wait.code).toBe(1);
    const diagnosis = wait.output.slice(wait.output.indexOf(DIAGNOSIS_MARKER));
    expect(diagnosis).toContain('pulling the images in the background failed (docker pull exited 1)');
    expect(diagnosis).toContain('manifest for torrust/tracker:missing not found');
    const again = target.run(awaitImagePull(wanted));
    expect(again.code).toBe(0);
    expect(target.calls()).toContain('compose pull --quiet');
  });

  it('a pull that died without an outcome fails run at once instead of waiting for ever', () => {
    const target = host('30');
    expect(target.run(startImagePull(images)).code).toBe(0);
    const pid = readFileSync(join(target.record, 'pid'), 'utf8').trim();
    killGroup(Number(pid));
    const wait = target.run(awaitImagePull(images));
    expect(wait.code).toBe(1);
    expect(wait.output).toContain(`${DIAGNOSIS_MARKER} the image pull configure started in the background stopped before it finished`);
  });

  it('configure again while the same pull runs or after it changes nothing; other images replace it', () => {
    const target = host('1');
    expect(target.run(startImagePull(images)).code).toBe(0);
    const token = readFileSync(join(target.record, 'token'), 'utf8');
    expect(target.run(startImagePull(images), true).output.trim()).toBe('skipped');
    expect(readFileSync(join(target.record, 'token'), 'utf8')).toBe(token);
    const other = ['torrust/tracker:v4'];
    expect(target.run(startImagePull(other), true).code).toBe(0);
    expect(readFileSync(join(target.record, 'token'), 'utf8')).not.toBe(token);
    const wait = target.run(awaitImagePull(other));
    expect(wait.code, wait.output).toBe(0);
    expect(target.calls()).toContain('pull --quiet torrust/tracker:v4');
  });

  it('without a pull configure started (a hand-run host, a later run), run pulls through compose', () => {
    const target = host();
    const wait = target.run(awaitImagePull(images));
    expect(wait.code, wait.output).toBe(0);
    expect(target.calls()).toEqual(['compose pull --quiet']);
  });
});
