/**
 * Environment states and the rules for moving between them.
 *
 * Unlike the Rust deployer, where a failed state is terminal, every state here
 * can be resumed: re-running the failed command (or `deploy`) starts its stage
 * again and the idempotent steps skip what is already done.
 */

/** The stages that change an environment, in the order `deploy` runs them. */
export const STAGES = ['provision', 'configure', 'release', 'run'] as const;
export type Stage = (typeof STAGES)[number] | 'destroy';

export const SETTLED_STATES = ['created', 'provisioned', 'configured', 'released', 'running'] as const;
/** A state an environment rests in when no command is running and none has failed. */
export type SettledState = (typeof SETTLED_STATES)[number];

export const TRANSIENT_STATES = ['provisioning', 'configuring', 'releasing', 'starting', 'destroying'] as const;
export type TransientState = (typeof TRANSIENT_STATES)[number];

export const FAILED_STATES = ['provision_failed', 'configure_failed', 'release_failed', 'run_failed', 'destroy_failed'] as const;
export type FailedState = (typeof FAILED_STATES)[number];

export type StateName = SettledState | TransientState | FailedState | 'destroyed';

export const ALL_STATES: readonly StateName[] = [...SETTLED_STATES, ...TRANSIENT_STATES, ...FAILED_STATES, 'destroyed'];

interface StageStates {
  readonly during: TransientState;
  readonly done: SettledState | 'destroyed';
  readonly failed: FailedState;
  /** The settled state the stage needs to have been reached before it. */
  readonly needs: SettledState | undefined;
}

export const STAGE_STATES: Readonly<Record<Stage, StageStates>> = {
  provision: { during: 'provisioning', done: 'provisioned', failed: 'provision_failed', needs: 'created' },
  configure: { during: 'configuring', done: 'configured', failed: 'configure_failed', needs: 'provisioned' },
  release: { during: 'releasing', done: 'released', failed: 'release_failed', needs: 'configured' },
  run: { during: 'starting', done: 'running', failed: 'run_failed', needs: 'released' },
  destroy: { during: 'destroying', done: 'destroyed', failed: 'destroy_failed', needs: undefined },
};

/** The command a user types to run each stage (`register` runs the provision stage for existing hosts). */
export const STAGE_COMMAND: Readonly<Record<Stage, string>> = {
  provision: 'provision',
  configure: 'configure',
  release: 'release',
  run: 'run',
  destroy: 'destroy',
};

export function isSettled(state: StateName): state is SettledState {
  return (SETTLED_STATES as readonly string[]).includes(state);
}

export function isFailed(state: StateName): state is FailedState {
  return (FAILED_STATES as readonly string[]).includes(state);
}

export function isTransient(state: StateName): state is TransientState {
  return (TRANSIENT_STATES as readonly string[]).includes(state);
}

export function isStateName(value: unknown): value is StateName {
  return typeof value === 'string' && (ALL_STATES as readonly string[]).includes(value);
}

export function rankOf(state: SettledState): number {
  return SETTLED_STATES.indexOf(state);
}

/** Where a state sits: the settled state the environment has reached, and what is going on now. */
export interface Position {
  readonly state: StateName;
  /** The furthest settled state reached since the environment was created (or last destroyed). */
  readonly reached: SettledState;
}

export type Admission = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly next: string };

/**
 * May `stage` run from `position`? A stage runs when the one before it has been
 * reached, including again after a failure or an interruption of itself or of a
 * later stage; a refusal names the command that comes first.
 */
export function admit(stage: Stage, position: Position, environment: string): Admission {
  const { state, reached } = position;
  if (stage === 'destroy') return { ok: true };
  if (state === 'destroyed' && stage !== 'provision') {
    return { ok: false, reason: `environment '${environment}' is destroyed`, next: `ttd provision ${environment} (or ttd deploy ${environment}) to create its instance again` };
  }
  if (state === 'destroying' || state === 'destroy_failed') {
    return { ok: false, reason: `environment '${environment}' is being destroyed (state: ${state})`, next: `ttd destroy ${environment} to finish destroying it` };
  }
  const needs = STAGE_STATES[stage].needs;
  if (needs !== undefined && rankOf(reached) < rankOf(needs)) {
    const missing = STAGES[rankOf(reached)] ?? 'provision';
    return {
      ok: false,
      reason: `${stage} needs an environment that is ${needs}; '${environment}' is ${describeState(position)}`,
      next: `ttd ${STAGE_COMMAND[missing]} ${environment} first (or ttd deploy ${environment} to run every step)`,
    };
  }
  return { ok: true };
}

/** The state a stage leaves on success: never backwards (configure on a running environment keeps it running). */
export function afterSuccess(stage: Stage, reached: SettledState): { state: StateName; reached: SettledState } {
  if (stage === 'destroy') return { state: 'destroyed', reached: 'created' };
  const done = STAGE_STATES[stage].done as SettledState;
  const next = rankOf(done) >= rankOf(reached) ? done : reached;
  return { state: next, reached: next };
}

/**
 * The stack was started on this environment's instance and the instance not destroyed since
 * (a later re-run may have failed): there is a host to check, back up, upgrade or test.
 */
export function hasReachedRunning(position: Position): boolean {
  return position.reached === 'running' && position.state !== 'destroyed';
}

/** The stages `deploy` still has to run from this position, in order. */
export function remainingStages(position: Position): Stage[] {
  if (position.state === 'destroying' || position.state === 'destroy_failed') return [];
  const reached = position.state === 'destroyed' ? 'created' : position.reached;
  return STAGES.filter((stage) => rankOf(STAGE_STATES[stage].done as SettledState) > rankOf(reached));
}

export function describeState(position: Position): string {
  return position.state === position.reached ? position.state : `${position.state} (reached: ${position.reached})`;
}

/** Where the host of an environment stands before any stage ran: an existing host may have its address in the config. */
export interface HostOrigin {
  readonly existing: boolean;
  /** provider.host of an existing host, or the recorded address. */
  readonly address?: string | undefined;
}

/** What to do next, as `show` prints it. */
export function nextStepHint(position: Position, environment: string, host: HostOrigin = { existing: false }): string {
  const { state } = position;
  if (isFailed(state)) {
    const stage = (Object.keys(STAGE_STATES) as Stage[]).find((candidate) => STAGE_STATES[candidate].failed === state) ?? 'provision';
    return `${stage} failed; fix the cause, then run ttd ${STAGE_COMMAND[stage]} ${environment} again (or ttd deploy ${environment}): it resumes`;
  }
  if (isTransient(state)) return `a command was interrupted while ${state}; run ttd deploy ${environment} to resume (or the same command again)`;
  switch (state) {
    case 'created':
      if (host.existing && host.address !== undefined) return `run ttd deploy ${environment}: it connects to ${host.address} over SSH (ttd provision ${environment} checks SSH alone)`;
      if (host.existing) return `run ttd register ${environment} --instance-ip IP (or set provider.host in the config), then ttd deploy ${environment}`;
      return `run ttd provision ${environment} (or ttd register ${environment} --instance-ip IP for an existing host), or ttd deploy ${environment}`;
    case 'provisioned':
      return `run ttd configure ${environment}, or ttd deploy ${environment}`;
    case 'configured':
      return `run ttd release ${environment}, or ttd deploy ${environment}`;
    case 'released':
      return `run ttd run ${environment}, or ttd deploy ${environment}`;
    case 'running':
      return `services are running; check them with ttd test ${environment}`;
    case 'destroyed':
      return `remove the local data with ttd purge ${environment}, or create the instance again with ttd deploy ${environment}`;
  }
  return '';
}
