import { remoteCommandLine } from '../../src/plan/command-line.js';
import { allSteps, type Plan, type RemoteCommandStep, type UploadStep } from '../../src/plan/types.js';
import type { ExecOptions, ExecResult, RemoteConnector, RemoteHost } from '../../src/run/ports.js';

/**
 * A host that runs nothing, for the day-two plans whose commands need docker and
 * MySQL: it reads which step (or which step's undo) the executor's script holds,
 * records it as "do ID" or "undo ID", and answers with the script's own marker
 * lines: done, or, for the ones it is told to fail, the given output and a failure.
 */
export function scriptedHost(plan: Plan, failing: Readonly<Record<string, readonly string[]>> = {}): { connect: RemoteConnector; ran: string[] } {
  const steps = allSteps(plan).filter((step): step is RemoteCommandStep => step.kind === 'remote');
  const uploads = allSteps(plan).filter((step): step is UploadStep => step.kind === 'upload');
  const ran: string[] = [];
  const holds = (script: string, command: string, sudo: boolean) => script.includes(remoteCommandLine(command, sudo));
  const which = (script: string): string | undefined => {
    // The latest step that ran and is not undone yet: two steps may share one undo.
    const undone = [...steps].reverse().find((step) => step.undo !== undefined && holds(script, step.undo, step.sudo) && ran.includes(`do ${step.id}`) && !ran.includes(`undo ${step.id}`));
    if (undone) return `undo ${undone.id}`;
    const step = steps.find((candidate) => holds(script, candidate.command, candidate.sudo));
    return step ? `do ${step.id}` : undefined;
  };
  const host: RemoteHost = {
    hostKey: 'SHA256:scripted',
    async exec(script: string, options: ExecOptions): Promise<ExecResult> {
      const tag = /"(@@ttd-[0-9a-f]+) /.exec(script)?.[1];
      const name = tag ? which(script) : undefined;
      const line = (text: string) => options.onLine?.('stdout', text);
      // An upload batch: every file in it is put in place, in order.
      const batch = tag && !name ? uploads.filter((upload) => script.includes(upload.target)) : [];
      batch.forEach((upload, index) => {
        ran.push(`upload ${upload.target}`);
        line(`${tag} start ${index}`);
        line(`${tag} done ${index}`);
      });
      if (batch.length > 0) return { exitCode: 0, stdout: '', stderr: '' };
      if (!tag || !name) return { exitCode: 1, stdout: '', stderr: '' };
      ran.push(name);
      line(`${tag} start 0`);
      const output = failing[name];
      if (!output) {
        line(`${tag} done 0`);
        return { exitCode: 0, stdout: '', stderr: '' };
      }
      output.forEach(line);
      line(`${tag} fail 0 1`);
      return { exitCode: 1, stdout: '', stderr: '' };
    },
    async close(): Promise<void> {},
  };
  return { connect: async () => host, ran };
}

/** Runs a day-two plan through the lifecycle, as the command does, on a running environment. */
export async function runOnRunning(plan: Plan, connect: RemoteConnector, options: { secrets?: readonly string[]; stopAfter?: string; command?: string } = {}) {
  const { runLifecycle } = await import('../../src/run/lifecycle.js');
  const { masking } = await import('../../src/plan/events.js');
  const { saveEnvironmentRecord } = await import('../../src/state/store.js');
  const { provisionedEnvironment, scratch } = await import('../lifecycle/support.js');
  const workingDir = scratch('ttd-day-two-');
  const record = await provisionedEnvironment(workingDir, plan.environment);
  await saveEnvironmentRecord(workingDir, { ...record, state: 'running', reached: 'running' });
  const events: import('../../src/plan/events.js').EngineEvent[] = [];
  let stop = false;
  const result = await runLifecycle({
    workingDir,
    environment: plan.environment,
    command: options.command ?? plan.command,
    plan: () => plan,
    provider: undefined,
    connect,
    lockWaitSeconds: 0,
    secrets: options.secrets ?? [],
    emit: masking(options.secrets ?? [], (event) => {
      events.push(event);
      if (event.type === 'step.succeeded' && event.step === options.stopAfter) stop = true;
    }),
    signal: new AbortController().signal,
    stopRequested: () => stop,
  });
  return { result, events, workingDir };
}
