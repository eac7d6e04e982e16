import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeployerError } from '../domain/errors.js';
import type { DnsGateStep, DnsRecordsStep, LocalWriteStep, ProviderStep, RemoteCommandStep, StagePlan, Step, UploadStep, WaitStep } from '../plan/types.js';
import { writeFileAtomic } from '../state/atomic-write.js';
import type { EventSink } from '../plan/events.js';
import type { Provider, RemoteConnector } from './ports.js';
import type { ExplainingRemoteHost } from './ssh-connector.js';
import { remoteCommandLine } from '../plan/command-line.js';
import { batchScript } from './remote-batch.js';
import { uploadBatch } from './upload-batch.js';
import { DIAGNOSIS_MARKER } from '../remote/steps/step.js';
import { waitForDns } from '../checks/dns-gate.js';
import { recordsFor } from '../domain/dns-records.js';

/** What a step learned that the environment must remember at once (so nothing created is forgotten). */
export type Discovery =
  | { readonly type: 'resource'; readonly provider: string; readonly id: string; readonly name: string; readonly kind: string }
  | { readonly type: 'address'; readonly address: string }
  /** `replaced`: the user accepted this new key deliberately (it replaces the recorded one). */
  | { readonly type: 'host-key'; readonly hostKey: string; readonly replaced?: boolean }
  | { readonly type: 'resources-destroyed' };

export interface ExecutorContext {
  readonly workingDir: string;
  readonly provider: Provider | undefined;
  readonly connect: RemoteConnector | undefined;
  /** The instance's address, when the state already has it. */
  address: string | undefined;
  readonly emit: EventSink;
  /** Saves a discovery to the state before the next step runs. */
  readonly record: (discovery: Discovery) => Promise<void>;
  /** A hard abort (second Ctrl-C): in-flight work is cancelled. */
  readonly signal: AbortSignal;
  /** A stop request (first Ctrl-C): honoured between steps, the safe points. */
  readonly stopRequested: () => boolean;
}

/** A step after the commit point that failed: the command still succeeds. */
export interface StepWarning {
  readonly step: Step;
  readonly error: string;
}

/** An undo that failed: what it printed last says why. */
export interface UndoFailure {
  readonly step: RemoteCommandStep;
  readonly error: string;
  readonly output: readonly string[];
}

export type StageOutcome = { readonly outcome: 'succeeded'; readonly warnings?: readonly StepWarning[] } | StageStop;

/** How a stage ended when it did not succeed. */
export type StageStop =
  /**
   * `cause`: the error that made the step fail, when one says why (its code and fix reach the user).
   * `output`: the last lines the failed step printed. `undoFailures`: set when the stage undid what it did.
   */
  | { readonly outcome: 'failed'; readonly step: Step; readonly error: string; readonly cause?: DeployerError; readonly output?: readonly string[]; readonly undoFailures?: readonly UndoFailure[] }
  | { readonly outcome: 'interrupted'; readonly step: Step | undefined; readonly undoFailures?: readonly UndoFailure[] };

class StepFailure extends Error {
  constructor(
    message: string,
    readonly reason?: DeployerError,
  ) {
    super(message);
  }
}

/** The error that explains a failure: a DeployerError itself, or the one a StepFailure carries. */
function causeOf(error: unknown): DeployerError | undefined {
  if (error instanceof DeployerError) return error;
  return error instanceof StepFailure ? error.reason : undefined;
}

/** The SSH layer (or a wait) stopped between attempts for a Ctrl-C: not a failure. */
function isInterruption(error: unknown): boolean {
  return error instanceof DeployerError && error.code === 'interrupted';
}

/** How often a sleeping wait looks for a stop request. */
const STOP_POLL_MS = 200;

/** How many output lines of a failed remote step are kept to explain it. */
const FAILED_STEP_TAIL_LINES = 40;

