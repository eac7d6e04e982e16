import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentConfigSchema } from '../../src/config/schema.js';
import { configChange, describeConfigChange } from '../../src/plan/config-change.js';
import type { RenderedFile } from '../../src/plan/stages.js';
import { minimalConfig } from '../support/configs.js';
import { scratch, ttd, writeConfig } from './support.js';

/**
 * `deploy FILE` on a deployed environment whose config was edited: it says what will
 * change on the host and re-applies configure, release and run (each skipping what is
 * already so), or refuses an edit only a new instance can apply. The environment is
 * marked running in its state file by hand: planning needs no host.
 */
describe('deploy with an edited config', () => {
  const deployed = async () => {
    const workingDir = scratch('ttd-config-change-');
    const file = writeConfig(workingDir);
    expect((await ttd(['create', 'environment', '-f', file], workingDir)).code).toBe(0);
    const stateFile = join(workingDir, 'data', 'demo', 'environment.json');
    const record = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(stateFile, JSON.stringify({ ...record, state: 'running', reached: 'running', instance: { address: '192.0.2.10', ssh_host_key: 'SHA256:x' } }), { mode: 0o600 });
    return { workingDir, file, stateFile };
  };
  const stagesOf = (stdout: string) => (JSON.parse(stdout.trim().split('\n').find((line) => line.includes('"type":"plan"')) ?? '{}') as { stages: { stage: string }[] }).stages.map((stage) => stage.stage);

  it('unchanged: configure, release and run are checked again (each step with its "already so" test), and it says nothing changes', async () => {
    const { workingDir, file } = await deployed();
    const json = await ttd(['deploy', file, '--dry-run', '--json'], workingDir);
    expect(stagesOf(json.stdout)).toEqual(['configure', 'release', 'run', 'test']);
    const text = await ttd(['deploy', 'demo', '--dry-run'], workingDir);
    expect(text.stderr).toContain("Nothing to change: 'demo' already runs this config; checking the host");
    // The dry run prints each check the real run makes before a step, as the host sees it.
    expect(text.stdout).toMatch(/skip if: sudo -n sh -c '.*ufw status verbose/);
    expect(text.stdout).toMatch(/skip if: sudo -n sh -c '.*docker compose config --hash/);
  });

  it('an environment a config edit left half re-applied (configure failed after running) is deployed again from configure', async () => {
    const { workingDir, stateFile } = await deployed();
    const record = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(stateFile, JSON.stringify({ ...record, state: 'configure_failed' }), { mode: 0o600 });
    expect(stagesOf((await ttd(['deploy', 'demo', '--dry-run', '--json'], workingDir)).stdout)).toEqual(['configure', 'release', 'run', 'test']);
  });

  it('adding Prometheus: lists the service and the files, and re-applies configure, release and run; a dry run records nothing', async () => {
    const { workingDir, file, stateFile } = await deployed();
    const before = readFileSync(stateFile, 'utf8');
    appendFileSync(file, '\n[prometheus]\nscrape_interval_in_secs = 15\n');
    const text = await ttd(['deploy', file, '--dry-run'], workingDir);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toContain('services added: prometheus');
    expect(text.stderr).toMatch(/files added: [^\n]*\/opt\/torrust\/storage\/prometheus\/etc\/prometheus\.yml/);
    expect(text.stderr).toMatch(/files changed: [^\n]*\/opt\/torrust\/docker-compose\.yml/);
    const json = await ttd(['deploy', file, '--dry-run', '--json'], workingDir);
    expect(stagesOf(json.stdout)).toEqual(['configure', 'release', 'run', 'test']);
    const change = JSON.parse(json.stdout.split('\n')[0]!) as { type: string; services: { added: string[] } };
    expect(change).toMatchObject({ type: 'config.changed', services: { added: ['prometheus'], removed: [] } });
    expect(readFileSync(stateFile, 'utf8')).toBe(before);
  });

  it('a provider edit is refused with the steps to follow, and nothing is recorded', async () => {
    const { workingDir, file, stateFile } = await deployed();
    const before = readFileSync(stateFile, 'utf8');
    writeFileSync(file, readFileSync(file, 'utf8').replace('profile_name = "torrust-profile-demo"', 'profile_name = "another-profile"'));
    const result = await ttd(['deploy', file, '--json'], workingDir);
    expect(result.code).toBe(1);
    const error = (JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { error: { code: string; message: string; fix: string; keys: string[] } }).error;
    expect(error).toMatchObject({ code: 'config.needs_new_instance', keys: ['provider.profile_name'] });
    expect(error.fix).toContain('ttd destroy demo');
    expect(readFileSync(stateFile, 'utf8')).toBe(before);
  });
});

describe('configChange', () => {
  const config = (overrides: Record<string, unknown> = {}) => EnvironmentConfigSchema.parse(minimalConfig(overrides));
  const file = (path: string, content: string): RenderedFile => ({ path, content, mode: 0o644, host: { path: `/opt/torrust/${path}`, owner: 'root' } });

  it('sorts files into added, changed and removed by their host path, ignoring files that stay on this machine', () => {
    const change = configChange(config(), config(), [file('a', '1'), file('b', '1'), { path: 'local.sh', content: 'x', mode: 0o755 }], [file('b', '2'), file('c', '1'), { path: 'local.sh', content: 'y', mode: 0o755 }]);
    expect(change.files).toEqual({ added: ['/opt/torrust/c'], changed: ['/opt/torrust/b'], removed: ['/opt/torrust/a'] });
    expect(describeConfigChange(change)).toContain('  files no longer used (left in place): /opt/torrust/a');
  });

  it('a new token is applied in place; the deploy user and the machine settings need a new instance', () => {
    const before = config();
    const user = { ...before, ssh_credentials: { ...before.ssh_credentials, username: 'other' } };
    expect(configChange(before, user, [], []).needsNewInstance).toEqual(['ssh_credentials.username']);
    expect(configChange(before, before, [], []).needsNewInstance).toEqual([]);
  });
});
