/**
 * Waits that talk (issue 16): each attempt of a wait is an event with its number, the time
 * since the first and the error; the first Ctrl-C stops a wait between two attempts; a
 * refused SSH port on a host that was already up fails fast with the cause and the fix.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DeployerError } from '../../src/domain/errors.js';
import type { Plan, Step } from '../../src/plan/types.js';
import { masking, type EngineEvent } from '../../src/plan/events.js';
import { runLifecycle, type LifecycleRequest } from '../../src/run/lifecycle.js';
import type { ConnectProgress, RemoteConnector } from '../../src/run/ports.js';
import { connectWithRetry, type ConnectAttempt } from '../../src/ssh/connect.js';
import { readEnvironmentRecord } from '../../src/state/store.js';
import { connectorFor, ShellHost } from '../lifecycle/doubles.js';
import { provisionedEnvironment, scratch } from '../lifecycle/support.js';

const cloudInit: Step = { kind: 'wait', id: 'wait-cloud-init', title: 'Wait for cloud-init', condition: { type: 'remote-command', command: 'test -e "$ROOT/booted"' }, timeoutSeconds: 3, intervalSeconds: 1, changes: 'nothing' };
const waitForSsh: Step = { kind: 'wait', id: 'wait-ssh', title: 'Wait for SSH', condition: { type: 'ssh-reachable' }, timeoutSeconds: 300, intervalSeconds: 5, changes: 'nothing' };
const later: Step = { kind: 'remote', id: 'later', title: 'A later step', command: 'true', check: undefined, sudo: false, changes: 'nothing' };

async function run(workingDir: string, steps: Step[], connect: RemoteConnector, stopRequested: () => boolean = () => false) {
  const events: EngineEvent[] = [];
  const plan: LifecycleRequest['plan'] = (current): Plan => ({ environment: current.name, command: 'configure', gaps: [], stages: [{ stage: 'configure', command: 'configure', steps }] });
  const result = await runLifecycle({
    workingDir,
    environment: 'race',
    command: 'configure',
    plan,
    provider: undefined,
    connect,
    lockWaitSeconds: 0,
    emit: masking([], (event) => events.push(event)),
    signal: new AbortController().signal,
    stopRequested,
  });
  return { result, events, record: await readEnvironmentRecord(workingDir, 'race') };
}

const attempts = (events: readonly EngineEvent[]) => events.filter((event): event is Extract<EngineEvent, { type: 'step.attempt' }> => event.type === 'step.attempt');

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise((done) => server.close(done));
  return port;
}

function anyKey(): string {
  const key = `${scratch()}/id`;
  writeFileSync(key, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----\n', { mode: 0o600 });
  return key;
}

describe('a wait reports every attempt', () => {
  it('a remote-command wait: attempt n, elapsed time and the last error, the last one without a retry', async () => {
    const workingDir = scratch();
    await provisionedEnvironment(workingDir);
    const host = new ShellHost(scratch());
    const { result, events } = await run(workingDir, [cloudInit], connectorFor(host));
    expect(result.outcome).toBe('failed');
    const seen = attempts(events);
    expect(seen.map((event) => event.attempt)).toEqual(seen.map((_, index) => index + 1));
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toMatchObject({ step: 'wait-cloud-init', error: 'exit code 1', retry_in_ms: 1000 });
    expect(seen.at(-1)!.retry_in_ms).toBeUndefined();
    expect(seen.at(-1)!.elapsed_ms).toBeGreaterThan(seen[0]!.elapsed_ms);
  });

  it("the connector's attempts while it connects are the wait's events", async () => {
    const workingDir = scratch();
    await provisionedEnvironment(workingDir);
    const host = new ShellHost(scratch());
    const connect: RemoteConnector = async (_address, _signal, progress?: ConnectProgress) => {
      progress?.onAttempt?.({ attempt: 1, elapsedMs: 0, error: 'ECONNREFUSED', retryInMs: 2000 });
      progress?.onAttempt?.({ attempt: 2, elapsedMs: 2000, error: 'no TCP answer within 10000 ms', retryInMs: 2000 });
      return host;
    };
    const { result, events } = await run(workingDir, [waitForSsh], connect);
    expect(result.outcome).toBe('succeeded');
    expect(attempts(events)).toEqual([
      { type: 'step.attempt', step: 'wait-ssh', attempt: 1, elapsed_ms: 0, error: 'ECONNREFUSED', retry_in_ms: 2000 },
      { type: 'step.attempt', step: 'wait-ssh', attempt: 2, elapsed_ms: 2000, error: 'no TCP answer within 10000 ms', retry_in_ms: 2000 },
    ]);
  });
});

describe('the first Ctrl-C stops a wait between two attempts', () => {
  it('a remote-command wait stops after the attempt during which Ctrl-C came; the later step never runs', async () => {
    const workingDir = scratch();
    await provisionedEnvironment(workingDir);
    const host = new ShellHost(scratch());
    // The stop arrives once the first attempt ran: the wait is then asleep for 30 s.
    const { result, record, events } = await run(workingDir, [{ ...cloudInit, timeoutSeconds: 600, intervalSeconds: 30 }, later], connectorFor(host), () => host.scripts.length > 0);
    expect(attempts(events)).toHaveLength(1);
    expect(result.outcome).toBe('interrupted');
    expect(result.stopped).toMatchObject({ stage: 'configure', step: 'wait-cloud-init' });
    expect(record?.state).toBe('configure_failed');
    expect(host.scripts).toHaveLength(1);
  });

  it('the connector is handed the stop request, and a stop it reports is an interruption, not a failure', async () => {
    const workingDir = scratch();
    await provisionedEnvironment(workingDir);
    let stop = false;
    const connect: RemoteConnector = async (_address, _signal, progress?: ConnectProgress) => {
      stop = true;
      if (progress?.stopRequested?.()) throw new DeployerError('interrupted', 'Stopped while waiting for SSH');
      throw new Error('the connector ignored the stop request');
    };
    const { result, events } = await run(workingDir, [waitForSsh, later], connect, () => stop);
    expect(result.outcome).toBe('interrupted');
    expect(events.some((event) => event.type === 'step.failed')).toBe(false);
  });

  it('connectWithRetry stops before its next attempt once a stop is requested', async () => {
    const port = await closedPort();
    const seen: ConnectAttempt[] = [];
    const error = await connectWithRetry({ host: '127.0.0.1', port, username: 'torrust', privateKeyPath: anyKey(), connectDeadlineMs: 60_000, retryIntervalMs: 5_000, env: {}, onAttempt: (attempt) => seen.push(attempt), stopRequested: () => seen.length > 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DeployerError);
    expect((error as DeployerError).code).toBe('interrupted');
    expect(seen).toHaveLength(1);
  });
});

describe('a refused SSH port on a host that is already up', () => {
  it('fails once the refused deadline passes, with the cause in the message and the one fix', async () => {
    const port = await closedPort();
    const seen: ConnectAttempt[] = [];
    const error = await connectWithRetry({ host: '127.0.0.1', port, username: 'torrust', privateKeyPath: anyKey(), connectDeadlineMs: 300_000, refusedDeadlineMs: 500, retryIntervalMs: 100, env: {}, onAttempt: (attempt) => seen.push(attempt) }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DeployerError);
    const failure = error as DeployerError;
    expect(failure.code).toBe('ssh.unreachable');
    expect(failure.message).toMatch(new RegExp(`^Nothing listens for SSH on torrust@127\\.0\\.0\\.1:${port}: the connection was refused ${seen.length} times over \\d+ s$`));
    expect(failure.fix).toMatch(new RegExp(`nothing listens on TCP port ${port}: start its SSH server`));
    expect(seen.at(-1)!.retryInMs).toBeUndefined();
    expect(seen.every((attempt) => attempt.error === 'ECONNREFUSED')).toBe(true);
  });
});
