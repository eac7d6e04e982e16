import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ttd, writeConfig } from '../lifecycle/support.js';
import { connect, scratchHome, structured } from './support.js';

type Session = Awaited<ReturnType<typeof connect>>;

const BACKUP_ID = '20250601_030000';

/** An environment registered by the CLI from a config with backups; `running` makes its record say it was deployed to a TEST-NET address. */
async function environment(home: string, name: string, running: boolean): Promise<void> {
  appendFileSync(writeConfig(home, { name, adminToken: 'SuperSecretAdminToken42' }), '\n[backup]\nschedule = "@daily"\nretention_days = 3\n');
  expect((await ttd(['create', 'environment', '-f', `envs/${name}.toml`], home, { env: { HOME: home } })).code).toBe(0);
  if (!running) return;
  const stateFile = join(home, 'data', name, 'environment.json');
  const record = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(stateFile, JSON.stringify({ ...record, state: 'running', reached: 'running', instance: { address: '192.0.2.10', ssh_host_key: 'SHA256:x' } }), { mode: 0o600 });
}

/** The error code of `ttd ARGS --json`: the last line's error. */
async function cliErrorCode(home: string, args: readonly string[]): Promise<unknown> {
  const run = await ttd([...args, '--json'], home, { env: { HOME: home } });
  const last = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { error?: { code?: string } };
  return last.error?.code;
}

