import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { readSecretsFileFor } from '../../src/config/secrets-file.js';
import { hostFingerprint } from '../support/host-fingerprint.js';
import { lxc } from '../support/lxd/real-lxd.js';
import { labEnvironment, labUp, removeLabInstance, type LabEnvironment } from './lab.js';

const NAME = 'lab-sqlite';

/**
 * Lab scenario 1 (and 5): an LXD container, SQLite, one UDP and one HTTP tracker, from
 * the wizard's answers to `deploy`, `test`, a second `deploy` that changes nothing, and
 * `destroy`. Docker, compose and the firewall are installed by our configure; the
 * images come through the lab registry acting as the Docker Hub mirror.
 */
describe('scenario 1: LXD container, SQLite, one UDP and one HTTP tracker', () => {
  let env: LabEnvironment;

  beforeAll(async () => {
    const lab = await labUp();
    await removeLabInstance(NAME);
    env = await labEnvironment(lab, NAME, ['--database', 'sqlite3', '--protocols', 'udp,http', '--no-prometheus', '--no-grafana', '--no-https', '--no-backup']);
  });

  afterAll(async () => {
    await removeLabInstance(NAME);
  });

  const explainFailure = () => onTestFailed(async () => console.error(await env.diagnostics()));

  it('deploys: the stack runs from images pulled through the mirror, and the service URLs are printed', async () => {
    explainFailure();
    const result = await env.ttd('deploy', env.configPath);
    expect(result.code, result.stderr).toBe(0);
    expect(env.record().state).toBe('running');
    const address = env.record().instance.address;
    expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const output = result.stdout + result.stderr;
    expect(output).toContain(`udp://${address}:6969/announce`);
    expect(output).toContain(`http://${address}:7070/announce`);
    const took = /^Took \d+\.\d s: provision \d+\.\d s, configure \d+\.\d s, release \d+\.\d s, run \d+\.\d s, test \d+\.\d s, smoke test \d+\.\d s$/m.exec(result.stdout);
    expect(took, result.stdout).not.toBeNull();
    console.info(`lab deploy from nothing: ${took![0]}`);

    const services = (await env.onInstance('cd /opt/torrust && docker compose ps --format "{{.Service}} {{.State}}"')).split('\n').sort();
    expect(services).toEqual(['tracker running']);
    expect(await env.onInstance(`docker image inspect torrust/tracker:develop --format '{{index .Config.Labels "org.opencontainers.image.title"}}'`)).toBe('torrust/tracker STAND-IN');
    expect(await env.onInstance('docker info --format "{{json .RegistryConfig.Mirrors}}"')).toContain(':5000/');
    expect(await env.onInstance('stat -c "%u" /opt/torrust/storage/tracker/lib/database/tracker.db')).toBe('1000');
  });

  it('test: health checks and real UDP and HTTP announces pass against the running tracker', async () => {
    explainFailure();
    const result = await env.ttd('test', NAME, '--json');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const checks = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; kind?: string; status?: string; title?: string })
      .filter((line) => line.type === 'check');
    const passed = (kind: string) => checks.filter((check) => check.kind === kind && check.status === 'pass').length;
    expect(passed('udp-announce'), JSON.stringify(checks)).toBe(1);
    expect(passed('http-announce'), JSON.stringify(checks)).toBe(1);
    expect(passed('http-health'), JSON.stringify(checks)).toBeGreaterThanOrEqual(2);
    expect(checks.filter((check) => check.status === 'fail')).toEqual([]);
    // The announces reached the tracker: its own counters say so.
    // The config names the token; the secrets file beside it holds it.
    expect((parse(readFileSync(env.configPath, 'utf8')) as { tracker: { http_api: { admin_token: string } } }).tracker.http_api.admin_token).toBe('${TTD_TRACKER_ADMIN_TOKEN}');
    const token = readSecretsFileFor(env.configPath)?.values['TTD_TRACKER_ADMIN_TOKEN'] ?? '';
    const stats = (await (await fetch(`http://${env.record().instance.address}:1212/api/v1/stats?token=${token}`)).json()) as Record<string, number>;
    expect(stats['udp4_announces_handled']).toBeGreaterThanOrEqual(1);
    expect(stats['tcp4_announces_handled']).toBeGreaterThanOrEqual(1);
  });

  it('a second deploy on the running environment changes nothing and says so', async () => {
    explainFailure();
    const started = await env.onInstance('docker inspect tracker --format "{{.State.StartedAt}}"');
    const result = await env.ttd('deploy', env.configPath);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toMatch(/unchanged|already|nothing/i);
    expect(await env.onInstance('docker inspect tracker --format "{{.State.StartedAt}}"')).toBe(started);
    const quiet = await env.ttd('deploy', NAME, '--quiet');
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout, 'the summary says where the time went at --quiet too').toMatch(/^Took \d+\.\d s: configure \d+\.\d s, release \d+\.\d s, run \d+\.\d s, test \d+\.\d s, smoke test \d+\.\d s$/m);
  });

  it('configure and release on the running, unchanged host change nothing: no ufw rule, file or container touched', async () => {
    explainFailure();
    const before = await hostFingerprint(env.onInstance);
    expect(before.containers).toMatch(/^\/tracker /m);
    for (const stage of ['configure', 'release']) {
      const again = await env.ttd(stage, NAME);
      expect(again.code, again.stderr).toBe(0);
      // Only the host counts: deploy wrote its local copies in build/ before it knew the
      // address, which README.md and run.sh name, so release may refresh those here.
      expect(again.stderr, `${stage} ran a step on an unchanged host`).not.toMatch(/^ {2}✓ (?!Write build\/)/m);
      expect(again.stderr).toMatch(/^ {2}↷ /m);
    }
    expect(await hostFingerprint(env.onInstance)).toEqual(before);
  });

  it('destroy removes the container and its profile', async () => {
    explainFailure();
    const result = await env.ttd('destroy', NAME, '--yes');
    expect(result.code, result.stderr).toBe(0);
    expect((await lxc('info', env.instance)).code).not.toBe(0);
    expect((await lxc('profile', 'show', `torrust-profile-${NAME}`)).code).not.toBe(0);
  });
});
