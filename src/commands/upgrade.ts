import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandContext, CommandHandler } from '../cli/context.js';
import { displayPath } from '../paths.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { DeployerError } from '../domain/errors.js';
import type { RenderedFile } from '../plan/stages.js';
import { PREPARE_UPGRADE_STEP, UPLOAD_COMPOSE_STEP, upgradePlan } from '../plan/day-two.js';
import { checkedServices, COMPOSE_FILE, imageChanges, otherChanges, PREVIOUS_COMPOSE, type ImageChange, type UpgradeTarget } from '../remote/steps/upgrade.js';
import { BUILT_IN } from '../run/implementations.js';
import { addressFromConfig } from '../domain/instance-address.js';
import { interruptedError, knownCause, runOperation } from '../run/operation.js';
import { printDryRun } from '../run/plan-command.js';
import { preflight } from '../run/preflight.js';
import { lockWaitOf, withJsonResult } from '../run/session.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import { configFromRecord } from '../state/snapshot-config.js';
import { requireEnvironmentRecord } from '../state/store.js';
import { DAY_TWO_CONNECT_DEADLINE_MS } from './backup.js';
import { loadValidConfig } from './load-valid-config.js';
import { reasonOf, rollbackOf, type Rollback } from './restore.js';
import { isConfigFile } from './config-file-argument.js';
import { hasReachedRunning } from '../domain/states.js';

/** How long `up --wait` and the health check may take, each (the tracker's start period and retries fit well inside). */
export const UPGRADE_WAIT_SECONDS = 180;

/** The steps that change nothing the stack uses: a failure there leaves it as it was. */
const CHANGES_NOTHING_LIVE = new Set([PREPARE_UPGRADE_STEP, UPLOAD_COMPOSE_STEP, 'check-compose', 'pull-images']);


interface Plan {
  readonly name: string;
  readonly file: string;
  readonly record: EnvironmentRecord;
  readonly before: EnvironmentConfig;
  readonly after: EnvironmentConfig;
  readonly snapshot: EnvironmentRecord['config'];
  readonly secrets: readonly string[];
  readonly address: string;
  readonly changes: readonly ImageChange[];
  readonly compose: RenderedFile & { host: NonNullable<RenderedFile['host']> };
}

const changeJson = (change: ImageChange) => ({ service: change.service, from: change.from, to: change.to });

/**
 * The environment and the config to upgrade it to: `upgrade FILE` reads that
 * file, `upgrade ENV` the file the environment was deployed from (its recorded
 * source). Refuses (exit 2, nothing changed) unless the only difference from the
 * recorded config is the image of one or more deployed services.
 */
