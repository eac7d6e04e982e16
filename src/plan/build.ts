import type { EnvironmentConfig } from '../config/schema.js';
import { remainingStages, type Position, type Stage } from '../domain/states.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import { configurePlan, destroyPlan, provisionPlan, releasePlan, runPlan, testPlan, type RenderedFile } from './stages.js';
import type { Plan, StagePlan } from './types.js';

export interface PlanInputs {
  readonly config: EnvironmentConfig;
  readonly record: EnvironmentRecord;
  /** The rendered artifacts `release` uploads; undefined while no renderer is available. */
  readonly artifacts: readonly RenderedFile[] | undefined;
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
      return runPlan();
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

/** Everything from where the environment stands to a running, tested tracker. */
export function deployPlan(inputs: PlanInputs): Plan {
  const position: Position = inputs.record;
  const stages = [...remainingStages(position), 'test' as const].map((stage) => stagePlan(stage, inputs));
  return { environment: inputs.record.name, command: 'deploy', stages, gaps: [] };
}

export function destroyEnvironmentPlan(inputs: PlanInputs): Plan {
  return { environment: inputs.record.name, command: 'destroy', stages: [stagePlan('destroy', inputs)], gaps: [] };
}
