import type { RunContext } from './context.js';
import { planJson, planText } from '../plan/describe.js';
import { allSteps, type Plan, type ProviderStep } from '../plan/types.js';
import type { NdjsonWriter } from '../output/ndjson-sink.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import { environmentDir } from '../state/store.js';
import { runLifecycle, type LifecycleResult } from './lifecycle.js';
import { outcomeError } from './outcome.js';
import type { Provider, ProviderNotice, RemoteConnector } from './ports.js';
import { openSession } from './session.js';

/**
 * --dry-run: the plan on stdout (text, or one NDJSON plan line and the result),
 * nothing changed anywhere. A create step is reviewed at the provider first (read
 * only), as the real run does before it creates: what it costs, what is deprecated,
 * and the same refusal.
 */
export async function printDryRun(context: RunContext, plan: Plan, provider?: Provider): Promise<number> {
  const requests = provider && ((step: ProviderStep) => provider.plan(step.call.action, step.call.instanceName, step.call.action === 'destroy' ? step.call.resourceIds : []));
  const notices = provider && (await reviewCreateSteps(plan, provider));
  if (context.json) {
    context.output.record({ type: 'plan', ...planJson(plan, requests, notices) });
    context.output.resultJson({ dry_run: true, environment_name: plan.environment, runnable: plan.gaps.length === 0 });
  } else {
    context.output.result(planText(plan, requests, notices));
  }
  return 0;
}

async function reviewCreateSteps(plan: Plan, provider: Provider): Promise<(step: ProviderStep) => readonly ProviderNotice[]> {
  const reviewed = new Map<string, readonly ProviderNotice[]>();
  if (provider.review) {
    const signal = new AbortController().signal;
    for (const step of allSteps(plan)) {
      if (step.kind !== 'provider' || step.call.action !== 'create') continue;
      // As the run: an instance that exists already is adopted, nothing is ordered.
      const existing = await provider.find(step.call.instanceName, signal);
      reviewed.set(step.id, existing ? [{ level: 'info', message: `${existing.name} exists already (${existing.id}): provision adopts it, nothing is ordered` }] : await provider.review(step.call.instanceName, signal));
    }
  }
  return (step) => reviewed.get(step.id) ?? [];
}

export interface PlanCommand {
  readonly command: string;
  readonly environment: string;
  readonly secrets: readonly string[];
  readonly plan: (record: EnvironmentRecord) => Plan;
  readonly update?: (record: EnvironmentRecord) => EnvironmentRecord;
  readonly provider: Provider | undefined;
  readonly connect: RemoteConnector | undefined;
  readonly fallbackAddress: string | undefined;
  readonly lockWaitSeconds: number;
  /** Runs after a successful plan, before the result is written; its fields join the result. */
  readonly finish?: (result: LifecycleResult) => Promise<Record<string, unknown>>;
}

/** Runs a plan through the lifecycle with the session's sinks; a failure becomes the error the user sees. */
export async function runPlanCommand(context: RunContext, json: NdjsonWriter | undefined, request: PlanCommand): Promise<LifecycleResult> {
  const session = openSession(context, { secrets: request.secrets, environmentDirectory: environmentDir(context.workingDir, request.environment) });
  let result: LifecycleResult;
  try {
    result = await runLifecycle({ ...request, workingDir: context.workingDir, emit: session.emit, signal: session.signal, stopRequested: () => session.stopRequested() });
  } finally {
    await session.close();
  }
  const error = outcomeError(result, session.logFile);
  if (error) throw error;
  const extra = request.finish ? await request.finish(result) : {};
  if (json) context.output.resultJson({ environment_name: request.environment, state: result.record.state, log_file: session.logFile ?? null, ...extra });
  return result;
}
