import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { CommandContext, CommandHandler } from '../cli/context.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { DeployerError } from '../domain/errors.js';
import { dnsRecordLines } from '../domain/dns-records.js';
import { serviceUrlLines } from '../domain/service-urls.js';
import { deployPlan } from '../plan/build.js';
import { configChange, describeConfigChange } from '../plan/config-change.js';
import type { NdjsonWriter } from '../output/ndjson-sink.js';
import type { Plan } from '../plan/types.js';
import { BUILT_IN, withGaps } from '../run/implementations.js';
import { addressFromConfig } from '../domain/instance-address.js';
import { printDryRun, runPlanCommand } from '../run/plan-command.js';
import { planPreflight } from '../run/preflight.js';
import { lockWaitOf, withJsonResult } from '../run/session.js';
import { runSmokeTest } from '../run/smoke-test.js';
import { newEnvironmentRecord, type EnvironmentRecord } from '../state/environment-record.js';
import { configFromRecord, secretsOf } from '../state/snapshot-config.js';
import { createEnvironmentRecord, readEnvironmentRecord, requireEnvironmentRecord } from '../state/store.js';
import { durationsLine } from '../output/durations.js';
import { loadValidConfig } from './load-valid-config.js';
import { isConfigFile } from './config-file-argument.js';
import { acceptHostKeyOption, hostAccessJson } from './host-access.js';
import { dnsGateOf } from './dns-gate-options.js';
import { hasReachedRunning } from '../domain/states.js';

/**
 * `deploy ENV-or-FILE`: create → provision (or register) → configure → release
 * → run → test, from wherever the environment stands. Given a file, it creates
 * the environment (or records the edited config of an existing one) first.
 */
const deploy: CommandHandler = async (context, input) =>
  withJsonResult(context, 'deploy', async (json) => {
    const target = input.args['env-or-file'] ?? '';
    const lockWaitSeconds = lockWaitOf(input);
    const dns = dnsGateOf(input, context.interactive);
    const source = isConfigFile(target) ? await fromFile(context, resolve(target)) : await fromEnvironment(context, target);
    const { config, secrets, record, isNew, configChanged } = source;
    const deployed = !isNew && record.reached !== 'created';
    const reapply = deployed && source.previousConfig !== undefined;
    if (reapply) reportConfigChange(context, json, record, source.previousConfig!, config);
    else if (hasReachedRunning(record)) context.output.info(`Nothing to change: '${record.name}' already runs this config; checking the host: each step is skipped when already so, and whatever drifted is put back.`);
    const build = (current: EnvironmentRecord): Plan => {
      const artifacts = BUILT_IN.artifacts(config, current);
      const plan = deployPlan({ config, record: current, artifacts, reapply, dns });
      return withGaps(plan, config, current);
    };
    const plan = build(record);
    await planPreflight({ workingDir: context.workingDir, command: 'deploy', plan, config, position: record, registered: !isNew, configFile: record.config.source_file, unsetVariables: source.unsetVariables, lockWaitSeconds });
    if (context.dryRun) {
      if (isNew) context.output.info(`(dry run) would create environment '${record.name}' in data/${record.name}/ first`);
      return printDryRun(context, plan, BUILT_IN.provider(config));
    }

    if (isNew && !(await createEnvironmentRecord(context.workingDir, record))) {
      // Created by someone else since we looked: deploy it as it stands.
      await requireEnvironmentRecord(context.workingDir, record.name);
    }
    let smokeSeconds: number | undefined;
    const result = await runPlanCommand(context, json, {
      command: 'deploy',
      environment: record.name,
      secrets,
      plan: build,
      ...(configChanged ? { update: (current: EnvironmentRecord) => ({ ...current, config: record.config }) } : {}),
      provider: BUILT_IN.provider(config),
      connect: BUILT_IN.connect(config, record, acceptHostKeyOption(input)),
      fallbackAddress: addressFromConfig(config),
      lockWaitSeconds,
      finish: async (done) => {
        const address = done.record.instance.address ?? addressFromConfig(config);
        if (!address) return hostAccessJson(config, done.record);
        const started = performance.now();
        const smoke = await runSmokeTest(context, json, config, address);
        smokeSeconds = (performance.now() - started) / 1000;
        return { ...hostAccessJson(config, done.record), smoke };
      },
    });
    const durations = [...result.durations, ...(smokeSeconds === undefined ? [] : [{ stage: 'smoke test', seconds: smokeSeconds }])];
    context.output.success(`Environment '${record.name}' is ${result.record.state}`);
    const records = dnsRecordLines(config, result.record.instance.address);
    context.output.result(['Services:', ...serviceUrlLines(config, result.record.instance.address), ...(records.length > 0 ? ['', ...records] : []), '', durationsLine(durations), `Next: ttd show ${record.name} for everything else`].join('\n'));
    return 0;
  });

