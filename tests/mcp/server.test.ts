import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARY, connect, scratchHome, structured } from './support.js';
import { parseSecrets } from '../../src/config/secrets-file.js';

type Session = Awaited<ReturnType<typeof connect>>;

describe('ttd mcp, driven by the SDK client over stdio', () => {
  let home: string;
  let session: Session;

  beforeAll(async () => {
    home = scratchHome();
    session = await connect(home);
  });
  afterAll(async () => {
    await session?.close();
  });

  it('lists the questionnaire, validate, render, lifecycle, show and list tools with their input schemas', async () => {
    const { tools } = await session.client.listTools();
    const names = tools.map((tool) => tool.name);
    for (const name of ['questionnaire_questions', 'questionnaire_answer', 'questionnaire_config', 'questionnaire_reset', 'validate', 'render', 'deploy', 'provision', 'register', 'configure', 'release', 'run', 'test', 'destroy', 'purge', 'show', 'list']) {
      expect(names).toContain(name);
    }
    const destroy = tools.find((tool) => tool.name === 'destroy');
    expect(destroy?.annotations?.destructiveHint).toBe(true);
    expect(destroy?.inputSchema.properties).toMatchObject({ dry_run: { type: 'boolean', default: true }, confirm: { type: 'boolean' } });
    const deploy = tools.find((tool) => tool.name === 'deploy');
    expect(deploy?.inputSchema.properties).toMatchObject({ dry_run: { default: true } });
    expect(tools.find((tool) => tool.name === 'provision')?.inputSchema.properties).toMatchObject({ dry_run: { default: false } });
  });

  it('builds a config through the questionnaire, validates it, renders it and plans a deploy', async () => {
    const { client } = session;
    const first = structured(await client.callTool({ name: 'questionnaire_questions', arguments: {} }));
    expect(first['next_question']).toBe('name');
    expect(first['questions'].map((question: { id: string }) => question.id)).toContain('lxd_profile');
    // The generated API token is offered as a default but never shown.
    expect(first['questions'].find((question: { id: string }) => question.id === 'api_token')).toMatchObject({ default_note: expect.stringContaining('never shown') });

    const answered = structured(await client.callTool({ name: 'questionnaire_answer', arguments: { answers: { name: 'demo', provider: 'existing', host: '203.0.113.10', udp_ports: '6969, x', api_port: '1313', nope: 1 } } }));
    expect(answered['accepted']).toEqual(expect.arrayContaining(['name', 'provider', 'host', 'api_port']));
    expect(answered['rejected']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'udp_ports', problem: expect.stringContaining('port numbers') }),
        expect.objectContaining({ id: 'nope', problem: 'no question has this id' }),
      ]),
    );
    // Switching the provider makes the host question moot: the old answer is dropped and said so.
    const switched = structured(await client.callTool({ name: 'questionnaire_answer', arguments: { answers: { provider: 'lxd', udp_ports: '6969', api_port: 1212 } } }));
    expect(switched['dropped']).toEqual([expect.objectContaining({ id: 'host' })]);
    expect(switched['questions'].map((question: { id: string }) => question.id)).not.toContain('host');

    const config = structured(await client.callTool({ name: 'questionnaire_config', arguments: { write: true } }));
    const file = join(home, 'envs', 'demo.toml');
    expect(config).toMatchObject({ environment: 'demo', config_file: file, written: true });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The secrets are in the file beside it (0600); the TOML only names them.
    expect(config['secrets_file']).toBe(join(home, 'envs', 'demo.secrets'));
    expect(statSync(join(home, 'envs', 'demo.secrets')).mode & 0o777).toBe(0o600);
    const token = readToken(home);
    expect(token.length).toBeGreaterThan(8);
    expect(readFileSync(file, 'utf8')).not.toContain(token);
    expect(config['toml']).not.toContain(token);
    expect(config['toml']).toContain('admin_token = "${TTD_TRACKER_ADMIN_TOKEN}"');

    const again = await client.callTool({ name: 'questionnaire_config', arguments: { write: true } });
    expect(again.isError).toBe(true);
    expect(structured(again)['error']).toMatchObject({ code: 'file.exists', fix: expect.stringContaining('force: true') });

    const validated = structured(await client.callTool({ name: 'validate', arguments: { path: 'envs/demo.toml' } }));
    expect(validated).toMatchObject({ is_valid: true, environment_name: 'demo', provider: 'lxd', errors: [] });

    const listed = structured(await client.callTool({ name: 'render', arguments: { path: 'envs/demo.toml' } }));
    expect(listed['dry_run']).toBe(true);
    expect(listed['files'].map((entry: { path: string }) => entry.path)).toEqual(expect.arrayContaining([expect.stringMatching(/docker-compose\.yml$/), expect.stringMatching(/tracker\.toml$/)]));
    expect(listed['files'].every((entry: { bytes: number }) => entry.bytes > 0)).toBe(true);
    expect(existsSync(join(home, 'build'))).toBe(false);

    const rendered = structured(await client.callTool({ name: 'render', arguments: { path: 'envs/demo.toml', output_dir: 'out', instance_ip: '203.0.113.10' } }));
    expect(rendered['dry_run']).toBe(false);
    for (const entry of rendered['files'] as { path: string; bytes: number }[]) expect(statSync(join(home, 'out', entry.path)).size).toBe(entry.bytes);

    const planned = structured(await client.callTool({ name: 'deploy', arguments: { target: 'envs/demo.toml' } }));
    expect(planned).toMatchObject({ command: 'deploy', dry_run: true, result: { type: 'result', ok: true, dry_run: true, environment_name: 'demo' } });
    expect(planned['plan']['stages'].map((stage: { stage: string }) => stage.stage)).toEqual(expect.arrayContaining(['provision', 'configure', 'release', 'run', 'test']));
    // A dry run changes nothing: the environment is not even registered.
    expect(existsSync(join(home, 'data', 'demo'))).toBe(false);
  });

  it('returns an invalid bind address as config.invalid with the problem list', async () => {
    // Text has no secrets file beside it: its secrets are written inline.
    const text = Object.entries(readSecrets(home)).reduce(
      (config, [name, value]) => config.replace(`"\${${name}}"`, JSON.stringify(value)),
      readFileSync(join(home, 'envs', 'demo.toml'), 'utf8').replace('bind_address = "0.0.0.0:6969"', 'bind_address = "0.0.0.0:69690"'),
    );
    const result = await session.client.callTool({ name: 'validate', arguments: { text } });
    expect(result.isError).toBe(true);
    const { error } = structured(result);
    expect(error).toMatchObject({ code: 'config.invalid', where: '(inline text)', fix: expect.any(String) });
    expect(error['errors']).toEqual([expect.objectContaining({ code: 'config.invalid_value', path: 'tracker.udp_trackers[0].bind_address', fix: expect.any(String) })]);
    // The text was checked in memory: no file was written for it.
    expect(readdirSync(home).filter((name) => name.startsWith('.ttd-mcp-inline-'))).toEqual([]);

    // The same config as a file: the same problem, named by the file.
    writeFileSync(join(home, 'envs', 'bad-bind.toml'), text);
    const fromFile = structured(await session.client.callTool({ name: 'validate', arguments: { path: 'envs/bad-bind.toml' } }))['error'];
    expect(fromFile).toMatchObject({ code: 'config.invalid', where: join(home, 'envs', 'bad-bind.toml') });
    expect(fromFile['errors']).toEqual(error['errors']);
  });

  it('returns other failures as structured errors too: bad arguments, unknown environments, unconfirmed destruction', async () => {
    const { client } = session;
    const badArguments = await client.callTool({ name: 'render', arguments: { path: 42 } });
    expect(badArguments.isError).toBe(true);
    expect(structured(badArguments)['error']).toMatchObject({ code: 'usage.invalid', message: expect.stringContaining('path'), fix: expect.any(String) });

    const unknown = await client.callTool({ name: 'show', arguments: { env: 'nowhere' } });
    expect(structured(unknown)['error']).toMatchObject({ code: 'environment.not_found', where: expect.any(String), fix: expect.any(String) });

    const unconfirmed = await client.callTool({ name: 'destroy', arguments: { env: 'nowhere', dry_run: false } });
    expect(unconfirmed.isError).toBe(true);
    expect(structured(unconfirmed)['error']).toMatchObject({ code: 'confirmation.required', fix: expect.stringContaining('confirm: true') });
  });

  it('runs a confirmed destroy through the engine, reporting progress from its events', async () => {
    const { client } = session;
    // Deploy's dry run registered nothing; the CLI registers it (creating nothing anywhere else).
    execFileSync(process.execPath, [BINARY, 'create', 'environment', '-f', 'envs/demo.toml'], { cwd: home, env: { PATH: process.env['PATH'], HOME: home, NO_COLOR: '1' }, stdio: 'pipe' });
    const shown = structured(await client.callTool({ name: 'show', arguments: { env: 'demo' } }));
    expect(shown).toMatchObject({ command: 'show', name: 'demo', state: 'created' });
    expect(JSON.stringify(shown)).not.toContain(readToken(home));

    const progress: { progress: number; total?: number | undefined; message?: string | undefined }[] = [];
    const destroyed = await client.callTool({ name: 'destroy', arguments: { env: 'demo', dry_run: false, confirm: true } }, undefined, { onprogress: (update) => progress.push(update) });
    expect(destroyed.isError).toBeFalsy();
    const document = structured(destroyed);
    expect(document['result']).toMatchObject({ type: 'result', ok: true, command: 'destroy', state: 'destroyed' });
    expect(document['events'].map((event: { type: string }) => event.type)).toEqual(expect.arrayContaining(['plan.started', 'state.changed', 'plan.finished']));
    expect(progress[0]).toMatchObject({ progress: 0, total: 0, message: expect.stringContaining('destroy demo') });

    const listed = structured(await client.callTool({ name: 'list', arguments: {} }));
    expect(listed['environments']).toEqual([expect.objectContaining({ name: 'demo', state: 'destroyed' })]);
    const purged = structured(await client.callTool({ name: 'purge', arguments: { env: 'demo' } }));
    expect(purged).toMatchObject({ dry_run: true, result: { would_remove: expect.any(Array) } });
    expect(existsSync(join(home, 'data', 'demo'))).toBe(true);
  });

  it('serves the docs, the config schema and the CLI description as resources', async () => {
    const { resources } = await session.client.listResources();
    const uris = resources.map((resource) => resource.uri);
    for (const uri of ['ttd://docs/user-guide/config.md', 'ttd://docs/reference/errors.md', 'ttd://docs/examples/configs/01-minimal-sqlite.toml', 'ttd://schema/environment.json', 'ttd://cli.json']) expect(uris).toContain(uri);
    const cli = await session.client.readResource({ uri: 'ttd://cli.json' });
    const described = JSON.parse((cli.contents[0] as { text: string }).text) as { commands: { name: string; implemented: boolean }[] };
    expect(described.commands.find((command) => command.name === 'mcp')).toMatchObject({ implemented: true });
    const errors = await session.client.readResource({ uri: 'ttd://docs/reference/errors.md' });
    expect((errors.contents[0] as { text: string }).text).toContain('`config.invalid`');
  });

  it('keeps stdout for the protocol: the commands\' human output went to stderr', () => {
    expect(session.stderr()).toContain('is not valid');
  });
});

function readSecrets(home: string): Record<string, string> {
  const path = join(home, 'envs', 'demo.secrets');
  return parseSecrets(readFileSync(path, 'utf8'), path);
}

function readToken(home: string): string {
  return readSecrets(home)['TTD_TRACKER_ADMIN_TOKEN']!;
}