/** What a failing step printed after the diagnosis marker: its own account of why. */
function diagnosisIn(tail: readonly string[]): string | undefined {
  const start = tail.findLastIndex((line) => line.startsWith(DIAGNOSIS_MARKER));
  if (start === -1) return undefined;
  return [tail[start]!.slice(DIAGNOSIS_MARKER.length).trim(), ...tail.slice(start + 1)].join('\n');
}

function keepTail(tail: string[], line: string): void {
  tail.push(line);
  if (tail.length > FAILED_STEP_TAIL_LINES) tail.shift();
}

/** A failed remote command in a line: its own diagnosis when it printed one, else its last line. */
function remoteFailureText(exitCode: number, tail: readonly string[]): string {
  const diagnosis = diagnosisIn(tail);
  if (diagnosis) return `exited with code ${exitCode}; ${diagnosis}`;
  return `exited with code ${exitCode}${tail.length > 0 ? `: ${tail.at(-1)}` : ''}`;
}

/** A step's failure in a line: the cause's fix travels beside it (StageStop.cause), never inside it, so it is printed once. */
function failureMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one stage's steps in order. Each step's idempotency check runs first,
 * so a resumed stage skips what is already done; consecutive remote commands
 * share one round trip.
 */
export class Executor {
  private remote: ExplainingRemoteHost | undefined;

  constructor(private readonly context: ExecutorContext) {}

  /**
   * A stage whose steps declare undos is reversible: each remote step runs in its own
   * round trip, and when one fails (or Ctrl-C stops the stage before its commit point)
   * the undo of every step that ran, the failed one included, runs last first; an undo
   * that fails is reported and the rest still run. Steps after the commit point
   * (`afterCommit`) always run, and their failure is a warning.
   */
  async runStage(stage: StagePlan): Promise<StageOutcome> {
    const { emit } = this.context;
    const steps = stage.steps;
    const reversible = steps.some((step) => step.kind === 'remote' && (step.undo !== undefined || step.afterCommit === true));
    const ran: Step[] = [];
    const warnings: StepWarning[] = [];
    let stopped: StageStop | undefined;
    let index = 0;
    while (index < steps.length) {
      const step = steps[index]!;
      const committed = step.kind === 'remote' && step.afterCommit === true;
      if (!committed && (this.context.stopRequested() || this.context.signal.aborted)) {
        stopped = { outcome: 'interrupted', step };
        break;
      }
      ran.push(step);
      if (step.kind === 'remote') {
        let end = index + 1;
        if (!reversible) while (end < steps.length && steps[end]!.kind === 'remote') end += 1;
        const outcome = await this.runRemoteBatch(stage.stage, steps.slice(index, end) as RemoteCommandStep[]);
        index = end;
        if (outcome?.outcome === 'failed' && committed) {
          warnings.push({ step, error: outcome.error });
          continue;
        }
        if (outcome) {
          stopped = outcome;
          break;
        }
        continue;
      }
      if (step.kind === 'upload') {
        let end = index + 1;
        while (end < steps.length && steps[end]!.kind === 'upload') end += 1;
        ran.push(...steps.slice(index + 1, end));
        stopped = await this.runUploadBatch(stage.stage, steps.slice(index, end) as UploadStep[]);
        if (stopped) break;
        index = end;
        continue;
      }
      emit({ type: 'step.started', stage: stage.stage, step: step.id, title: step.title, kind: step.kind });
      try {
        const skipped = await this.runStep(step);
        emit(skipped === undefined ? { type: 'step.succeeded', step: step.id } : { type: 'step.skipped', step: step.id, reason: skipped });
      } catch (error) {
        if (this.context.signal.aborted || isInterruption(error)) {
          stopped = { outcome: 'interrupted', step };
          break;
        }
        const message = failureMessage(error);
        const cause = causeOf(error);
        emit({ type: 'step.failed', step: step.id, error: message });
        stopped = { outcome: 'failed', step, error: message, ...(cause ? { cause } : {}) };
        break;
      }
      index += 1;
    }
    if (!stopped) return { outcome: 'succeeded', ...(warnings.length > 0 ? { warnings } : {}) };
    if (!reversible) return stopped;
    return { ...stopped, undoFailures: await this.undo(ran) };
  }