async function planUpgrade(context: CommandContext, target: string, lockWaitSeconds: number): Promise<Plan> {
  const fromFile = isConfigFile(target);
  let record = fromFile ? undefined : await requireEnvironmentRecord(context.workingDir, target);
  const file = fromFile ? resolve(target) : record!.config.source_file;
  if (!fromFile && !existsSync(file)) {
    throw new DeployerError('config.file_unreadable', `upgrade ${target} reads the new image tags from the config '${target}' was deployed from, ${displayPath(file)}, which no longer exists`, {
      where: displayPath(file),
      fix: `pass the config file with the new [images] tags: ttd upgrade path/to/${target}.toml`,
    });
  }
  // The dry run checks as the real upgrade does: a key file that is gone is an error for both.
  const loaded = await loadValidConfig(context, file, { connects: true });
  const after = loaded.config;
  const name = after.environment.name;
  if (record && name !== record.name) {
    throw new DeployerError('usage.invalid', `${displayPath(file)} is now the config of environment '${name}', not '${record.name}'`, {
      where: `${displayPath(file)} (environment.name)`,
      fix: `put environment.name = "${record.name}" back, or upgrade '${name}' with ttd upgrade ${name}`,
    });
  }
  record ??= await requireEnvironmentRecord(context.workingDir, name);
  const address = record.instance.address ?? addressFromConfig(after);
  if (!address || !hasReachedRunning(record)) {
    throw new DeployerError('environment.wrong_state', `upgrade needs a deployed, running environment; '${name}' is ${record.state}${address ? '' : ' and has no instance address yet'}`, {
      where: `data/${name}/environment.json`,
      fix: `deploy it first: ttd deploy ${displayPath(file)} (it runs the images the config names)`,
    });
  }
  const recorded = configFromRecord(record, context.env);
  const before = recorded.config;
  const changes = imageChanges(before, after);
  const others = otherChanges(before, after);
  const rerun = `ttd deploy ${displayPath(file)}`;
  if (others.length > 0) {
    throw new DeployerError('upgrade.other_changes', `${displayPath(file)} changes more than image tags: ${others.join(', ')}${changes.length > 0 ? ` (besides ${changes.map((change) => `images.${change.service}`).join(', ')})` : ''}; upgrade only moves services to new images, so '${name}' was left as it is`, {
      where: displayPath(file),
      fix: `apply the whole edit with ${rerun} (it shows what changes on the host), or undo the other edits and run ttd upgrade again`,
      data: { keys: others, images: changes.map(changeJson) },
    });
  }
  const deployed = changes.filter((change) => change.deployed);
  if (deployed.length === 0) {
    const undeployed = changes.map((change) => `images.${change.service}`);
    throw new DeployerError('upgrade.no_image_change', undeployed.length > 0
      ? `${displayPath(file)} changes ${undeployed.join(', ')}, but '${name}' does not run ${changes.length === 1 ? 'that service' : 'those services'}: there is nothing to upgrade`
      : `The images in ${displayPath(file)} are the ones '${name}' already runs: ${imageList(after)}`, {
      where: `${displayPath(file)} ([images])`,
      fix: undeployed.length > 0
        ? `record the edit with ${rerun}`
        : `set a new tag in the [images] section (for example tracker = "torrust/tracker:v4.0.0"), then run ttd upgrade ${name}`,
      data: { images: changes.map(changeJson) },
    });
  }
  // The artifacts rendered exactly as release renders them: only docker-compose.yml may differ.
  const filesBefore = BUILT_IN.artifacts(before, record);
  const filesAfter = BUILT_IN.artifacts(after, record);
  const onHost = (files: readonly RenderedFile[]) => new Map(files.flatMap((file) => (file.host ? [[file.host.path, file.content] as const] : [])));
  const [old, next] = [onHost(filesBefore), onHost(filesAfter)];
  const otherFiles = [...new Set([...old.keys(), ...next.keys()])].filter((path) => path !== COMPOSE_FILE && old.get(path) !== next.get(path)).sort();
  if (otherFiles.length > 0) {
    throw new DeployerError('upgrade.other_changes', `The new images change ${otherFiles.join(', ')} on the host, not only ${COMPOSE_FILE}; '${name}' was left as it is`, {
      where: displayPath(file),
      fix: `apply it with ${rerun}`,
      data: { files: otherFiles, images: changes.map(changeJson) },
    });
  }
  await preflight(context.workingDir, name, after, context.env, { waitSeconds: lockWaitSeconds });
  const compose = filesAfter.find((candidate) => candidate.host?.path === COMPOSE_FILE);
  if (!compose?.host) throw new DeployerError('internal', `The render has no ${COMPOSE_FILE}`);
  const snapshot = { source_file: file, format: loaded.document.format, snapshot: loaded.document.data };
  const secrets = configFromRecord({ ...record, config: snapshot }, context.env).secrets;
  return { name, file, record, before, after, snapshot, secrets: [...new Set([...recorded.secrets, ...secrets])], address, changes: deployed, compose: { ...compose, host: compose.host } };
}

function imageList(config: EnvironmentConfig): string {
  const { registry_mirror: _mirror, ...images } = config.images;
  return Object.entries(images).map(([service, image]) => `${service} = ${image}`).join(', ');
}