/**
 * An edited config on a deployed environment: says what will change on the host, or
 * refuses (changing nothing) when only a new instance can apply the edit.
 */
function reportConfigChange(context: CommandContext, json: NdjsonWriter | undefined, record: EnvironmentRecord, before: EnvironmentConfig, after: EnvironmentConfig): void {
  const change = configChange(before, after, BUILT_IN.artifacts(before, record), BUILT_IN.artifacts(after, record));
  if (change.needsNewInstance.length > 0) {
    const name = record.name;
    throw new DeployerError('config.needs_new_instance', `The edited config changes ${change.needsNewInstance.join(', ')}, which only a new instance can apply; '${name}' was left as it is`, {
      where: record.config.source_file,
      fix: `either undo that edit, or back up (ttd backup ${name}), then ttd destroy ${name} and ttd deploy ${record.config.source_file} to build a new instance (a new address: update DNS)`,
      data: { keys: change.needsNewInstance },
    });
  }
  if (json) json.line({ type: 'config.changed', environment: record.name, services: change.services, files: change.files });
  else context.output.info(describeConfigChange(change).join('\n'));
}

interface Source {
  /** The config the environment was deployed with, when the file given differs from it. */
  readonly previousConfig?: EnvironmentConfig;
  readonly config: EnvironmentConfig;
  readonly secrets: readonly string[];
  readonly record: EnvironmentRecord;
  readonly isNew: boolean;
  readonly configChanged: boolean;
  /** ${VAR} references of the recorded config that this shell does not set. */
  readonly unsetVariables: readonly string[];
}


async function fromFile(context: CommandContext, file: string): Promise<Source> {
  const loaded = await loadValidConfig(context, file, { connects: true });
  const name = loaded.config.environment.name;
  const snapshot = { source_file: file, format: loaded.document.format, snapshot: loaded.document.data };
  const secrets = secretsOf(loaded.config, loaded.secretsFile);
  const existing = await readEnvironmentRecord(context.workingDir, name);
  if (existing) {
    const contentChanged = !sameData(existing.config.snapshot, snapshot.snapshot);
    const configChanged = contentChanged || existing.config.source_file !== file;
    return {
      ...(contentChanged ? { previousConfig: configFromRecord(existing, context.env).config } : {}),
      config: loaded.config,
      secrets,
      record: configChanged ? { ...existing, config: snapshot } : existing,
      isNew: false,
      configChanged,
      unsetVariables: [],
    };
  }
  const record = newEnvironmentRecord({ name, createdAt: new Date().toISOString(), command: 'deploy (create environment)', config: snapshot });
  return { config: loaded.config, secrets, record, isNew: true, configChanged: false, unsetVariables: [] };
}

/** Equal as data: TOML tables come without a prototype, the stored snapshot is plain JSON. */
function sameData(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}

async function fromEnvironment(context: CommandContext, name: string): Promise<Source> {
  const record = await requireEnvironmentRecord(context.workingDir, name);
  const { config, secrets, unsetVariables } = configFromRecord(record, context.env);
  return { config, secrets, record, isNew: false, configChanged: false, unsetVariables };
}

export default deploy;
