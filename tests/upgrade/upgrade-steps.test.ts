import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { upgradeError } from '../../src/commands/upgrade.js';
import { rollbackOf } from '../../src/commands/restore.js';
import { upgradePlan } from '../../src/plan/day-two.js';
import { EnvironmentConfigSchema, type EnvironmentConfig } from '../../src/config/schema.js';
import { DIAGNOSIS_MARKER } from '../../src/remote/steps/step.js';
import {
  checkedServices,
  healthCheckCommand,
  imageChanges,
  otherChanges,
  prepareCommand,
  PREVIOUS_COMPOSE,
  upgradeSteps,
  type ImageChange,
  type UpgradeTarget,
} from '../../src/remote/steps/upgrade.js';
import { minimalConfig } from '../support/configs.js';
import { runOnRunning, scriptedHost } from '../support/scripted-host.js';

const config = (overrides: Record<string, unknown> = {}): EnvironmentConfig => EnvironmentConfigSchema.parse(minimalConfig(overrides));
const target: UpgradeTarget = { services: ['tracker'], waitSeconds: 60 };
const SECRET = 'a-long-random-admin-token';

describe('which images an edited config changes', () => {
  it('a new tracker tag is one change of a deployed service, and nothing else changes', () => {
    const before = config();
    const after = config({ images: { tracker: 'torrust/tracker:v4.0.0' } });
    expect(imageChanges(before, after)).toEqual([{ service: 'tracker', from: before.images.tracker, to: 'torrust/tracker:v4.0.0', deployed: true }]);
    expect(otherChanges(before, after)).toEqual([]);
  });

  it('an image of a service the config does not deploy is a change, but not of a deployed service', () => {
    expect(imageChanges(config(), config({ images: { grafana: 'grafana/grafana:12.0.0' } }))).toMatchObject([{ service: 'grafana', deployed: false }]);
  });

  it('other edits are named by key path, the registry mirror included; the same config changes nothing', () => {
    const edited = minimalConfig({ images: { tracker: 'torrust/tracker:v4.0.0', registry_mirror: 'http://10.0.0.1:5000' } }) as { tracker: { core: { private: boolean } } };
    edited.tracker.core.private = true;
    const after = EnvironmentConfigSchema.parse(edited);
    expect(otherChanges(config(), after)).toEqual(['images.registry_mirror', 'tracker.core.private']);
    expect(imageChanges(config(), config())).toEqual([]);
    expect(otherChanges(config(), config())).toEqual([]);
  });
});

describe('the upgrade steps', () => {
  it('check and pull before anything live changes, then swap, start, check, clean up; the swap is what is undone', () => {
    const steps = upgradeSteps(target);
    expect(steps.map((step) => step.id)).toEqual(['check-compose', 'pull-images', 'swap-compose', 'start-services', 'check-health', 'clean-up']);
    const byId = Object.fromEntries(steps.map((step) => [step.id, step]));
    expect(byId['pull-images']!.command).toContain('docker compose --project-directory /opt/torrust -f /opt/torrust/.ttd-upgrade/docker-compose.yml pull --quiet tracker');
    expect(byId['swap-compose']!.command).toContain(`cp -p /opt/torrust/docker-compose.yml ${PREVIOUS_COMPOSE}`);
    expect(byId['swap-compose']!.undo).toContain(`cp -p ${PREVIOUS_COMPOSE} /opt/torrust/docker-compose.yml.ttd-old`);
    expect(byId['swap-compose']!.undo).toContain('docker compose up --detach --wait --wait-timeout 60 tracker');
    expect(byId['start-services']!.command).toContain('docker compose up --detach --wait --wait-timeout 60 tracker');
    expect(byId['start-services']!.command).toContain(DIAGNOSIS_MARKER);
    expect(byId['clean-up']).toMatchObject({ afterCommit: true, command: 'rm -rf /opt/torrust/.ttd-upgrade' });
  });

  it('the backup job is pulled (with its profile) but never started; the tracker is checked all the same', () => {
    const backupOnly: UpgradeTarget = { services: ['backup'], waitSeconds: 60 };
    const steps = upgradeSteps(backupOnly);
    expect(steps.map((step) => step.id)).toEqual(['check-compose', 'pull-images', 'swap-compose', 'check-health', 'clean-up']);
    expect(steps[1]!.command).toContain('--profile backup pull --quiet backup');
    expect(checkedServices(backupOnly)).toEqual(['tracker']);
    expect(checkedServices({ services: ['mysql', 'tracker', 'backup'], waitSeconds: 60 })).toEqual(['tracker', 'mysql']);
  });

  it('every command and undo is valid sh (the host runs them with sh -c)', async () => {
    const scripts = [prepareCommand(), ...[target, { services: ['mysql', 'backup'], waitSeconds: 5 } as UpgradeTarget].flatMap((t) => upgradeSteps(t).flatMap((step) => [step.command, ...(step.undo === undefined ? [] : [step.undo])]))];
    for (const script of scripts) {
      const result = await new Promise<string>((done) => execFile('sh', ['-n', '-c', script], { encoding: 'utf8' }, (error, _stdout, stderr) => done(error ? stderr || String(error) : '')));
      expect(result, script).toBe('');
    }
  });

  it('refuses to start over what an earlier upgrade left behind', () => {
    expect(prepareCommand()).toContain(`[ ! -e ${PREVIOUS_COMPOSE} ]`);
  });
});

const change: ImageChange = { service: 'tracker', from: 'torrust/tracker:develop', to: 'torrust/tracker:lab-broken', deployed: true };