describe('the day-two tools: status, logs, backup, backup list, restore, upgrade, exists', () => {
  let home: string;
  let session: Session;

  beforeAll(async () => {
    home = scratchHome();
    await environment(home, 'live', true);
    await environment(home, 'fresh', false);
    session = await connect(home);
  });
  afterAll(async () => {
    await session?.close();
  });

  it('lists them with schemas from the command table: logs bounded and without follow, restore and upgrade a dry run unless confirmed', async () => {
    const { tools } = await session.client.listTools();
    const tool = (name: string) => {
      const found = tools.find((candidate) => candidate.name === name);
      expect(found, name).toBeDefined();
      return found!;
    };
    for (const name of ['status', 'logs', 'backup', 'backup_list', 'restore', 'upgrade', 'exists']) expect(tool(name).inputSchema.required).toEqual([name === 'upgrade' ? 'target' : 'env']);
    expect(tool('logs').inputSchema.properties).toMatchObject({ tail: { type: 'integer', default: 100, maximum: 1000 }, since: { type: 'string' }, service: { type: 'string' } });
    expect(tool('logs').inputSchema.properties).not.toHaveProperty('follow');
    expect(tool('status').inputSchema.properties).not.toHaveProperty('watch');
    for (const name of ['restore', 'upgrade']) {
      expect(tool(name).annotations?.destructiveHint, name).toBe(true);
      expect(tool(name).inputSchema.properties, name).toMatchObject({ dry_run: { type: 'boolean', default: true }, confirm: { type: 'boolean', default: false }, lock_wait_seconds: { type: 'integer' } });
      expect(tool(name).inputSchema.properties, name).not.toHaveProperty('yes');
    }
    expect(tool('restore').inputSchema.properties).toMatchObject({ from: { type: 'string' } });
    expect(tool('backup').inputSchema.properties).toMatchObject({ dry_run: { default: false } });
    for (const name of ['status', 'logs', 'backup_list', 'exists']) expect(tool(name).annotations?.readOnlyHint, name).toBe(true);
  });

  it('exists says whether an environment is registered', async () => {
    expect(structured(await session.client.callTool({ name: 'exists', arguments: { env: 'live' } }))).toMatchObject({ command: 'exists', exists: true });
    expect(structured(await session.client.callTool({ name: 'exists', arguments: { env: 'nowhere' } }))).toMatchObject({ command: 'exists', exists: false });
  });

  it('refuses to restore or upgrade for real without confirm: true, changing nothing', async () => {
    const before = readFileSync(join(home, 'data', 'live', 'environment.json'), 'utf8');
    for (const [name, args] of [['restore', { env: 'live', from: BACKUP_ID, dry_run: false }], ['upgrade', { target: 'live', dry_run: false }]] as const) {
      const refused = await session.client.callTool({ name, arguments: args });
      expect(refused.isError, name).toBe(true);
      expect(structured(refused)['error'], name).toMatchObject({ code: 'confirmation.required', where: name, fix: expect.stringContaining('confirm: true') });
    }
    expect(readFileSync(join(home, 'data', 'live', 'environment.json'), 'utf8')).toBe(before);
    expect(existsSync(join(home, 'data', 'live', 'lock'))).toBe(false);
  });

  it('plans backup, restore and upgrade as dry runs, connecting to nothing', async () => {
    const backup = structured(await session.client.callTool({ name: 'backup', arguments: { env: 'live', dry_run: true } }));
    expect(backup).toMatchObject({ command: 'backup', dry_run: true, result: { ok: true, dry_run: true, instance_ip: '192.0.2.10', remote_commands: expect.any(Array) } });

    const restore = structured(await session.client.callTool({ name: 'restore', arguments: { env: 'live', from: BACKUP_ID } }));
    expect(restore).toMatchObject({ command: 'restore', dry_run: true, result: { ok: true, backup_id: BACKUP_ID, steps: expect.arrayContaining([expect.objectContaining({ id: expect.any(String), command: expect.any(String) })]) } });

    appendFileSync(join(home, 'envs', 'live.toml'), '\n[images]\ntracker = "torrust/tracker:v4.0.0"\n');
    const upgrade = structured(await session.client.callTool({ name: 'upgrade', arguments: { target: 'envs/live.toml' } }));
    expect(upgrade).toMatchObject({ command: 'upgrade', dry_run: true, result: { ok: true, environment: 'live', images: [{ service: 'tracker', to: 'torrust/tracker:v4.0.0' }] } });
  });

  it('refuses a tail longer than 1000 lines as a bad argument', async () => {
    const refused = await session.client.callTool({ name: 'logs', arguments: { env: 'live', tail: 5000 } });
    expect(refused.isError).toBe(true);
    expect(structured(refused)['error']).toMatchObject({ code: 'usage.invalid', message: expect.stringContaining('tail') });
  });

  const REFUSALS: readonly (readonly [string, Record<string, unknown>, readonly string[]])[] = [
    ['status', { env: 'fresh' }, ['status', 'fresh']],
    ['logs', { env: 'fresh', tail: 10 }, ['logs', 'fresh', '--tail', '10']],
    ['backup', { env: 'fresh' }, ['backup', 'fresh']],
    ['backup', { env: 'fresh', dry_run: true }, ['backup', 'fresh', '--dry-run']],
    ['backup_list', { env: 'fresh' }, ['backup', 'list', 'fresh']],
    ['restore', { env: 'fresh', from: BACKUP_ID, dry_run: false, confirm: true }, ['restore', 'fresh', '--from', BACKUP_ID, '--yes']],
    ['restore', { env: 'fresh', from: BACKUP_ID }, ['restore', 'fresh', '--from', BACKUP_ID, '--dry-run']],
    ['upgrade', { target: 'fresh', dry_run: false, confirm: true }, ['upgrade', 'fresh']],
    ['upgrade', { target: 'fresh' }, ['upgrade', 'fresh', '--dry-run']],
    ['status', { env: 'nowhere' }, ['status', 'nowhere']],
  ];
  for (const [name, args, cli] of REFUSALS) {
    it(`${name} ${JSON.stringify(args)} is refused with the error code of ttd ${cli.join(' ')}`, async () => {
      const result = await session.client.callTool({ name, arguments: args });
      expect(result.isError).toBe(true);
      const code = structured(result)['error']['code'];
      expect(code).toEqual(expect.stringMatching(/^environment\./));
      expect(code).toBe(await cliErrorCode(home, cli));
    });
  }
});
