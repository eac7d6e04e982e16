import type { CommandHandler, CommandInput } from '../cli/context.js';
import { stagePlan } from '../plan/build.js';
import type { Plan } from '../plan/types.js';
import { BUILT_IN, withGaps } from '../run/implementations.js';
import { type LifecycleResult } from '../run/lifecycle.js';
import { addressFromConfig } from '../domain/instance-address.js';
import { printDryRun, runPlanCommand } from '../run/plan-command.js';
import { planPreflight } from '../run/preflight.js';
import { lockWaitOf, withJsonResult } from '../run/session.js';
import { dnsRecordLines } from '../domain/dns-records.js';
import { serviceUrlLines } from '../domain/service-urls.js';
import type { Stage } from '../domain/states.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import { configFromRecord } from '../state/snapshot-config.js';
import { requireEnvironmentRecord } from '../state/store.js';
import { acceptHostKeyOption, hostAccessJson } from './host-access.js';
import { dnsGateOf } from './dns-gate-options.js';

export interface StageCommandOptions {
  /** The command as typed, when it is not the stage's own (register runs the provision stage). */
  readonly command?: string;
  /** A change to the state the command records first (register: the host's address). */
  readonly update?: (input: CommandInput) => (record: EnvironmentRecord) => EnvironmentRecord;
}

/**
 * `provision`, `configure`, `release` and `run` (and `register`): one stage of
 * the pipeline for a registered environment, through the same lifecycle as
 * deploy: state checks, lock, resume, events, --dry-run.
 */
export function stageCommand(stage: Exclude<Stage, 'destroy'>, options: StageCommandOptions = {}): CommandHandler {
  const command = options.command ?? stage;
  return async (context, input) =>
    withJsonResult(context, command, async (json) => {
      const name = input.args['env'] ?? '';
      const lockWaitSeconds = lockWaitOf(input);
      const dns = stage === 'run' ? dnsGateOf(input, context.interactive) : undefined;
      const update = options.update?.(input);
      const stored = await requireEnvironmentRecord(context.workingDir, name);
      const { config, secrets, unsetVariables } = configFromRecord(stored, context.env);
      const build = (record: EnvironmentRecord): Plan => {
        const artifacts = stage === 'release' ? BUILT_IN.artifacts(config, record) : undefined;
        const plan: Plan = { environment: name, command, stages: [stagePlan(stage, { config, record, artifacts, ...(dns ? { dns } : {}) })], gaps: [] };
        return withGaps(plan, config, record);
      };
      const current = update ? update(stored) : stored;
      const plan = build(current);
      await planPreflight({ workingDir: context.workingDir, command, plan, config, position: current, registered: true, configFile: stored.config.source_file, unsetVariables, lockWaitSeconds });
      if (context.dryRun) return printDryRun(context, plan, BUILT_IN.provider(config));

      const result = await runPlanCommand(context, json, {
        command,
        environment: name,
        secrets,
        plan: build,
        ...(update ? { update } : {}),
        provider: BUILT_IN.provider(config),
        // register's --ssh-port must reach the connection, not only the state.
        connect: BUILT_IN.connect(config, current, acceptHostKeyOption(input)),
        fallbackAddress: addressFromConfig(config),
        lockWaitSeconds,
        ...(stage === 'provision' || stage === 'run' ? { finish: async (done: LifecycleResult) => hostAccessJson(config, done.record) } : {}),
      });
      context.output.success(`Environment '${name}' is ${result.record.state}`);
      const address = result.record.instance.address;
      if (stage === 'run') context.output.result(['Services:', ...serviceUrlLines(config, address)].join('\n'));
      if (stage === 'provision' || stage === 'run') {
        const records = dnsRecordLines(config, address);
        if (records.length > 0) context.output.result(records.join('\n'));
      }
      return 0;
    });
}
