import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_NETWORK, scratch, treeOf, ttd, writeConfig } from './support.js';

const ndjson = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

describe('engine commands through the CLI', () => {
  let workingDir: string;
  let config: string;

  beforeAll(async () => {
    workingDir = scratch('ttd-cli-');
    config = writeConfig(workingDir);
    expect((await ttd(['create', 'environment', '--env-file', config], workingDir)).code).toBe(0);
  });

  it('--dry-run on every command changes no file and opens no connection', async () => {
    const commands = [
      ['deploy', config],
      ['deploy', 'demo'],
      ['destroy', 'demo', '--yes'],
      ['purge', 'demo', '--force'],
      ['create', 'environment', '--env-file', writeConfig(workingDir, { name: 'other' })],
      ['show', 'demo'],
      ['list'],
      ['exists', 'demo'],
    ];
    for (const args of commands) {
      for (const json of [false, true]) {
        const before = treeOf(workingDir);
        const result = await ttd([...args, '--dry-run', ...(json ? ['--json'] : [])], workingDir, { nodeOptions: ['--import', NO_NETWORK] });
        expect(result.stderr, args.join(' ')).not.toContain('NETWORK USED');
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
        expect(treeOf(workingDir), args.join(' ')).toEqual(before);
        if (json) for (const line of ndjson(result.stdout)) expect(line).toHaveProperty('type');
      }
    }
  });

  it('deploy --dry-run prints every stage from where the environment stands', async () => {
    const result = await ttd(['deploy', 'demo', '--dry-run'], workingDir);
    expect(result.stdout).toMatch(/^Plan for 'demo' \(deploy\): 5 stages/);
    for (const text of ['provision (ttd provision demo)', 'API: lxd create torrust-tracker-vm-demo', "$ sudo -n sh -c 'usermod -aG docker torrust'", 'configure', 'release', 'Upload /opt/torrust/docker-compose.yml', 'run (ttd run demo)', 'test (ttd test demo)']) {
      expect(result.stdout).toContain(text);
    }
    const json = ndjson((await ttd(['deploy', 'demo', '--dry-run', '--json'], workingDir)).stdout);
    expect(json.map((line) => line['type'])).toEqual(['plan', 'result']);
    expect(json[0]).toMatchObject({ environment: 'demo', command: 'deploy', stages: expect.arrayContaining([expect.objectContaining({ stage: 'configure' })]) });
    expect(json[1]).toMatchObject({ ok: true, dry_run: true, runnable: true });
  });

  it('deploy of an existing host with no address fails with exit 1 naming what is missing, and changes nothing', async () => {
    expect((await ttd(['create', 'environment', '-f', writeConfig(workingDir, { name: 'nohost', provider: 'existing' })], workingDir)).code).toBe(0);
    const before = treeOf(workingDir);
    const result = await ttd(['deploy', 'nohost'], workingDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the host address: set provider.host in the config, or run ttd register nohost --instance-ip IP');
    expect(result.stderr).toContain('nothing was changed');
    expect(treeOf(workingDir)).toEqual(before);

    const fresh = scratch('ttd-cli-');
    const file = writeConfig(fresh, { name: 'fresh', provider: 'existing' });
    const fromFile = await ttd(['deploy', file, '--json'], fresh);
    expect(fromFile.code).toBe(1);
    const [line] = ndjson(fromFile.stdout);
    expect(line).toMatchObject({ type: 'result', ok: false, exit_code: 1, error: { code: 'implementation.missing', gaps: expect.any(Array) } });
    // No environment (only the command's log under data/logs).
    expect(Object.keys(treeOf(fresh)).filter((path) => path.startsWith('data/') && path !== 'data/')).toEqual([]);
    expect((await ttd(['purge', 'nohost', '--force'], workingDir)).code).toBe(0);
  });

  it('show redacts secrets unless --reveal, and names the next step', async () => {
    const hidden = await ttd(['show', 'demo'], workingDir);
    expect(hidden.code).toBe(0);
    expect(hidden.stdout).toContain('State:       created');
    expect(hidden.stdout).toContain('udp://INSTANCE_ADDRESS:6969/announce');
    expect(hidden.stdout).toContain('Next: run ttd provision demo');
    const json = ndjson((await ttd(['show', 'demo', '--json'], workingDir, { env: { ADMIN_TOKEN: 'TokenFromTheEnvironment99' } })).stdout);
    expect(json).toHaveLength(1);
    expect(JSON.stringify(json)).not.toContain('TokenFromTheEnvironment99');
    expect(json[0]).toMatchObject({ type: 'result', command: 'show', state: 'created', provider: 'lxd' });

    const secretDir = scratch('ttd-cli-');
    await ttd(['create', 'environment', '-f', writeConfig(secretDir, { name: 'lit', adminToken: 'LiteralSecretToken1234' })], secretDir);
    const redacted = await ttd(['show', 'lit', '--json'], secretDir);
    expect(redacted.stdout).not.toContain('LiteralSecretToken1234');
    expect((await ttd(['show', 'lit', '--reveal'], secretDir)).stdout).toContain('tracker.http_api.admin_token = LiteralSecretToken1234');
  });

  it('list and exists read without taking the lock', async () => {
    const list = ndjson((await ttd(['list', '--json'], workingDir)).stdout);
    expect(list[0]).toMatchObject({ type: 'result', total_count: 1, environments: [{ name: 'demo', state: 'created', provider: 'lxd', address: null }] });
    expect((await ttd(['list'], workingDir)).stdout).toMatch(/^NAME\s+STATE\s+PROVIDER/);
    expect((await ttd(['exists', 'demo'], workingDir)).stdout).toBe('true\n');
    expect((await ttd(['exists', 'nope'], workingDir)).stdout).toBe('false\n');
    expect(ndjson((await ttd(['exists', 'nope', '--json'], workingDir)).stdout)[0]).toMatchObject({ exists: false });
  });

  it('show of an unknown environment says which exist', async () => {
    const result = await ttd(['show', 'nope'], workingDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('known environments: demo');
  });

  it('destroy needs confirmation, works without the config file, then purge removes the local data', async () => {
    const dir = scratch('ttd-cli-');
    const file = writeConfig(dir, { name: 'gone' });
    await ttd(['create', 'environment', '-f', file], dir);
    rmSync(file);

    const refused = await ttd(['purge', 'gone', '--yes'], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('destroy it first (ttd destroy gone)');

    const unconfirmed = await ttd(['destroy', 'gone'], dir);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('pass --yes');

    const destroyed = await ttd(['destroy', 'gone', '--yes', '--json'], dir);
    expect(destroyed.code).toBe(0);
    const events = ndjson(destroyed.stdout);
    expect(events.map((event) => event['type'])).toEqual(['lock.acquired', 'plan.started', 'stage.started', 'state.changed', 'state.changed', 'stage.finished', 'plan.finished', 'result']);
    expect(events.at(-1)).toMatchObject({ ok: true, state: 'destroyed', log_file: expect.stringContaining(join('data', 'gone', 'logs')) });

    const purged = await ttd(['purge', 'gone', '--yes', '--json'], dir);
    expect(purged.code).toBe(0);
    expect(ndjson(purged.stdout)[0]).toMatchObject({ type: 'result', purged: true });
    expect((await ttd(['exists', 'gone'], dir)).stdout).toBe('false\n');
  });

  it('a busy environment is refused with exit 1 naming the holder', async () => {
    const dir = scratch('ttd-cli-');
    await ttd(['create', 'environment', '-f', writeConfig(dir, { name: 'busy' })], dir);
    const { writeFileSync } = await import('node:fs');
    const { hostname } = await import('node:os');
    writeFileSync(join(dir, 'data', 'busy', 'lock'), JSON.stringify({ pid: process.pid, host: hostname(), command: 'deploy', since: '2026-01-01T00:00:00.000Z' }));
    const result = await ttd(['destroy', 'busy', '--yes'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`pid ${process.pid} on ${hostname()}, running 'deploy' since 2026-01-01T00:00:00.000Z`);
    expect(result.stderr).toContain('--lock-wait');
  });
});
