import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratch, treeOf, ttd, writeConfig } from '../lifecycle/support.js';

/**
 * `upgrade` through the built binary, up to the point where it would connect: it
 * reads the edited config (given as a file, or the one the environment was deployed
 * from), refuses what is not an image upgrade with exit 2 and a fix, refuses an
 * environment that is not running, and --dry-run says what would change. Nothing is
 * changed by any of them. (On a real host: tests/lab/upgrade.lab.test.ts.)
 */
describe('upgrade on the command line', () => {
  const deployed = async () => {
    const workingDir = scratch('ttd-upgrade-cli-');
    const file = writeConfig(workingDir);
    expect((await ttd(['create', 'environment', '-f', file], workingDir)).code).toBe(0);
    const stateFile = join(workingDir, 'data', 'demo', 'environment.json');
    const record = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(stateFile, JSON.stringify({ ...record, state: 'running', reached: 'running', instance: { address: '192.0.2.10', ssh_host_key: 'SHA256:x' } }), { mode: 0o600 });
    return { workingDir, file, stateFile };
  };
  const resultOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown> & { error?: Record<string, unknown> };

  it('the config unchanged: exit 2, upgrade.no_image_change, naming the [images] section', async () => {
    const { workingDir } = await deployed();
    const before = treeOf(join(workingDir, 'data'));
    const result = await ttd(['upgrade', 'demo', '--json'], workingDir);
    expect(result.code).toBe(2);
    expect(resultOf(result.stdout).error).toMatchObject({ code: 'upgrade.no_image_change', fix: expect.stringContaining('[images]') });
    expect(treeOf(join(workingDir, 'data'))).toEqual(before);
  });

  it('an image of a service the environment does not run: exit 2, pointing at deploy', async () => {
    const { workingDir, file } = await deployed();
    appendFileSync(file, '\n[images]\ngrafana = "grafana/grafana:12.0.0"\n');
    const result = await ttd(['upgrade', file], workingDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("changes images.grafana, but 'demo' does not run that service");
    expect(result.stderr).toContain(`ttd deploy`);
  });

  it('more than image tags changed: exit 2, upgrade.other_changes, listing the keys and naming ttd deploy FILE', async () => {
    const { workingDir, file, stateFile } = await deployed();
    const before = readFileSync(stateFile, 'utf8');
    writeFileSync(file, readFileSync(file, 'utf8').replace('private = false', 'private = true') + '\n[images]\ntracker = "torrust/tracker:v4.0.0"\n');
    const result = await ttd(['upgrade', 'demo', '--json'], workingDir);
    expect(result.code).toBe(2);
    expect(resultOf(result.stdout).error).toMatchObject({
      code: 'upgrade.other_changes',
      keys: ['tracker.core.private'],
      images: [{ service: 'tracker', from: 'torrust/tracker:develop', to: 'torrust/tracker:v4.0.0' }],
      fix: expect.stringContaining('ttd deploy envs/demo.toml'),
    });
    expect(readFileSync(stateFile, 'utf8')).toBe(before);
  });

  it('an environment that is not running is refused, naming deploy', async () => {
    const workingDir = scratch('ttd-upgrade-cli-');
    const file = writeConfig(workingDir);
    expect((await ttd(['create', 'environment', '-f', file], workingDir)).code).toBe(0);
    appendFileSync(file, '\n[images]\ntracker = "torrust/tracker:v4.0.0"\n');
    const result = await ttd(['upgrade', 'demo', '--json'], workingDir);
    expect(result.code).toBe(1);
    expect(resultOf(result.stdout).error).toMatchObject({ code: 'environment.wrong_state', fix: expect.stringContaining('ttd deploy') });
  });

  it('--dry-run: the services and images that change and the commands, as text or one JSON result; nothing recorded', async () => {
    const { workingDir, file, stateFile } = await deployed();
    const before = readFileSync(stateFile, 'utf8');
    appendFileSync(file, '\n[images]\ntracker = "torrust/tracker:v4.0.0"\n');
    const text = await ttd(['upgrade', 'demo', '--dry-run'], workingDir);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("Plan for 'demo' (upgrade)");
    expect(text.stdout).toContain('upload → /opt/torrust/.ttd-upgrade/docker-compose.yml');
    expect(text.stdout).toContain("$ sudo -n sh -c 'cd /opt/torrust && docker compose --project-directory /opt/torrust -f /opt/torrust/.ttd-upgrade/docker-compose.yml pull --quiet tracker");
    const json = await ttd(['upgrade', file, '--dry-run', '--json'], workingDir);
    expect(json.code, json.stderr).toBe(0);
    const lines = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ type: 'plan', command: 'upgrade', stages: [{ steps: expect.arrayContaining([expect.objectContaining({ id: 'swap-compose', undo: expect.any(String) })]) }] });
    expect(lines[1]).toMatchObject({ type: 'result', ok: true, command: 'upgrade', dry_run: true, environment_name: 'demo' });
    expect(json.stdout).not.toContain('SuperSecretAdminToken42');
    expect(readFileSync(stateFile, 'utf8')).toBe(before);
  });

  it('upgrade ENV whose recorded config file is gone: exit 2, asking for the file', async () => {
    const { workingDir, file } = await deployed();
    rmSync(file);
    const result = await ttd(['upgrade', 'demo'], workingDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no longer exists');
    expect(result.stderr).toContain('ttd upgrade path/to/demo.toml');
  });
});
