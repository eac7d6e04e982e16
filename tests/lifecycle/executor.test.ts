import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeployerError } from '../../src/domain/errors.js';
import type { Plan, Step } from '../../src/plan/types.js';
import type { EngineEvent } from '../../src/plan/events.js';
import { masking } from '../../src/plan/events.js';
import { DIAGNOSIS_MARKER } from '../../src/remote/steps/step.js';
import { runLifecycle, type LifecycleRequest } from '../../src/run/lifecycle.js';
import type { Provider, RemoteConnector } from '../../src/run/ports.js';
import { acquireLock } from '../../src/state/lock.js';
import { environmentFile, readEnvironmentRecord } from '../../src/state/store.js';
import { connectorFor, FakeProvider, ShellHost } from './doubles.js';
import { provisionedEnvironment, scratch } from './support.js';

const remote = (id: string, command: string, check?: string): Step => ({ kind: 'remote', id, title: `do ${id}`, command, check, sudo: false, changes: id });

function plan(stage: 'provision' | 'configure' | 'destroy', steps: Step[]): (record: { name: string }) => Plan {
  return (record) => ({ environment: record.name, command: stage, gaps: [], stages: [{ stage, command: stage, steps }] });
}

async function run(workingDir: string, build: LifecycleRequest['plan'], options: { provider?: Provider; connect?: RemoteConnector; stop?: () => boolean; secrets?: string[]; command?: string } = {}) {
  const events: EngineEvent[] = [];
  const result = await runLifecycle({
    workingDir,
    environment: 'race',
    command: options.command ?? 'configure',
    plan: build,
    provider: options.provider,
    connect: options.connect,
    lockWaitSeconds: 0,
    secrets: options.secrets ?? [],
    emit: masking(options.secrets ?? [], (event) => events.push(event)),
    signal: new AbortController().signal,
    stopRequested: options.stop ?? (() => false),
  });
  return { result, events };
}

const outcomes = (events: EngineEvent[]) =>
  events.flatMap((event) => (event.type === 'step.succeeded' || event.type === 'step.skipped' || event.type === 'step.failed' ? [`${event.step}:${event.type.slice(5)}`] : []));

