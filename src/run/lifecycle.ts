import { DeployerError, wrongStateError } from '../domain/errors.js';
import { maskSecrets, maskSecretsDeep } from '../domain/mask-secrets.js';
import { admit, afterSuccess, hasReachedRunning, STAGE_COMMAND, STAGE_STATES, type StateName } from '../domain/states.js';
import { isOperation, type Plan } from '../plan/types.js';
import type { EnvironmentRecord, FailureRecord, HistoryEntry } from '../state/environment-record.js';
import { acquireLock, type HeldLock } from '../state/lock.js';
import { requireEnvironmentRecord, saveEnvironmentRecord } from '../state/store.js';
import type { EventSink } from '../plan/events.js';
import { Executor, type Discovery, type StageOutcome, type StageStop } from './executor.js';
import type { Provider, RemoteConnector } from './ports.js';

export interface LifecycleRequest {
  readonly workingDir: string;
  readonly environment: string;
  /** The command as typed: recorded in the lock, the history and failures. */
  readonly command: string;
  /** Applied to the state read under the lock and saved before the plan is built (deploy FILE records the new config). */
  readonly update?: (record: EnvironmentRecord) => EnvironmentRecord;
  /** Applied to the state when the whole plan succeeded (upgrade records the new config only then). */
  readonly afterSuccess?: (record: EnvironmentRecord) => EnvironmentRecord;
  /** Builds the plan from the state read under the lock. */
  readonly plan: (record: EnvironmentRecord) => Plan;
  readonly provider: Provider | undefined;
  readonly connect: RemoteConnector | undefined;
  /** The address to use when the state has none yet (an existing host's provider.host). */
  readonly fallbackAddress?: string | undefined;
  readonly lockWaitSeconds: number;
  /** Values masked in failures before they are recorded or reported (remote output can echo them). */
  readonly secrets?: readonly string[];
  readonly emit: EventSink;
  readonly signal: AbortSignal;
  readonly stopRequested: () => boolean;
}

export interface LifecycleResult {
  readonly record: EnvironmentRecord;
  readonly plan: Plan;
  readonly outcome: 'succeeded' | 'failed' | 'interrupted';
  /** Where it stopped, when it did not succeed. */
  readonly stopped?: {
    readonly stage: string;
    readonly step: string | undefined;
    readonly title: string | undefined;
    readonly error: string;
    /** The error that says why, when one does (ssh.host_key_changed, ssh.sudo_denied, apt.failed, ...): its code, message, fix and details. */
    readonly cause?: Record<string, unknown>;
    /** The last lines the failed step printed (secrets masked). */
    readonly output?: readonly string[];
    /** The undos that failed, when the stage undid what it did (secrets masked). */
    readonly undo_failures?: readonly { readonly step: string; readonly title: string; readonly error: string; readonly output: readonly string[] }[];
  };
  /** Steps after a commit point that failed (secrets masked): the plan still succeeded. */
  readonly warnings: readonly { readonly step: string; readonly title: string; readonly error: string }[];
  /** How long each stage that ran took, in order, for the summary. */
  readonly durations: readonly StageDuration[];
}

export interface StageDuration {
  readonly stage: string;
  readonly seconds: number;
}

/**
 * Runs a plan against an environment: takes the lock, moves the state through
 * each stage (transient while running, settled or failed after), records what
 * steps discover the moment they discover it, and always releases the lock.
 */
export async function runLifecycle(request: LifecycleRequest): Promise<LifecycleResult> {
  const { workingDir, environment, emit } = request;
  const lock = await acquireLock(workingDir, environment, { command: request.command, waitSeconds: request.lockWaitSeconds, signal: request.signal });
  try {
    emit({ type: 'lock.acquired', environment, ...(lock.tookOverFrom ? { took_over_from: lock.tookOverFrom } : {}) });
    return await runLocked(request, lock);
  } finally {
    await lock.release();
  }
}