/** The upgrade plan through the one executor against a host that fails the steps (or undos) it is told to. */
async function upgradeWith(failing: Record<string, readonly string[]>) {
  const plan = upgradePlan('lab', target, { path: 'docker-compose.yml', content: 'services: {}\n', mode: 0o644, host: { path: '/opt/torrust/docker-compose.yml', owner: 'torrust' } }, ['tracker: torrust/tracker:develop → torrust/tracker:lab-broken']);
  const host = scriptedHost(plan, failing);
  const run = await runOnRunning(plan, host.connect, { secrets: [SECRET] });
  return { ...run, ran: host.ran, rollback: rollbackOf(run.result) };
}

describe('a failed upgrade', () => {
  const unhealthy = ['dependency failed to start: container tracker is unhealthy', `${DIAGNOSIS_MARKER} services that did not come up, with their last log lines:`, 'tracker: running, unhealthy', `    boom ${SECRET}`];

  it('a tracker unhealthy on its new image: the swap is undone and the error has its last log lines', async () => {
    const { ran, rollback, result } = await upgradeWith({ 'do start-services': unhealthy });
    expect(ran).toEqual(['do prepare', 'upload /opt/torrust/.ttd-upgrade/docker-compose.yml', 'do check-compose', 'do pull-images', 'do swap-compose', 'do start-services', 'undo swap-compose', 'undo check-compose', 'undo prepare']);
    const error = upgradeError('lab', [change], rollback!);
    expect(error.code).toBe('upgrade.failed');
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('container tracker is unhealthy');
    expect(error.message).toContain('tracker: running, unhealthy');
    expect(error.message).toContain('The previous docker-compose.yml is back');
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(error.toJSON()).toMatchObject({ code: 'upgrade.failed', step: 'start-services', rolled_back: true, images: [{ service: 'tracker', to: 'torrust/tracker:lab-broken' }] });
  });

  it('a tag that does not pull changes nothing and says so', async () => {
    const { ran, rollback } = await upgradeWith({ 'do pull-images': ['manifest for torrust/tracker:nope not found', 'pulling the new images failed'] });
    expect(ran).toEqual(['do prepare', 'upload /opt/torrust/.ttd-upgrade/docker-compose.yml', 'do check-compose', 'do pull-images', 'undo check-compose', 'undo prepare']);
    const error = upgradeError('lab', [change], rollback!);
    expect(error.code).toBe('upgrade.failed');
    expect(error.message).toContain('Nothing was changed');
    expect(error.fix).toContain('[images]');
  });

  it('when going back fails too: upgrade.rollback_failed, naming where the previous file is kept', async () => {
    const { rollback } = await upgradeWith({ 'do check-health': unhealthy, 'undo swap-compose': ['tracker: exited (1)', `${DIAGNOSIS_MARKER} the last log lines:`, '    old image broken'] });
    const error = upgradeError('lab', [change], rollback!);
    expect(error.code).toBe('upgrade.rollback_failed');
    expect(error.message).toContain('old image broken');
    expect(error.fix).toContain(PREVIOUS_COMPOSE);
  });
});

/**
 * The health check, run by sh against a `docker` that answers `inspect` from
 * files (one state per container) and prints log lines for `compose logs`.
 */
describe('the health check command, run', () => {
  const fakeDocker = (states: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'ttd-upgrade-health-'));
    mkdirSync(join(dir, 'bin'));
    for (const [container, state] of Object.entries(states)) writeFileSync(join(dir, container), state);
    writeFileSync(join(dir, 'bin', 'docker'), [
      '#!/bin/sh',
      `if [ "$1" = inspect ]; then eval "c=\\\${$#}"; [ -f "${dir}/$c" ] || exit 1; cat "${dir}/$c"; exit 0; fi`,
      'if [ "$1" = compose ] && [ "$2" = logs ]; then eval "c=\\${$#}"; echo "last line of $c"; exit 0; fi',
      'exit 3',
    ].join('\n'));
    chmodSync(join(dir, 'bin', 'docker'), 0o755);
    return dir;
  };
  const runCheck = (dir: string, services: readonly string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      const command = healthCheckCommand(services, 4).replaceAll('cd /opt/torrust && ', '');
      execFile('sh', ['-c', command], { env: { PATH: `${join(dir, 'bin')}:${process.env['PATH']}` }, encoding: 'utf8' }, (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }));
    });

  it('passes when the tracker is healthy and every other service runs (healthy, or without a health check)', async () => {
    const result = await runCheck(fakeDocker({ tracker: 'running healthy', mysql: 'running none' }), ['tracker', 'mysql']);
    expect(result, result.stderr).toMatchObject({ code: 0, stdout: 'healthy: tracker mysql\n' });
  });

  it('fails at once for an unhealthy service, with its last log lines after the diagnosis marker', async () => {
    const result = await runCheck(fakeDocker({ tracker: 'running unhealthy' }), ['tracker']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('tracker: running unhealthy');
    expect(result.stderr).toContain(`${DIAGNOSIS_MARKER} the last log lines of the services that are not healthy:`);
    expect(result.stderr).toContain('    last line of tracker');
  });

  it('a tracker without a health check, or one still starting when the time is up, fails', async () => {
    const none = await runCheck(fakeDocker({ tracker: 'running none' }), ['tracker']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('the image has no health check');
    const starting = await runCheck(fakeDocker({ tracker: 'running healthy', caddy: 'running starting' }), ['tracker', 'caddy']);
    expect(starting.code).toBe(1);
    expect(starting.stderr).toContain('not healthy within 4 s: caddy');
    expect(starting.stderr).toContain('last line of caddy');
    const missing = await runCheck(fakeDocker({}), ['tracker']);
    expect(missing.stderr).toContain('tracker: missing');
  });
});