  /** The undos of the steps that ran, last first; each failure is kept and the rest still run. */
  private async undo(ran: readonly Step[]): Promise<UndoFailure[]> {
    const failures: UndoFailure[] = [];
    for (const step of [...ran].reverse()) {
      if (step.kind !== 'remote' || step.undo === undefined) continue;
      this.context.emit({ type: 'step.undo.started', step: step.id, title: step.title });
      const failure = await this.runUndo(step, step.undo);
      if (failure) failures.push(failure);
      this.context.emit(failure ? { type: 'step.undo.failed', step: step.id, error: failure.error } : { type: 'step.undo.succeeded', step: step.id });
    }
    return failures;
  }

  /**
   * An undo puts the host back, so it runs to its end even after a second Ctrl-C
   * (which only cancels the step that was running).
   */
  private async runUndo(step: RemoteCommandStep, undo: string): Promise<UndoFailure | undefined> {
    const { emit } = this.context;
    const signal = new AbortController().signal;
    const tail: string[] = [];
    const failure = (error: string): UndoFailure => ({ step, error, output: [...tail] });
    let remote: ExplainingRemoteHost;
    try {
      remote = await this.connected(step, signal);
    } catch (error) {
      return failure(failureMessage(error));
    }
    emit({ type: 'step.command', step: step.id, command: remoteCommandLine(undo, step.sudo) });
    const batch = batchScript([{ ...step, command: undo, check: undefined }]);
    let exitCode: number | undefined;
    try {
      const result = await remote.exec(batch.script, {
        signal,
        onLine: (stream, line) => {
          const marker = batch.parse(line);
          if (marker?.event === 'fail') exitCode = marker.exitCode;
          if (marker) return;
          keepTail(tail, line);
          emit({ type: 'step.output', step: step.id, stream, line });
        },
      });
      if (exitCode === undefined && result.exitCode !== 0) exitCode = result.exitCode;
    } catch (error) {
      return failure(failureMessage(error));
    }
    return exitCode === undefined ? undefined : failure(remoteFailureText(exitCode, tail));
  }

  async close(): Promise<void> {
    await this.remote?.close().catch(() => undefined);
    this.remote = undefined;
  }

  /** Returns the reason it was skipped, or undefined when it ran. */
  private async runStep(step: Exclude<Step, RemoteCommandStep | UploadStep>): Promise<string | undefined> {
    switch (step.kind) {
      case 'local':
        return this.writeLocal(step);
      case 'provider':
        return this.callProvider(step);
      case 'wait':
        return this.wait(step);
      case 'dns-records':
        return this.showDnsRecords(step, step.domains);
      case 'dns-gate':
        return this.dnsGate(step);
    }
  }

  private showDnsRecords(step: DnsRecordsStep | DnsGateStep, domains: readonly string[]): string | undefined {
    const address = this.context.address;
    if (!address) throw new StepFailure('the instance address is not known yet (provision or register first)');
    const records = recordsFor(domains, address);
    if (records.length === 0) return `${address} is not an IP address: point the domains at it with CNAME records`;
    this.context.emit({ type: 'dns.records', step: step.id, address, records });
    return undefined;
  }

  private async dnsGate(step: DnsGateStep): Promise<string | undefined> {
    if (step.skipped) return step.skipped;
    const address = this.context.address;
    if (!address) throw new StepFailure('the instance address is not known yet (provision or register first)');
    const { emit, signal } = this.context;
    await waitForDns({
      domains: step.domains,
      address,
      resolvers: step.resolvers,
      timeoutSeconds: step.timeoutSeconds,
      intervalSeconds: step.intervalSeconds,
      signal,
      onNotReady: (waiting) => this.showDnsRecords(step, waiting.map((answer) => answer.domain)),
      progress: (line) => emit({ type: 'step.output', step: step.id, stream: 'stderr', line }),
    });
    return undefined;
  }

