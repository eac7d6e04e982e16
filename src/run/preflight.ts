import { access, constants } from 'node:fs/promises';
import type { EnvironmentConfig } from '../config/schema.js';
import { DeployerError, wrongStateError } from '../domain/errors.js';
import { admit, afterSuccess, hasReachedRunning, STAGE_STATES, type Position, type Stage } from '../domain/states.js';
import { allSteps, type Plan } from '../plan/types.js';
import { missingTokenError } from '../providers/hetzner/errors.js';
import { resolveAuth, unreadableKeyError } from '../ssh/private-key.js';
import { assertLockFree } from '../state/lock.js';

export interface PlanPreflightRequest {
  readonly workingDir: string;
  /** The command as typed (for the refusal of a plan with gaps). */
  readonly command: string;
  readonly plan: Plan;
  readonly config: EnvironmentConfig;
  /** Where the environment stands now (after the command's own update, such as register's address). */
  readonly position: Position;
  /** Whether data/<env>/ exists yet: a deploy of a new file has no lock to check. */
  readonly registered: boolean;
  /** Where the config came from, named when a variable it references is not set. */
  readonly configFile: string;
  /** ${VAR} references of the recorded config that this shell does not set. */
  readonly unsetVariables: readonly string[];
  readonly lockWaitSeconds: number;
}

/**
 * Everything a plan command checks before it changes anything, run by the real
 * command and by its --dry-run alike, so a dry run refuses exactly what the real
 * command refuses, with the same error: the lock holder, the state every stage
 * needs, the config's variables, the provider token and the SSH key file, and
 * the pieces this build lacks.
 */
export async function planPreflight(request: PlanPreflightRequest): Promise<void> {
  const { plan, workingDir } = request;
  if (request.registered && request.lockWaitSeconds === 0) await assertLockFree(workingDir, plan.environment);
  refuseWrongState(plan, request.position);
  refuseUnsetVariables(plan, request.configFile, request.unsetVariables);
  refuseMissingToken(plan, request.config);
  await refuseUnreadableKey(plan, request.config);
  refuseGaps(request.command, plan);
}

/** Walks the stages as the run would, each from the state the one before leaves. */
function refuseWrongState(plan: Plan, start: Position): void {
  const environment = plan.environment;
  let position = start;
  for (const stage of plan.stages) {
    if (stage.stage === 'test') {
      if (!hasReachedRunning(position)) throw wrongStateError(environment, `test needs a running environment; '${environment}' is ${position.state}`, `ttd deploy ${environment}`);
      continue;
    }
    // Day-two stages (backup, restore, ...) check their own state; the pipeline's stages are admitted here.
    if (!isStage(stage.stage)) continue;
    const admission = admit(stage.stage, position, environment);
    if (!admission.ok) throw wrongStateError(environment, admission.reason, admission.next);
    position = afterSuccess(stage.stage, position.reached);
  }
}

function isStage(name: string): name is Stage {
  return Object.hasOwn(STAGE_STATES, name);
}

/** A stage that builds or uploads anything needs every variable the config references. */
function refuseUnsetVariables(plan: Plan, configFile: string, unsetVariables: readonly string[]): void {
  if (unsetVariables.length === 0 || plan.stages.every((stage) => stage.stage === 'destroy')) return;
  const name = plan.environment;
  throw new DeployerError('config.invalid', `The config of '${name}' needs ${unsetVariables.join(', ')}, which ${unsetVariables.length === 1 ? 'is' : 'are'} not set`, {
    where: configFile,
    fix: `export ${unsetVariables.map((variable) => `${variable}=...`).join(' ')} and run it again`,
  });
}

function refuseMissingToken(plan: Plan, config: EnvironmentConfig): void {
  if (config.provider.provider !== 'hetzner' || config.provider.api_token) return;
  if (!allSteps(plan).some((step) => step.kind === 'provider')) return;
  throw missingTokenError();
}

async function refuseUnreadableKey(plan: Plan, config: EnvironmentConfig): Promise<void> {
  if (!allSteps(plan).some((step) => step.kind === 'remote' || step.kind === 'upload' || step.kind === 'wait')) return;
  const keyPath = config.ssh_credentials.private_key_path;
  await access(keyPath, constants.R_OK).catch((error: unknown) => {
    throw unreadableKeyError(keyPath, error);
  });
}

/** Refuses a plan that needs pieces this build does not have, before anything changes. */
function refuseGaps(command: string, plan: Plan): void {
  if (plan.gaps.length === 0) return;
  throw new DeployerError('implementation.missing', `${command} cannot run '${plan.environment}' yet: this build lacks ${plan.gaps.length === 1 ? 'one piece' : `${plan.gaps.length} pieces`}: ${plan.gaps.join('; ')}`, {
    fix: 'nothing was changed; provide what is named above and run it again',
    data: { gaps: plan.gaps },
  });
}

/**
 * What a command that acts on the host checks before it acts, run by the real
 * command and by its dry run alike, so both fail with the same error: the SSH
 * key can be used, and (for a command that takes the lock without waiting) no
 * live process holds the lock.
 */
export async function preflight(workingDir: string, environment: string, config: EnvironmentConfig, env: NodeJS.ProcessEnv, lock: { readonly waitSeconds: number } | undefined): Promise<void> {
  await resolveAuth(config.ssh_credentials.private_key_path, env);
  if (lock?.waitSeconds === 0) await assertLockFree(workingDir, environment);
}