describe('the executor', () => {
  it('runs consecutive remote commands in one round trip and reports each step', async () => {
    const workingDir = scratch();
    const host = new ShellHost(scratch());
    await provisionedEnvironment(workingDir);
    const { result, events } = await run(workingDir, plan('configure', [remote('a', 'echo one > "$ROOT/a"'), remote('b', 'echo two', 'false'), remote('c', 'echo three', 'true')]), { connect: connectorFor(host) });
    expect(result.outcome).toBe('succeeded');
    expect(host.scripts).toHaveLength(1);
    expect(outcomes(events)).toEqual(['a:succeeded', 'b:succeeded', 'c:skipped']);
    expect(events).toContainEqual({ type: 'step.output', step: 'b', stream: 'stdout', line: 'two' });
    expect(readFileSync(join(host.root, 'a'), 'utf8')).toBe('one\n');
  });

  it('records a failure with the step and a hint, and a re-run resumes: finished steps are skipped by their checks', async () => {
    const workingDir = scratch();
    const host = new ShellHost(scratch());
    await provisionedEnvironment(workingDir);
    const steps = [
      remote('make', 'mkdir "$ROOT/made"', 'test -d "$ROOT/made"'),
      remote('needs-file', 'cat "$ROOT/input"', 'test -f "$ROOT/consumed"'),
      remote('consume', 'touch "$ROOT/consumed"', 'test -f "$ROOT/consumed"'),
    ];
    const first = await run(workingDir, plan('configure', steps), { connect: connectorFor(host) });
    expect(first.result.outcome).toBe('failed');
    expect(outcomes(first.events)).toEqual(['make:succeeded', 'needs-file:failed']);
    const failed = await readEnvironmentRecord(workingDir, 'race');
    expect(failed).toMatchObject({ state: 'configure_failed', reached: 'provisioned', failure: { step: 'needs-file', command: 'configure', hint: expect.stringContaining('ttd configure race') } });
    expect(failed?.failure?.error).toMatch(/exited with code 1: cat: .*input/);

    writeFileSync(join(host.root, 'input'), 'now here\n');
    const second = await run(workingDir, plan('configure', steps), { connect: connectorFor(host) });
    expect(second.result.outcome).toBe('succeeded');
    expect(outcomes(second.events)).toEqual(['make:skipped', 'needs-file:succeeded', 'consume:succeeded']);
    const done = await readEnvironmentRecord(workingDir, 'race');
    expect(done).toMatchObject({ state: 'configured', reached: 'configured' });
    expect(done?.failure).toBeUndefined();
    expect(done?.history.map((entry) => entry.outcome)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(second.events.filter((event) => event.type === 'state.changed').map((event) => event.type === 'state.changed' && `${event.from}>${event.to}`)).toEqual(['configure_failed>configuring', 'configuring>configured']);
  });

  it('a failing step that prints a diagnosis has it in its error; secrets in remote output are masked in the result and the state', async () => {
    const workingDir = scratch();
    const host = new ShellHost(scratch());
    await provisionedEnvironment(workingDir);
    const failing = remote('start', `echo 'pulling with s3cr3t-token' >&2; echo '${DIAGNOSIS_MARKER} tracker did not come up:' >&2; echo 'tracker: exited'; echo '    cannot open the database (token s3cr3t-token)'; exit 3`);
    const { result } = await run(workingDir, plan('configure', [failing]), { connect: connectorFor(host), secrets: ['s3cr3t-token'] });
    expect(result.outcome).toBe('failed');
    expect(result.stopped?.error).toBe('exited with code 3; tracker did not come up:\ntracker: exited\n    cannot open the database (token ***)');
    const recorded = await readEnvironmentRecord(workingDir, 'race');
    expect(recorded?.failure?.error).toContain('cannot open the database (token ***)');
    expect(JSON.stringify(recorded)).not.toContain('s3cr3t-token');
  });

  it('records a created instance at once, so a failure later cannot forget it, and a resume finds it instead of creating another', async () => {
    const workingDir = scratch();
    const host = new ShellHost(scratch());
    const provider = new FakeProvider('10.1.2.3');
    const record = await provisionedEnvironment(workingDir);
    writeFileSync(environmentFile(workingDir, 'race'), JSON.stringify({ ...record, state: 'created', reached: 'created', instance: {} }));
    const steps: Step[] = [
      { kind: 'provider', id: 'create', title: 'create', provider: 'lxd', call: { action: 'create', instanceName: 'vm' }, changes: 'vm' },
      { kind: 'provider', id: 'address', title: 'address', provider: 'lxd', call: { action: 'address', instanceName: 'vm' }, changes: 'nothing' },
      { kind: 'wait', id: 'ssh', title: 'ssh', condition: { type: 'ssh-reachable' }, timeoutSeconds: 5, intervalSeconds: 1, changes: 'nothing' },
      remote('boom', 'exit 3'),
    ];
    const connected: string[] = [];
    const first = await run(workingDir, plan('provision', steps), { provider, connect: connectorFor(host, connected), command: 'provision' });
    expect(first.result.outcome).toBe('failed');
    expect(first.result.stopped?.step).toBe('boom');
    expect(connected).toEqual(['10.1.2.3']);
    const failed = await readEnvironmentRecord(workingDir, 'race');
    expect(failed).toMatchObject({ state: 'provision_failed', resources: [{ provider: 'lxd', id: 'id-vm', name: 'vm' }], instance: { address: '10.1.2.3', ssh_host_key: 'ssh-ed25519 AAAAfake' } });

    const second = await run(workingDir, plan('provision', steps.slice(0, 3)), { provider, connect: connectorFor(host), command: 'provision' });
    expect(second.result.outcome).toBe('succeeded');
    expect(outcomes(second.events)[0]).toBe('create:skipped');
    expect(provider.calls.filter((call) => call.startsWith('create'))).toHaveLength(1);
    expect((await readEnvironmentRecord(workingDir, 'race'))?.resources).toHaveLength(1);
  });

  it('destroys every recorded resource and clears them; the state says destroyed', async () => {
    const workingDir = scratch();
    const provider = new FakeProvider();
    await provider.create('vm');
    const record = await provisionedEnvironment(workingDir);
    writeFileSync(environmentFile(workingDir, 'race'), JSON.stringify({ ...record, resources: [{ provider: 'lxd', kind: 'instance', id: 'id-vm', name: 'vm', created_at: 'x' }] }));
    const destroy: Step = { kind: 'provider', id: 'destroy', title: 'destroy', provider: 'lxd', call: { action: 'destroy', instanceName: 'vm', resourceIds: ['id-vm'] }, changes: 'vm' };
    const { result } = await run(workingDir, plan('destroy', [destroy]), { provider, command: 'destroy' });
    expect(result.outcome).toBe('succeeded');
    expect(provider.calls).toContain('destroy vm [id-vm]');
    expect(await readEnvironmentRecord(workingDir, 'race')).toMatchObject({ state: 'destroyed', reached: 'created', resources: [], instance: {} });
  });

  it('refuses a stage from the wrong state, naming the command that comes first, and changes nothing', async () => {
    const workingDir = scratch();
    const record = await provisionedEnvironment(workingDir);
    writeFileSync(environmentFile(workingDir, 'race'), JSON.stringify({ ...record, state: 'created', reached: 'created' }));
    const before = readFileSync(environmentFile(workingDir, 'race'), 'utf8');
    const refused = await run(workingDir, plan('configure', [remote('a', 'true')])).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DeployerError);
    expect(refused).toMatchObject({ code: 'environment.wrong_state', fix: expect.stringContaining('ttd provision race first') });
    expect(readFileSync(environmentFile(workingDir, 'race'), 'utf8')).toBe(before);
    expect(existsSync(join(workingDir, 'data', 'race', 'lock'))).toBe(false);
  });

  it('stops at a safe point when asked, records the interruption, and releases the lock', async () => {
    const workingDir = scratch();
    const host = new ShellHost(scratch());
    await provisionedEnvironment(workingDir);
    let stop = false;
    const steps: Step[] = [
      { kind: 'local', id: 'first', title: 'first', path: 'build/race/x', content: 'x', mode: 0o600, changes: 'x' },
      remote('second', 'touch "$ROOT/second"'),
    ];
    const events: EngineEvent[] = [];
    const result = await runLifecycle({
      workingDir, environment: 'race', command: 'configure', plan: plan('configure', steps), provider: undefined, connect: connectorFor(host), lockWaitSeconds: 0,
      emit: (event) => {
        events.push(event);
        if (event.type === 'step.succeeded') stop = true;
      },
      signal: new AbortController().signal, stopRequested: () => stop,
    });
    expect(result.outcome).toBe('interrupted');
    expect(existsSync(join(host.root, 'second'))).toBe(false);
    expect(await readEnvironmentRecord(workingDir, 'race')).toMatchObject({ state: 'configure_failed', failure: { step: 'second', error: expect.stringContaining('interrupted') } });
    expect(existsSync(join(workingDir, 'data', 'race', 'lock'))).toBe(false);
  });

  it('Ctrl-C during a stage that runs in one round trip stops before the next stage, leaving the state that stage settled', async () => {
    const workingDir = scratch();
    const host = new ShellHost(scratch());
    await provisionedEnvironment(workingDir);
    let stop = false;
    const twoStages: LifecycleRequest['plan'] = (record) => ({
      environment: record.name, command: 'deploy', gaps: [],
      stages: [
        { stage: 'configure', command: 'configure', steps: [remote('one-batch', 'touch "$ROOT/configured"')] },
        { stage: 'release', command: 'release', steps: [remote('upload', 'touch "$ROOT/released"')] },
      ],
    });
    const result = await runLifecycle({
      workingDir, environment: 'race', command: 'deploy', plan: twoStages, provider: undefined, connect: connectorFor(host), lockWaitSeconds: 0,
      emit: (event) => {
        if (event.type === 'step.started') stop = true;
      },
      signal: new AbortController().signal, stopRequested: () => stop,
    });
    expect(result.outcome).toBe('interrupted');
    expect(existsSync(join(host.root, 'configured'))).toBe(true);
    expect(existsSync(join(host.root, 'released'))).toBe(false);
    const record = await readEnvironmentRecord(workingDir, 'race');
    expect(record).toMatchObject({ state: 'configured', reached: 'configured' });
    expect(record?.failure).toBeUndefined();
  });

  it('uploads and local writes are skipped when the content is already there', async () => {
    const workingDir = scratch();
    const host = new ShellHost(scratch());
    await provisionedEnvironment(workingDir);
    const target = `${host.root}/opt/compose.yml`;
    const steps: Step[] = [
      { kind: 'local', id: 'local', title: 'local', path: 'build/race/compose.yml', content: 'services: {}\n', mode: 0o600, changes: 'x' },
      { kind: 'upload', id: 'upload', title: 'upload', target, content: 'services: {}\n', mode: 0o640, owner: undefined, changes: 'x' },
    ];
    const first = await run(workingDir, plan('configure', steps), { connect: connectorFor(host) });
    expect(outcomes(first.events)).toEqual(['local:succeeded', 'upload:succeeded']);
    expect(statSync(join(workingDir, 'build/race/compose.yml')).mode & 0o777).toBe(0o600);
    expect(readFileSync(target, 'utf8')).toBe('services: {}\n');
    expect(statSync(target).mode & 0o777).toBe(0o640);
    const placed = statSync(target).mtimeMs;
    const second = await run(workingDir, plan('configure', steps), { connect: connectorFor(host) });
    expect(outcomes(second.events)).toEqual(['local:skipped', 'upload:skipped']);
    expect(statSync(target).mtimeMs).toBe(placed);
  });

  it('uploads go in one round trip, contents on standard input; only the file that differs (content or mode) is put in place', async () => {
    const workingDir = scratch();
    const host = new ShellHost(scratch());
    await provisionedEnvironment(workingDir);
    const secret = 'TOKEN=not-on-any-command-line';
    const upload = (id: string, content: string, mode: number): Step => ({ kind: 'upload', id, title: id, target: `${host.root}/opt/torrust/${id}`, content, mode, owner: undefined, changes: 'x' });
    const files = [upload('.env', `${secret}\n`, 0o600), upload('compose.yml', 'services: {}\n', 0o644), upload('empty', '', 0o644)];
    const first = await run(workingDir, plan('configure', files), { connect: connectorFor(host) });
    expect(outcomes(first.events)).toEqual(['.env:succeeded', 'compose.yml:succeeded', 'empty:succeeded']);
    expect(host.scripts).toHaveLength(1);
    expect(host.scripts[0]).not.toContain(secret);
    expect(readFileSync(`${host.root}/opt/torrust/.env`, 'utf8')).toBe(`${secret}\n`);
    expect(statSync(`${host.root}/opt/torrust/.env`).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${host.root}/opt/torrust/empty`, 'utf8')).toBe('');
    chmodSync(`${host.root}/opt/torrust/compose.yml`, 0o666);
    const second = await run(workingDir, plan('configure', files), { connect: connectorFor(host) });
    expect(outcomes(second.events)).toEqual(['.env:skipped', 'compose.yml:succeeded', 'empty:skipped']);
    expect(statSync(`${host.root}/opt/torrust/compose.yml`).mode & 0o777).toBe(0o644);
    expect(host.scripts).toHaveLength(2);
  });

  it('refuses a host whose key changed since it was recorded', async () => {
    const workingDir = scratch();
    const host = new ShellHost(scratch());
    const record = await provisionedEnvironment(workingDir);
    writeFileSync(environmentFile(workingDir, 'race'), JSON.stringify({ ...record, instance: { address: '127.0.0.1', ssh_host_key: 'ssh-ed25519 AAAAold' } }));
    const { result } = await run(workingDir, plan('configure', [remote('a', 'true')]), { connect: connectorFor(host) });
    expect(result.outcome).toBe('failed');
    expect(result.stopped?.error).toMatch(/host key .* changed/);
  });

  it('masks secrets in everything the sinks see', async () => {
    const workingDir = scratch();
    const host = new ShellHost(scratch());
    await provisionedEnvironment(workingDir);
    const { events } = await run(workingDir, plan('configure', [remote('a', 'echo token=SuperSecretAdminToken42')]), { connect: connectorFor(host), secrets: ['SuperSecretAdminToken42'] });
    const text = JSON.stringify(events);
    expect(text).not.toContain('SuperSecretAdminToken42');
    expect(text).toContain('token=***');
  });

  it('the state file is 0600 in a 0700 directory', async () => {
    const workingDir = scratch();
    await provisionedEnvironment(workingDir);
    expect(statSync(environmentFile(workingDir, 'race')).mode & 0o777).toBe(0o600);
    expect(statSync(join(workingDir, 'data', 'race')).mode & 0o777).toBe(0o700);
  });
});

describe('the lock', () => {
  it('refuses a second holder, naming the first; --lock-wait waits for it to be released', async () => {
    const workingDir = scratch();
    await provisionedEnvironment(workingDir);
    const held = await acquireLock(workingDir, 'race', { command: 'deploy' });
    await expect(acquireLock(workingDir, 'race', { command: 'destroy' })).rejects.toMatchObject({ code: 'environment.locked', message: expect.stringContaining(`pid ${process.pid}`) });
    const waiting = acquireLock(workingDir, 'race', { command: 'destroy', waitSeconds: 30, pollMilliseconds: 10 });
    await held.release();
    const second = await waiting;
    expect(second.holder.command).toBe('destroy');
    await second.release();
  });

  it('takes over a lock whose process is gone', async () => {
    const workingDir = scratch();
    await provisionedEnvironment(workingDir);
    const { hostname } = await import('node:os');
    writeFileSync(join(workingDir, 'data', 'race', 'lock'), JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), command: 'deploy', since: 'then' }));
    const lock = await acquireLock(workingDir, 'race', { command: 'configure' });
    expect(lock.tookOverFrom).toMatchObject({ pid: 2 ** 22 + 1, command: 'deploy' });
    await lock.release();
  });
});