  private async runRemoteBatch(stage: string, steps: readonly RemoteCommandStep[]): Promise<StageStop | undefined> {
    const { emit, signal } = this.context;
    const reportFailure = (step: RemoteCommandStep, error: string) => emit({ type: step.afterCommit === true ? 'step.warned' : 'step.failed', step: step.id, error });
    const failedBeforeStart = (step: RemoteCommandStep, error: unknown, started: boolean): StageStop => {
      const message = failureMessage(error);
      const cause = causeOf(error);
      if (!started) emit({ type: 'step.started', stage, step: step.id, title: step.title, kind: 'remote' });
      reportFailure(step, message);
      return { outcome: 'failed', step, error: message, ...(cause ? { cause } : {}) };
    };
    let remote: ExplainingRemoteHost;
    try {
      remote = await this.connected(steps[0]!);
    } catch (error) {
      if (signal.aborted || isInterruption(error)) return { outcome: 'interrupted', step: undefined };
      return failedBeforeStart(steps[0]!, error, false);
    }
    const batch = batchScript(steps);
    const byId = new Map(steps.map((step) => [step.id, step]));
    let current: RemoteCommandStep | undefined;
    let failed: { step: RemoteCommandStep; exitCode: number } | undefined;
    const tail: string[] = [];
    const execution = remote.exec(batch.script, {
      signal,
      onLine: (stream, line) => {
        const marker = batch.parse(line);
        if (!marker) {
          if (current) {
            keepTail(tail, line);
            emit({ type: 'step.output', step: current.id, stream, line });
          }
          return;
        }
        const step = byId.get(marker.step)!;
        if (marker.event === 'skip') {
          emit({ type: 'step.started', stage, step: step.id, title: step.title, kind: 'remote' });
          emit({ type: 'step.skipped', step: step.id, reason: `already done (${step.check})` });
        } else if (marker.event === 'start') {
          current = step;
          tail.length = 0;
          emit({ type: 'step.started', stage, step: step.id, title: step.title, kind: 'remote' });
          emit({ type: 'step.command', step: step.id, command: remoteCommandLine(step.command, step.sudo) });
        } else if (marker.event === 'done') {
          emit({ type: 'step.succeeded', step: step.id });
          current = undefined;
        } else if (marker.event === 'fail') {
          failed = { step, exitCode: marker.exitCode };
        }
      },
    });
    let result: Awaited<typeof execution>;
    try {
      result = await execution;
    } catch (error) {
      // The connection dropped (or the channel was refused) mid-script: the stage
      // failed at the step that was running, and the state must say so.
      if (signal.aborted) return { outcome: 'interrupted', step: current };
      return failedBeforeStart(current ?? steps[0]!, error, current !== undefined);
    }
    if (signal.aborted) return { outcome: 'interrupted', step: current };
    if (failed) {
      const cause = remote.explainFailure?.(failed.step.command, tail, failed.step.sudo);
      const error = cause ? failureMessage(cause) : remoteFailureText(failed.exitCode, tail);
      reportFailure(failed.step, error);
      return { outcome: 'failed', step: failed.step, error, output: [...tail], ...(cause ? { cause } : {}) };
    }
    if (result.exitCode !== 0 || current) {
      const step = current ?? steps[0]!;
      const error = `the remote script stopped with code ${result.exitCode}${result.stderr ? `: ${result.stderr.trim().split('\n').at(-1)}` : ''}`;
      if (!current) emit({ type: 'step.started', stage, step: step.id, title: step.title, kind: 'remote' });
      reportFailure(step, error);
      return { outcome: 'failed', step, error, output: [...tail] };
    }
    return undefined;
  }