async function runLocked(request: LifecycleRequest, _lock: HeldLock): Promise<LifecycleResult> {
  const { workingDir, environment, emit } = request;
  const secrets = (request.secrets ?? []).filter((secret) => secret.length >= 4);
  let record = await requireEnvironmentRecord(workingDir, environment);
  if (request.update) {
    record = request.update(record);
    await saveEnvironmentRecord(workingDir, record);
  }
  const plan = request.plan(record);
  emit({
    type: 'plan.started',
    environment,
    command: plan.command,
    stages: plan.stages.map((stage) => ({ stage: stage.stage, steps: stage.steps.map(({ id, title, kind }) => ({ id, title, kind })) })),
  });

  const save = async (next: EnvironmentRecord) => {
    if (next.state !== record.state) emit({ type: 'state.changed', environment, from: record.state, to: next.state });
    record = next;
    await saveEnvironmentRecord(workingDir, record);
  };

  const executor = new Executor({
    workingDir,
    provider: request.provider,
    connect: request.connect,
    address: record.instance.address ?? request.fallbackAddress,
    emit,
    signal: request.signal,
    stopRequested: request.stopRequested,
    record: async (discovery) => {
      // A host key or address the state already holds is not written again (each save is an fsync).
      const next = withDiscovery(record, discovery);
      if (next !== record) await save(next);
    },
  });

  let outcome: LifecycleResult['outcome'] = 'succeeded';
  let stopped: LifecycleResult['stopped'];
  const warnings: LifecycleResult['warnings'][number][] = [];
  const durations: StageDuration[] = [];
  try {
    for (const stage of plan.stages) {
      // Ctrl-C during a stage that ran as one round trip lands here: stop before the next
      // stage starts, so the state stays what the last stage settled.
      if (request.stopRequested() || request.signal.aborted) {
        outcome = 'interrupted';
        stopped = { stage: stage.stage, step: undefined, title: undefined, error: 'interrupted' };
        break;
      }
      if (isOperation(stage.stage)) {
        if (!hasReachedRunning(record)) throw wrongStateError(environment, `${stage.command} needs a running environment; '${environment}' is ${record.state}`, `ttd deploy ${environment}`);
      } else {
        const admission = admit(stage.stage, record, environment);
        if (!admission.ok) throw wrongStateError(environment, admission.reason, admission.next);
      }
      const startedAt = new Date().toISOString();
      const started = performance.now();
      emit({ type: 'stage.started', stage: stage.stage });
      if (!isOperation(stage.stage)) await save({ ...record, state: STAGE_STATES[stage.stage].during, state_since: startedAt });
      const result = withSecretsMasked(await executor.runStage(stage), secrets);
      const finishedAt = new Date().toISOString();
      durations.push({ stage: stage.stage, seconds: (performance.now() - started) / 1000 });
      const history: HistoryEntry = {
        command: stage.command === plan.command ? request.command : `${request.command} (${stage.command})`,
        started_at: startedAt,
        finished_at: finishedAt,
        outcome: result.outcome,
        ...(result.outcome === 'failed' ? { error: `${result.step.title}: ${result.error}` } : {}),
      };
      if (result.outcome === 'succeeded') {
        warnings.push(...(result.warnings ?? []).map(({ step, error }) => ({ step: step.id, title: step.title, error })));
        const next = isOperation(stage.stage) ? { state: record.state, reached: record.reached } : afterSuccess(stage.stage, record.reached);
        const { failure: _cleared, ...rest } = record;
        await save({ ...rest, ...next, state_since: finishedAt, ...(stage.stage === 'destroy' ? { instance: {}, resources: [] } : {}), history: [...record.history, history] });
      } else {
        await save(failed(record, stage.stage, request.command, result, finishedAt, history));
      }
      emit({ type: 'stage.finished', stage: stage.stage, outcome: result.outcome });
      if (result.outcome !== 'succeeded') {
        outcome = result.outcome;
        stopped = {
          stage: stage.stage,
          step: result.step?.id,
          title: result.step?.title,
          error: result.outcome === 'failed' ? result.error : 'interrupted',
          ...(result.outcome === 'failed' && result.cause ? { cause: result.cause.toJSON() } : {}),
          ...(result.outcome === 'failed' && result.output ? { output: result.output } : {}),
          ...(result.undoFailures ? { undo_failures: result.undoFailures.map(({ step, error, output }) => ({ step: step.id, title: step.title, error, output })) } : {}),
        };
        break;
      }
    }
    if (outcome === 'succeeded' && request.afterSuccess) await save(request.afterSuccess(record));
  } finally {
    await executor.close();
  }
  emit({ type: 'plan.finished', outcome });
  return { record, plan, outcome, warnings: maskSecretsDeep(warnings, secrets), durations, ...(stopped ? { stopped: maskSecretsDeep(stopped, secrets) } : {}) };
}