/** The error for an upgrade that did not succeed. */
export function upgradeError(name: string, changes: readonly ImageChange[], outcome: Rollback): DeployerError {
  const failed = outcome.failed;
  const { reason, diagnosis } = reasonOf(failed);
  const undoFailures = outcome.undoFailures.map((failure) => ({ step: failure.step, ...reasonOf(failure) }));
  const data = {
    step: failed.step,
    reason,
    ...(diagnosis.length > 0 ? { diagnosis } : {}),
    images: changes.map(changeJson),
    undo_failures: undoFailures.map(({ step, reason: why }) => ({ step, reason: why })),
  };
  const where = `upgrade step ${failed.step} (${failed.title})`;
  const images = changes.map((change) => `${change.service} ${change.to}`).join(', ');
  const diagnosisText = diagnosis.length > 0 ? `\n  ${diagnosis.join('\n  ')}` : '';
  const rollback = undoFailures.find(({ step }) => step === 'swap-compose');
  if (rollback) {
    const rollbackDiagnosis = rollback.diagnosis.length > 0 ? `\n  ${rollback.diagnosis.join('\n  ')}` : '';
    return new DeployerError('upgrade.rollback_failed', `Upgrading '${name}' to ${images} failed at "${failed.title}": ${reason}${diagnosisText}\n  Going back to the previous images failed too: ${rollback.reason}${rollbackDiagnosis}`, {
      where,
      fix: `the previous docker-compose.yml is kept on the host in ${PREVIOUS_COMPOSE}: look at the services (ttd status ${name}, ttd logs ${name} tracker --tail 50), put it back by hand (cp it to ${COMPOSE_FILE}, then docker compose up -d in /opt/torrust) and remove it; a later upgrade refuses to start while it is there`,
      data: { ...data, rolled_back: false },
    });
  }
  const nothingLive = CHANGES_NOTHING_LIVE.has(failed.step);
  const after = nothingLive
    ? 'Nothing was changed: the services kept running their previous images.'
    : 'The previous docker-compose.yml is back and the services run their previous images again (healthy).';
  const fix = failed.step === 'pull-images'
    ? `check the image names and tags in [images] (does the registry have them?), then run ttd upgrade ${name} again`
    : `read the reason${diagnosis.length > 0 ? ' and the last log lines' : ''} above; fix the image or go back to the previous tag in the config`;
  return new DeployerError('upgrade.failed', `Upgrading '${name}' to ${images} failed at "${failed.title}": ${reason}${diagnosisText}\n  ${after}`, {
    where,
    fix,
    data: { ...data, rolled_back: !nothingLive },
  });
}

/**
 * `upgrade ENV-or-FILE`: moves the services whose image tag changed in the config
 * to their new images: uploads the docker-compose.yml release renders for the new
 * config, pulls the new images, restarts those services and waits for the tracker
 * (and each of them) to be healthy. A failure puts the previous docker-compose.yml
 * back and starts the services on their previous images; the environment keeps
 * its previous config. On success the new config is recorded.
 */
const upgrade: CommandHandler = async (context, input) =>
  withJsonResult(context, 'upgrade', async (json) => {
    const target = input.args['env-or-file'] ?? '';
    const lockWaitSeconds = lockWaitOf(input);
    const plan = await planUpgrade(context, target, lockWaitSeconds);
    const { name, changes } = plan;
    const upgradeTarget: UpgradeTarget = { services: changes.map((change) => change.service), waitSeconds: UPGRADE_WAIT_SECONDS };
    const steps = upgradePlan(name, upgradeTarget, plan.compose, changes.map((change) => `${change.service}: ${change.from} → ${change.to}`));

    if (context.dryRun) return printDryRun(context, steps);

    const { result, logFile } = await runOperation(context, {
      command: 'upgrade',
      environment: name,
      secrets: plan.secrets,
      connect: BUILT_IN.connect(plan.after, plan.record, { connectDeadlineMs: DAY_TWO_CONNECT_DEADLINE_MS }),
      address: plan.address,
      lockWaitSeconds,
      plan: () => steps,
      // Only a healthy upgrade records the new config: after a failure `show` still reports the images that run.
      afterSuccess: (record) => ({ ...record, config: plan.snapshot }),
    });
    const rollback = rollbackOf(result);
    if (rollback) {
      const cause = CHANGES_NOTHING_LIVE.has(rollback.failed.step) ? knownCause(result.stopped?.cause) : undefined;
      if (cause) throw cause;
      if (result.outcome === 'interrupted' && rollback.undoFailures.length === 0) throw interruptedError(`The upgrade of '${name}'`, logFile);
      throw upgradeError(name, changes, result.outcome === 'interrupted' ? { ...rollback, failed: { ...rollback.failed, error: 'stopped by Ctrl-C before this step', output: [] } } : rollback);
    }
    const services = checkedServices(upgradeTarget);
    json?.line({ type: 'result', ok: true, exit_code: 0, command: 'upgrade', environment: name, images: changes.map(changeJson), healthy: services, warnings: result.warnings.map(({ step, error }) => ({ step, reason: error })), log_file: logFile ?? null });
    context.output.success(`Upgraded '${name}': ${services.join(', ')} healthy`);
    context.output.result(['Now running:', ...changes.map((change) => `  ${change.service}: ${change.to}`)].join('\n'));
    return 0;
  });

export default upgrade;