  private async writeLocal(step: LocalWriteStep): Promise<string | undefined> {
    const path = resolve(this.context.workingDir, step.path);
    const existing = await readFile(path, 'utf8').catch(() => undefined);
    if (existing === step.content) return 'the file already has this content';
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, step.content, step.mode);
    return undefined;
  }

  /**
   * A run of uploads in one round trip (see upload-batch.ts): each file is compared on the
   * host and only a different one is put in place.
   */
  private async runUploadBatch(stage: string, steps: readonly UploadStep[]): Promise<StageStop | undefined> {
    const { emit, signal } = this.context;
    const started = new Set<string>();
    const start = (step: UploadStep) => {
      if (started.has(step.id)) return;
      started.add(step.id);
      emit({ type: 'step.started', stage, step: step.id, title: step.title, kind: 'upload' });
    };
    const fail = (step: UploadStep, error: unknown, output: readonly string[] = []): StageStop => {
      const message = failureMessage(error);
      const cause = causeOf(error);
      start(step);
      emit({ type: 'step.failed', step: step.id, error: message });
      return { outcome: 'failed', step, error: message, ...(cause ? { cause } : {}), ...(output.length > 0 ? { output } : {}) };
    };
    let remote: ExplainingRemoteHost;
    try {
      remote = await this.connected(steps[0]!);
    } catch (error) {
      return fail(steps[0]!, error);
    }
    const batch = uploadBatch(steps);
    const byId = new Map(steps.map((step, index) => [step.id, { step, index }]));
    let current: UploadStep | undefined;
    let failed: { step: UploadStep; exitCode: number } | undefined;
    const tail: string[] = [];
    let result: Awaited<ReturnType<ExplainingRemoteHost['exec']>>;
    try {
      result = await remote.exec(batch.command, {
        signal,
        stdin: batch.stdin,
        onLine: (stream, line) => {
          const marker = batch.parse(line);
          if (!marker) {
            keepTail(tail, line);
            if (current) emit({ type: 'step.output', step: current.id, stream, line });
            return;
          }
          const { step, index } = byId.get(marker.step)!;
          if (marker.event === 'skip') {
            start(step);
            emit({ type: 'step.skipped', step: step.id, reason: 'the file there has the same content, mode and owner' });
          } else if (marker.event === 'start') {
            current = step;
            tail.length = 0;
            start(step);
            emit({ type: 'step.command', step: step.id, command: batch.placing(index) });
          } else if (marker.event === 'done') {
            emit({ type: 'step.succeeded', step: step.id });
            current = undefined;
          } else if (marker.event === 'fail') {
            failed = { step, exitCode: marker.exitCode };
          }
        },
      });
    } catch (error) {
      if (signal.aborted) return { outcome: 'interrupted', step: current };
      return fail(current ?? steps[0]!, error);
    }
    if (signal.aborted) return { outcome: 'interrupted', step: current };
    if (failed) return fail(failed.step, remote.explainFailure?.(batch.command, tail, true) ?? new StepFailure(remoteFailureText(failed.exitCode, tail)), tail);
    if (result.exitCode !== 0 || current) return fail(current ?? steps[0]!, new StepFailure(`the upload script stopped with code ${result.exitCode}${tail.length > 0 ? `: ${tail.at(-1)}` : ''}`), tail);
    return undefined;
  }

  private async callProvider(step: ProviderStep): Promise<string | undefined> {
    const provider = this.context.provider;
    if (!provider) throw new StepFailure(`no ${step.provider} provider is available in this build`);
    const { signal, emit, record } = this.context;
    const { call } = step;
    for (const line of provider.plan(call.action, call.instanceName, call.action === 'destroy' ? call.resourceIds : [])) emit({ type: 'step.command', step: step.id, command: line });
    const found = await provider.find(call.instanceName, signal);
    switch (call.action) {
      case 'create': {
        if (found) {
          await record({ type: 'resource', provider: provider.name, ...found });
          return `instance ${found.name} already exists (${found.id})`;
        }
        for (const notice of (await provider.review?.(call.instanceName, signal)) ?? []) emit({ type: 'step.notice', step: step.id, ...notice });
        const created = await provider.create(call.instanceName, signal);
        await record({ type: 'resource', provider: provider.name, ...created });
        return undefined;
      }
      case 'address': {
        if (!found) throw new StepFailure(`the provider has no instance named ${call.instanceName}`);
        const address = await provider.address(found, signal);
        if (!address) throw new StepFailure(`instance ${call.instanceName} has no address yet`);
        this.context.address = address;
        await record({ type: 'address', address });
        return undefined;
      }
      case 'destroy': {
        if (!found && call.resourceIds.length === 0) {
          await record({ type: 'resources-destroyed' });
          return `the provider has no instance named ${call.instanceName}`;
        }
        await provider.destroy(call.instanceName, call.resourceIds, signal);
        await record({ type: 'resources-destroyed' });
        return undefined;
      }
    }
  }

  private async wait(step: WaitStep): Promise<string | undefined> {
    const { emit, signal, stopRequested } = this.context;
    const started = Date.now();
    const deadline = started + step.timeoutSeconds * 1000;
    let last = '';
    for (let attempt = 1; ; attempt += 1) {
      if (signal.aborted || stopRequested()) throw new DeployerError('interrupted', `Stopped while waiting: ${step.title}`);
      try {
        if (step.condition.type === 'ssh-reachable') {
          await this.connected(step);
          return undefined;
        }
        const remote = await this.connected(step);
        const result = await remote.exec(step.condition.command, { signal });
        if (result.exitCode === 0) return undefined;
        last = `exit code ${result.exitCode}${result.stdout || result.stderr ? `: ${(result.stderr || result.stdout).trim().split('\n').at(-1)}` : ''}`;
      } catch (error) {
        if (error instanceof StepFailure) throw error;
        // The SSH layer retries a booting host itself (reporting each attempt) and knows when
        // retrying cannot help (a changed host key, a refused key): its errors end the wait at once.
        if (error instanceof DeployerError) throw isInterruption(error) ? error : new StepFailure(failureMessage(error), error);
        last = error instanceof Error ? error.message : String(error);
      }
      const elapsed = Date.now() - started;
      const retry = Date.now() + step.intervalSeconds * 1000 <= deadline;
      emit({ type: 'step.attempt', step: step.id, attempt, elapsed_ms: elapsed, error: last, ...(retry ? { retry_in_ms: step.intervalSeconds * 1000 } : {}) });
      if (!retry) throw new StepFailure(`gave up after ${step.timeoutSeconds}s; last attempt: ${last}`);
      await this.pause(step.intervalSeconds * 1000);
    }
  }

  /** Sleeps between two attempts of a wait, waking for a stop request (a safe point) or an abort. */
  private async pause(ms: number): Promise<void> {
    const { signal, stopRequested } = this.context;
    const until = Date.now() + ms;
    while (Date.now() < until && !signal.aborted && !stopRequested()) {
      await sleep(Math.min(STOP_POLL_MS, until - Date.now()), undefined, { signal }).catch(() => undefined);
    }
  }

  private async connected(step: Step, signal: AbortSignal = this.context.signal): Promise<ExplainingRemoteHost> {
    if (this.remote) return this.remote;
    if (!this.context.connect) throw new StepFailure(`'${step.title}' needs an SSH connection, which is not available in this build`);
    if (!this.context.address) throw new StepFailure('the instance address is not known yet (provision or register first)');
    const { emit, stopRequested } = this.context;
    const remote: ExplainingRemoteHost = await this.context.connect(this.context.address, signal, {
      stopRequested,
      onAttempt: (attempt) =>
        emit({ type: 'step.attempt', step: step.id, attempt: attempt.attempt, elapsed_ms: attempt.elapsedMs, error: attempt.error, ...(attempt.retryInMs === undefined ? {} : { retry_in_ms: attempt.retryInMs }) }),
    });
    if (remote.hostKey) {
      try {
        await this.context.record({ type: 'host-key', hostKey: remote.hostKey, ...(remote.hostKeyReplaced === true ? { replaced: true } : {}) });
      } catch (error) {
        // A key the state refuses is final: the connection is not kept for a retry to reuse.
        await remote.close().catch(() => undefined);
        throw new StepFailure(error instanceof Error ? error.message : String(error), causeOf(error));
      }
    }
    this.remote = remote;
    return remote;
  }
}