function withSecretsMasked(result: StageOutcome, secrets: readonly string[]): StageOutcome {
  if (result.outcome !== 'failed') return result;
  const error = maskSecrets(result.error, secrets);
  if (!result.cause) return { ...result, error };
  const cause = result.cause;
  const json = maskSecretsDeep(cause.toJSON(), secrets);
  const { code: _code, message, where, fix, ...data } = json;
  const masked = new DeployerError(cause.code, String(message), {
    ...(typeof where === 'string' ? { where } : {}),
    ...(typeof fix === 'string' ? { fix } : {}),
    data,
  });
  return { ...result, error, cause: masked };
}

function failed(record: EnvironmentRecord, stage: Plan['stages'][number]['stage'], command: string, result: StageStop, at: string, history: HistoryEntry): EnvironmentRecord {
  if (isOperation(stage)) return { ...record, history: [...record.history, history] };
  const environment = record.name;
  const step = result.step;
  const failure: FailureRecord = {
    command,
    step: step?.id ?? 'between steps',
    step_title: step?.title ?? 'between steps',
    // The record keeps the cause's fix with the error: `show` explains a failure from it alone.
    error: result.outcome === 'failed' ? (result.cause?.fix ? `${result.error} (fix: ${result.cause.fix})` : result.error) : 'interrupted (Ctrl-C) at a safe point',
    at,
    hint: `re-run ttd ${stageCommandOf(stage, command)} ${environment} (or ttd deploy ${environment}): finished steps are skipped`,
  };
  const state: StateName = STAGE_STATES[stage].failed;
  return { ...record, state, state_since: at, failure, history: [...record.history, history] };
}

/** The command that resumes a stage: a registered host is provisioned by register, not by the provider. */
export function stageCommandOf(stage: Plan['stages'][number]['stage'], command: string): string {
  if (isOperation(stage)) return stage;
  return stage === 'provision' && command.split(' ')[0] === 'register' ? 'register' : STAGE_COMMAND[stage];
}

export function withDiscovery(record: EnvironmentRecord, discovery: Discovery): EnvironmentRecord {
  switch (discovery.type) {
    case 'resource': {
      if (record.resources.some((resource) => resource.provider === discovery.provider && resource.id === discovery.id)) return record;
      const resource = { provider: discovery.provider, kind: discovery.kind, id: discovery.id, name: discovery.name, created_at: new Date().toISOString() };
      return { ...record, resources: [...record.resources, resource], instance: { ...record.instance, method: 'provisioned' } };
    }
    case 'address':
      if (record.instance.address === discovery.address) return record;
      return { ...record, instance: { ...record.instance, address: discovery.address } };
    case 'host-key':
      // A replaced key was accepted by the user for exactly this fingerprint (the SSH layer checked it).
      if (record.instance.ssh_host_key && record.instance.ssh_host_key !== discovery.hostKey && discovery.replaced !== true) {
        throw new Error(`the host key of ${record.instance.address ?? 'the instance'} changed (recorded ${record.instance.ssh_host_key}, offered ${discovery.hostKey}); refusing to connect`);
      }
      if (record.instance.ssh_host_key === discovery.hostKey) return record;
      return { ...record, instance: { ...record.instance, ssh_host_key: discovery.hostKey } };
    case 'resources-destroyed':
      return { ...record, resources: [] };
  }
}
