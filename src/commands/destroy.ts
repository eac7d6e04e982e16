import type { CommandHandler } from '../cli/context.js';
import { destroyEnvironmentPlan } from '../plan/build.js';
import { BUILT_IN, withGaps } from '../run/implementations.js';
import { confirmOrRefuse } from '../run/confirm.js';
import { printDryRun, runPlanCommand } from '../run/plan-command.js';
import { planPreflight } from '../run/preflight.js';
import { lockWaitOf, withJsonResult } from '../run/session.js';
import { configFromRecord } from '../state/snapshot-config.js';
import { requireEnvironmentRecord } from '../state/store.js';

/**
 * `destroy ENV`: deletes the instance and every resource recorded for it. It
 * reads everything from the state (the config snapshot and the resource ids),
 * so the config file may be long gone.
 */
const destroy: CommandHandler = async (context, input) =>
  withJsonResult(context, 'destroy', async (json) => {
    const name = input.args['env'] ?? '';
    const lockWaitSeconds = lockWaitOf(input);
    const record = await requireEnvironmentRecord(context.workingDir, name);
    const { config, secrets, unsetVariables } = configFromRecord(record, context.env);
    const build = (current: typeof record) => {
      const plan = destroyEnvironmentPlan({ config, record: current, artifacts: undefined });
      return withGaps(plan, config, current);
    };
    const plan = build(record);
    await planPreflight({ workingDir: context.workingDir, command: 'destroy', plan, config, position: record, registered: true, configFile: record.config.source_file, unsetVariables, lockWaitSeconds });
    if (context.dryRun) return printDryRun(context, plan, BUILT_IN.provider(config));
    if (input.options['yes'] !== true) {
      await confirmOrRefuse(context, `Destroy environment '${name}' (${config.provider.provider}${record.instance.address ? `, ${record.instance.address}` : ''}) and everything created for it?`, '--yes');
    }
    const result = await runPlanCommand(context, json, {
      command: 'destroy',
      environment: name,
      secrets,
      plan: build,
      provider: BUILT_IN.provider(config),
      connect: undefined,
      fallbackAddress: undefined,
      lockWaitSeconds,
    });
    context.output.success(`Environment '${name}' destroyed`);
    context.output.result(config.provider.provider === 'existing'
      ? `The host was registered, not created, so it is left as it is.\nNext: ttd purge ${name} to remove the local data`
      : `Next: ttd purge ${name} to remove the local data (state: ${result.record.state})`);
    return 0;
  });

export default destroy;
