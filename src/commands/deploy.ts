import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { CommandContext, CommandHandler } from '../cli/context.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { DeployerError } from '../domain/errors.js';
import { serviceUrlLines } from '../domain/service-urls.js';
import { deployPlan } from '../plan/build.js';
import type { Plan } from '../plan/types.js';
import { BUILT_IN, withGaps } from '../run/implementations.js';
import { addressFromConfig } from '../run/lifecycle.js';
import { printDryRun, refuseGaps, runPlanCommand } from '../run/plan-command.js';
import { lockWaitOf, withJsonResult } from '../run/session.js';
import { runSmokeTest } from '../run/smoke-test.js';
import { newEnvironmentRecord, type EnvironmentRecord } from '../state/environment-record.js';
import { configFromRecord } from '../state/snapshot-config.js';
import { createEnvironmentRecord, readEnvironmentRecord, requireEnvironmentRecord } from '../state/store.js';
import { loadValidConfig } from './load-valid-config.js';

/**
 * `deploy ENV-or-FILE`: create → provision (or register) → configure → release
 * → run → test, from wherever the environment stands. Given a file, it creates
 * the environment (or records the edited config of an existing one) first.
 */
const deploy: CommandHandler = async (context, input) =>
  withJsonResult(context, 'deploy', async (json) => {
    const target = input.args['env-or-file'] ?? '';
    const lockWaitSeconds = lockWaitOf(input);
    const source = isConfigFile(target) ? await fromFile(context, resolve(target)) : await fromEnvironment(context, target);
    const { config, secrets, record, isNew, configChanged } = source;
    const build = (current: EnvironmentRecord): Plan => {
      const artifacts = BUILT_IN.artifacts(config, current);
      const plan = deployPlan({ config, record: current, artifacts });
      return withGaps(plan, config, current);
    };
    const plan = build(record);
    if (context.dryRun) {
      if (isNew) context.output.info(`(dry run) would create environment '${record.name}' in data/${record.name}/ first`);
      return printDryRun(context, json, 'deploy', plan);
    }
    refuseGaps('deploy', plan);

    if (isNew && !(await createEnvironmentRecord(context.workingDir, record))) {
      // Created by someone else since we looked: deploy it as it stands.
      await requireEnvironmentRecord(context.workingDir, record.name);
    }
    const result = await runPlanCommand(context, json, {
      command: 'deploy',
      environment: record.name,
      secrets,
      plan: build,
      ...(configChanged ? { update: (current: EnvironmentRecord) => ({ ...current, config: record.config }) } : {}),
      provider: BUILT_IN.provider(config),
      connect: BUILT_IN.connect(config, record),
      fallbackAddress: addressFromConfig(config),
      lockWaitSeconds,
      finish: async (done) => {
        const address = done.record.instance.address ?? addressFromConfig(config);
        return address ? { smoke: await runSmokeTest(context, json, config, address) } : {};
      },
    });
    context.output.success(`Environment '${record.name}' is ${result.record.state}`);
    context.output.result(['Services:', ...serviceUrlLines(config, result.record.instance.address), '', `Next: ttd show ${record.name} for everything else`].join('\n'));
    return 0;
  });

interface Source {
  readonly config: EnvironmentConfig;
  readonly secrets: readonly string[];
  readonly record: EnvironmentRecord;
  readonly isNew: boolean;
  readonly configChanged: boolean;
}

/** A path (it has a slash or a config extension, or names an existing file) rather than an environment name. */
function isConfigFile(target: string): boolean {
  if (/[\\/]/.test(target) || /\.(toml|json)$/i.test(target)) return true;
  return existsSync(target) && statSync(target).isFile();
}

async function fromFile(context: CommandContext, file: string): Promise<Source> {
  const loaded = await loadValidConfig(context, file, { connects: !context.dryRun });
  const name = loaded.config.environment.name;
  const snapshot = { source_file: file, format: loaded.document.format, snapshot: loaded.document.data };
  const secrets = configFromRecord(newEnvironmentRecord({ name, createdAt: '', command: '', config: snapshot }), context.env).secrets;
  const existing = await readEnvironmentRecord(context.workingDir, name);
  if (existing) {
    const configChanged = !isDeepStrictEqual(existing.config.snapshot, snapshot.snapshot) || existing.config.source_file !== file;
    return { config: loaded.config, secrets, record: configChanged ? { ...existing, config: snapshot } : existing, isNew: false, configChanged };
  }
  const record = newEnvironmentRecord({ name, createdAt: new Date().toISOString(), command: 'deploy (create environment)', config: snapshot });
  return { config: loaded.config, secrets, record, isNew: true, configChanged: false };
}

async function fromEnvironment(context: CommandContext, name: string): Promise<Source> {
  const record = await requireEnvironmentRecord(context.workingDir, name);
  const { config, secrets, unsetVariables } = configFromRecord(record, context.env);
  if (unsetVariables.length > 0 && !context.dryRun) {
    throw new DeployerError('config.invalid', `The config of '${name}' needs ${unsetVariables.join(', ')}, which ${unsetVariables.length === 1 ? 'is' : 'are'} not set`, {
      where: record.config.source_file,
      fix: `export ${unsetVariables.map((variable) => `${variable}=...`).join(' ')} and run it again`,
    });
  }
  return { config, secrets, record, isNew: false, configChanged: false };
}

export default deploy;
