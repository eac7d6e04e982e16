import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { parse, stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { lxc } from '../support/lxd/real-lxd.js';
import { labEnvironment, labUp, removeLabInstance, type LabEnvironment } from './lab.js';

const run = promisify(execFile);
const NAME = 'lab-upgrade';
const LAB_DOCKER = { ...process.env, DOCKER_HOST: 'unix:///run/ttd-lab/docker.sock', DOCKER_BUILDKIT: '0' };

/** The lab's dockerd, for the two extra tags of the stand-in tracker. */
async function docker(args: readonly string[], input?: string): Promise<string> {
  if (input === undefined) return (await run('docker', [...args], { env: LAB_DOCKER, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
  return new Promise((done, fail) => {
    const child = execFile('docker', [...args], { env: LAB_DOCKER, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => (error ? fail(new Error(`docker ${args.join(' ')}: ${stderr}`)) : done(stdout.trim())));
    child.stdin?.end(input);
  });
}

/**
 * Builds FROM the stand-in tracker in the registry (a Dockerfile on stdin: no file
 * under tests/lab/images/, so the lab's image recipe stays the same) and pushes it
 * under torrust/tracker:TAG, where instances pull Docker Hub names from.
 */
async function pushTrackerTag(registry: string, tag: string, extraLines: readonly string[]): Promise<void> {
  const name = `${registry}/torrust/tracker:${tag}`;
  await docker(['build', '--network', 'host', '-t', name, '-'], [`FROM ${registry}/torrust/tracker:develop`, `LABEL ttd.lab.upgrade=${tag}`, ...extraLines, ''].join('\n'));
  await docker(['push', '--quiet', name]);
}

/**
 * Lab: `upgrade` on a running environment (SQLite, one UDP and one HTTP tracker).
 * A new tag of the tracker (lab-next, the stand-in under another tag) is pulled and
 * started healthy, and recorded; a tag whose health check always fails (lab-broken)
 * is rolled back: the tracker runs lab-next again, healthy, and the record keeps it.
 */
describe('upgrade: new image tags, and a rollback when the new tracker is unhealthy', () => {
  let env: LabEnvironment;

  beforeAll(async () => {
    const lab = await labUp();
    const registry = new URL(lab.mirror).host;
    await docker(['pull', '--quiet', `${registry}/torrust/tracker:develop`]);
    await pushTrackerTag(registry, 'lab-next', []);
    // Unhealthy within seconds: Docker's health check fails twice, two seconds apart.
    await pushTrackerTag(registry, 'lab-broken', ['HEALTHCHECK --interval=2s --timeout=2s --start-period=1s --retries=2 CMD ["node", "-e", "console.error(\'lab-broken: health check fails on purpose\'); process.exit(1)"]']);
    await removeLabInstance(NAME);
    env = await labEnvironment(lab, NAME, ['--database', 'sqlite3', '--protocols', 'udp,http', '--no-prometheus', '--no-grafana', '--no-https', '--no-backup']);
  });

  afterAll(async () => {
    await removeLabInstance(NAME);
  });

  const explainFailure = () => onTestFailed(async () => console.error(await env.diagnostics()));
  const setTrackerImage = (image: string) => {
    const config = parse(readFileSync(env.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
    config['images'] = { ...config['images'], tracker: image };
    writeFileSync(env.configPath, stringify(config), { mode: 0o600 });
  };
  const trackerContainer = async () => env.onInstance(`docker inspect tracker --format '{{.Config.Image}} {{.State.Status}} {{.State.Health.Status}}'`);
  const shownTrackerImage = async () => {
    const shown = await env.ttd('show', NAME, '--json');
    expect(shown.code, shown.stderr).toBe(0);
    return (JSON.parse(shown.stdout) as { configured: { images: { tracker: string } } }).configured.images.tracker;
  };
  const smokeTest = async () => {
    const result = await env.ttd('test', NAME);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  };

  it('deploys the stack on the default tracker image', async () => {
    explainFailure();
    const result = await env.ttd('deploy', env.configPath);
    expect(result.code, result.stderr).toBe(0);
    expect(await trackerContainer()).toBe('torrust/tracker:develop running healthy');
  });

  it('upgrade with a new tracker tag: pulled, started healthy, tested, and recorded', async () => {
    explainFailure();
    setTrackerImage('torrust/tracker:lab-next');
    const dry = await env.ttd('upgrade', NAME, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('tracker: torrust/tracker:develop → torrust/tracker:lab-next');
    expect(await trackerContainer()).toBe('torrust/tracker:develop running healthy');

    const result = await env.ttd('upgrade', NAME);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('tracker: torrust/tracker:lab-next');
    expect(await trackerContainer()).toBe('torrust/tracker:lab-next running healthy');
    expect(await env.onInstance(`docker inspect tracker --format '{{index .Config.Labels "ttd.lab.upgrade"}}'`)).toBe('lab-next');
    expect(await env.onInstance('grep -c "image: .*torrust/tracker:lab-next" /opt/torrust/docker-compose.yml')).toBe('1');
    expect(await env.onInstance('test ! -e /opt/torrust/.ttd-upgrade && echo gone')).toBe('gone');
    await smokeTest();
    expect(await shownTrackerImage()).toBe('torrust/tracker:lab-next');

    const again = await env.ttd('upgrade', NAME, '--json');
    expect(again.code).toBe(2);
    expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!)).toMatchObject({ ok: false, error: { code: 'upgrade.no_image_change' } });
  });

  it('upgrade to a tracker that never becomes healthy: exit 1, its last log lines, and the previous image runs again', async () => {
    explainFailure();
    setTrackerImage('torrust/tracker:lab-broken');
    const result = await env.ttd('upgrade', NAME, '--json');
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const outcome = lines.at(-1) as { ok: boolean; error: { code: string; message: string; step: string; rolled_back: boolean; diagnosis?: string[] } };
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatchObject({ code: 'upgrade.failed', rolled_back: true });
    expect(outcome.error.diagnosis?.join('\n'), outcome.error.message).toMatch(/tracker/);
    expect(outcome.error.diagnosis?.join('\n'), outcome.error.message).toContain('stand-in-tracker');
    expect(lines.filter((line) => String(line['type']).startsWith('step.undo.') && line['step'] === 'swap-compose').map((line) => line['type'])).toEqual(['step.undo.started', 'step.undo.succeeded']);

    expect(await trackerContainer()).toBe('torrust/tracker:lab-next running healthy');
    expect(await env.onInstance('grep -c "image: .*torrust/tracker:lab-next" /opt/torrust/docker-compose.yml')).toBe('1');
    expect(await env.onInstance('test ! -e /opt/torrust/.ttd-upgrade && echo gone')).toBe('gone');
    await smokeTest();
    expect(await shownTrackerImage()).toBe('torrust/tracker:lab-next');
  });

  it('destroy removes the container', async () => {
    explainFailure();
    const result = await env.ttd('destroy', NAME, '--yes');
    expect(result.code, result.stderr).toBe(0);
    expect((await lxc('info', env.instance)).code).not.toBe(0);
  });
});
