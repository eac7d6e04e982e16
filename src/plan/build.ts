import type { EnvironmentConfig } from '../config/schema.js';
import { addressFromConfig } from '../domain/instance-address.js';
import { hasReachedRunning, remainingStages, STAGES, type Position, type Stage } from '../domain/states.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import { configurePlan, destroyPlan, provisionPlan, releasePlan, runPlan, testPlan, type RenderedFile } from './stages.js';
import type { DnsGateOptions, Plan, StagePlan } from './types.js';

export interface PlanInputs {
  readonly config: EnvironmentConfig;
  readonly record: EnvironmentRecord;
  /** The rendered artifacts `release` uploads; undefined while no renderer is available. */
  readonly artifacts: readonly RenderedFile[] | undefined;
  /** --dns-wait and --skip-dns-wait; without them the gate asks once. */
  readonly dns?: DnsGateOptions;
}

export function stagePlan(stage: Stage | 'test', inputs: PlanInputs): StagePlan {
  switch (stage) {
    case 'provision':
      return provisionPlan(inputs.config, inputs.record);
    case 'configure':
      return configurePlan(withRecordedSshPort(inputs.config, inputs.record));
    case 'release':
      return releasePlan(inputs.config, inputs.artifacts, inputs.record.name);
    case 'run':
      return runPlan(inputs.config, inputs.record.instance.address ?? addressFromConfig(inputs.config), inputs.dns);
    case 'test':
      return testPlan(inputs.config);
    case 'destroy':
      return destroyPlan(inputs.config, inputs.record);
  }
}

/**
 * A host registered with --ssh-port listens there, not on the config's port: the
 * firewall must let that port in, or the next connection is locked out.
 */
function withRecordedSshPort(config: EnvironmentConfig, record: EnvironmentRecord): EnvironmentConfig {
  const port = record.instance.ssh_port;
  return port === undefined || port === config.ssh_credentials.port ? config : { ...config, ssh_credentials: { ...config.ssh_credentials, port } };
}

/**
 * Everything from where the environment stands to a running, tested tracker. The stages
 * already done that follow the config (configure, release, run) run again when the config
 * was edited after deploying (`reapply`) and on every deployed environment: each step
 * skips what is already so, so an unchanged host is only checked, and whatever drifted
 * (a package removed, a file changed, a firewall rule deleted, a container stopped) is
 * put back; release uploads only changed files and compose recreates only changed services.
 */
export function deployPlan(inputs: PlanInputs & { readonly reapply?: boolean }): Plan {
  const position: Position = inputs.record;
  const remaining = remainingStages(position);
  const followConfig: readonly Stage[] = hasReachedRunning(position) || (inputs.reapply && position.reached !== 'created') ? ['configure', 'release', 'run'] : [];
  const stages = STAGES.filter((stage) => remaining.includes(stage) || followConfig.includes(stage));
  return { environment: inputs.record.name, command: 'deploy', stages: [...stages, 'test' as const].map((stage) => stagePlan(stage, inputs)), gaps: [] };
}

export function destroyEnvironmentPlan(inputs: PlanInputs): Plan {
  return { environment: inputs.record.name, command: 'destroy', stages: [stagePlan('destroy', inputs)], gaps: [] };
}
