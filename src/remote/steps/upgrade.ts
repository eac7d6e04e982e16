import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_IMAGES, type EnvironmentConfig } from '../../config/schema.js';
import { topologyOf } from '../../domain/topology.js';
import { shellQuote } from '../../shell/quote.js';
import type { RestoreStep } from './backup.js';
import { DEPLOY_DIR, DIAGNOSIS_MARKER } from './step.js';

/**
 * `upgrade`: what an edited config changes in the images, and the command lines
 * run on the host (as root) to move the changed services to their new images,
 * built here and never run here. Each step carries the command that puts back
 * what it changed, as restore's steps do (they run through the same runner).
 */

/** Services whose image the config sets ([images] keys other than registry_mirror). */
export type ImageService = keyof typeof DEFAULT_IMAGES;
export const IMAGE_SERVICES = Object.keys(DEFAULT_IMAGES) as readonly ImageService[];

/** Where upgrade stages the new docker-compose.yml and keeps the previous one until it is done. */
export const UPGRADE_WORK_DIR = `${DEPLOY_DIR}/.ttd-upgrade`;
export const COMPOSE_FILE = `${DEPLOY_DIR}/docker-compose.yml`;
export const STAGED_COMPOSE = `${UPGRADE_WORK_DIR}/docker-compose.yml`;
export const PREVIOUS_COMPOSE = `${UPGRADE_WORK_DIR}/docker-compose.yml.previous`;

/** The backup service is a one-shot job the cron entry runs: its image is pulled, never started. */
const ONE_SHOT: ReadonlySet<string> = new Set(['backup']);

export interface ImageChange {
  readonly service: ImageService;
  readonly from: string;
  readonly to: string;
  /** Whether the environment runs this service (an image of a service it does not deploy changes nothing on the host). */
  readonly deployed: boolean;
}

/** The services whose image differs between the two configs, in [images] order. */
export function imageChanges(before: EnvironmentConfig, after: EnvironmentConfig): ImageChange[] {
  const deployed: readonly string[] = topologyOf(after).services;
  return IMAGE_SERVICES.filter((service) => before.images[service] !== after.images[service]).map((service) => ({
    service,
    from: before.images[service],
    to: after.images[service],
    deployed: deployed.includes(service),
  }));
}

/**
 * Key paths (`tracker.core.private`, `images.registry_mirror`) that differ between
 * the two configs, other than the services' images: what upgrade leaves to deploy.
 */
export function otherChanges(before: EnvironmentConfig, after: EnvironmentConfig): string[] {
  const strip = (config: EnvironmentConfig): unknown => {
    const data = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
    delete data['$schema'];
    const images = { ...(data['images'] as Record<string, unknown>) };
    for (const service of IMAGE_SERVICES) delete images[service];
    data['images'] = images;
    return data;
  };
  return differingPaths(strip(before), strip(after), []);
}

function differingPaths(a: unknown, b: unknown, path: readonly string[]): string[] {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => differingPaths(a[key], b[key], [...path, key]));
  }
  return isDeepStrictEqual(a, b) ? [] : [path.join('.') || '(the whole config)'];
}

export interface UpgradeTarget {
  /** Deployed services whose image changes. */
  readonly services: readonly ImageService[];
  /** How long `up --wait` and the health check may take, each. */
  readonly waitSeconds: number;
}

const compose = (args: string) => `cd ${DEPLOY_DIR} && docker compose ${args}`;
const fail = (message: string) => `{ echo ${shellQuote(message)} >&2; exit 1; }`;

/** Services `docker compose up` starts: every changed one but the one-shot backup job. */
export function startedServices(target: UpgradeTarget): ImageService[] {
  return target.services.filter((service) => !ONE_SHOT.has(service));
}

/** The services the health check looks at: the tracker always, and every started service. */
export function checkedServices(target: UpgradeTarget): ImageService[] {
  return ['tracker', ...startedServices(target).filter((service) => service !== 'tracker')];
}

/** Before the new file is uploaded: no earlier upgrade left its previous file behind; an empty work directory. */
export function prepareCommand(): string {
  return [
    'set -e',
    `[ ! -e ${PREVIOUS_COMPOSE} ] || ${fail(`an earlier upgrade did not finish: the docker-compose.yml it replaced is still in ${PREVIOUS_COMPOSE}; put it back (cp it to ${COMPOSE_FILE}, then docker compose up -d) or remove it, then upgrade again`)}`,
    `[ -f ${COMPOSE_FILE} ] || ${fail(`${COMPOSE_FILE} does not exist: the stack was never released here (ttd deploy)`)}`,
    `rm -rf ${UPGRADE_WORK_DIR}`,
    `install -d -m 0700 ${UPGRADE_WORK_DIR}`,
  ].join('\n');
}

/** Removes the work directory unless it holds the previous file (a rollback that failed keeps it). */
export function removeWorkDirUnlessPrevious(): string {
  return `[ -e ${PREVIOUS_COMPOSE} ] || rm -rf ${UPGRADE_WORK_DIR}`;
}

/** `docker compose` with the staged file, in the deploy directory (its .env and relative paths). */
const stagedCompose = (args: string) => `cd ${DEPLOY_DIR} && docker compose --project-directory ${DEPLOY_DIR} -f ${STAGED_COMPOSE} ${args}`;

export function checkComposeStep(): RestoreStep {
  return {
    id: 'check-compose',
    title: 'Check the new docker-compose.yml',
    command: `${stagedCompose('config --quiet')} || ${fail('docker compose refuses the new docker-compose.yml (its message is above)')}`,
    undo: removeWorkDirUnlessPrevious(),
  };
}

export function pullImagesStep(target: UpgradeTarget): RestoreStep {
  const profile = target.services.some((service) => ONE_SHOT.has(service)) ? '--profile backup ' : '';
  return {
    id: 'pull-images',
    title: `Pull the new image${target.services.length === 1 ? '' : 's'} of ${target.services.join(', ')}`,
    command: `${stagedCompose(`${profile}pull --quiet ${target.services.join(' ')}`)} || ${fail('pulling the new images failed (is the tag right? docker\'s message is above)')}`,
  };
}

const LOG_LINES = 15;

/** `up --wait` for the services; when it fails, the ones not running or not healthy with their last log lines. */
function upCommand(services: readonly string[], seconds: number): string {
  const failing = [
    `echo '${DIAGNOSIS_MARKER} services that did not come up, with their last log lines:' >&2;`,
    `docker compose ps --all --format '{{.Service}} {{.State}} {{.Health}}' ${services.join(' ')} | while read -r service state health; do`,
    `if [ "$state" != running ] || { [ -n "$health" ] && [ "$health" != healthy ]; }; then`,
    `echo "$service: $state\${health:+, $health}" >&2;`,
    `docker compose logs --no-color --no-log-prefix --tail ${LOG_LINES} "$service" 2>&1 | sed 's/^/    /' >&2;`,
    'fi; done',
  ].join(' ');
  return `cd ${DEPLOY_DIR} && { docker compose up --detach --wait --wait-timeout ${seconds} ${services.join(' ')} || { status=$?; ${failing}; exit $status; }; }`;
}

/**
 * Waits until the tracker is `healthy` (by Docker's health status) and every other
 * service is running, and healthy when it has a health check. A service that is
 * unhealthy, restarting, exited or missing fails at once; each that is not there
 * in time is reported with its last log lines, after the diagnosis marker.
 */
export function healthCheckCommand(services: readonly string[], seconds: number): string {
  const list = services.join(' ');
  return [
    'waited=0',
    'while :; do',
    "  pending=''; bad=''",
    `  for c in ${list}; do`,
    `    s=$(docker inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$c" 2>/dev/null) || s=missing`,
    '    case "$s" in',
    "      'running healthy') ;;",
    "      'running none') if [ \"$c\" = tracker ]; then bad=\"$bad $c\"; echo \"tracker: the image has no health check (Docker cannot call it healthy)\" >&2; fi ;;",
    "      'running starting'|created*) pending=\"$pending $c\" ;;",
    '      *) bad="$bad $c"; echo "$c: $s" >&2 ;;',
    '    esac',
    '  done',
    '  if [ -z "$bad" ] && [ -z "$pending" ]; then echo "healthy: ' + list + '"; exit 0; fi',
    '  [ -n "$bad" ] && break',
    `  if [ "$waited" -ge ${seconds} ]; then bad="$pending"; echo "not healthy within ${seconds} s:$pending" >&2; break; fi`,
    '  sleep 2; waited=$((waited + 2))',
    'done',
    `echo '${DIAGNOSIS_MARKER} the last log lines of the services that are not healthy:' >&2`,
    `for c in $bad; do echo "$c:" >&2; ${compose('logs --no-color --no-log-prefix --tail ' + LOG_LINES + ' "$c"')} 2>&1 | sed 's/^/    /' >&2; done`,
    'exit 1',
  ].join('\n');
}

/**
 * The staged file goes in place; the current one is kept in the work directory.
 * Its undo puts the previous file back, starts the services on their previous
 * images and waits for them to be healthy; only then is the kept file removed.
 */
export function swapComposeStep(target: UpgradeTarget): RestoreStep {
  const started = startedServices(target);
  return {
    id: 'swap-compose',
    title: 'Put the new docker-compose.yml in place (the current one is kept aside)',
    command: [
      'set -e',
      `cp -p ${COMPOSE_FILE} ${PREVIOUS_COMPOSE}`,
      `cp -p ${STAGED_COMPOSE} ${COMPOSE_FILE}.ttd-new`,
      `mv -f ${COMPOSE_FILE}.ttd-new ${COMPOSE_FILE}`,
    ].join('\n'),
    undo: [
      `[ -e ${PREVIOUS_COMPOSE} ] || exit 0`,
      `cp -p ${PREVIOUS_COMPOSE} ${COMPOSE_FILE}.ttd-old && mv -f ${COMPOSE_FILE}.ttd-old ${COMPOSE_FILE} || exit 1`,
      ...(started.length > 0 ? [`${upCommand(started, target.waitSeconds)} || exit 1`] : []),
      `( ${healthCheckCommand(checkedServices(target), target.waitSeconds).split('\n').join('\n  ')}\n) || exit 1`,
      `rm -f ${PREVIOUS_COMPOSE}`,
    ].join('\n'),
  };
}

export function startServicesStep(target: UpgradeTarget): RestoreStep {
  const started = startedServices(target);
  return {
    id: 'start-services',
    title: `Start ${started.join(', ')} on the new image${started.length === 1 ? '' : 's'} and wait until healthy`,
    command: upCommand(started, target.waitSeconds),
  };
}

export function checkHealthStep(target: UpgradeTarget): RestoreStep {
  const services = checkedServices(target);
  return { id: 'check-health', title: `Check the health of ${services.join(', ')}`, command: healthCheckCommand(services, target.waitSeconds) };
}

export function cleanUpStep(): RestoreStep {
  return { id: 'clean-up', title: 'Remove the previous docker-compose.yml', command: `rm -rf ${UPGRADE_WORK_DIR}`, afterCommit: true };
}

/**
 * Upgrade in order, after the new docker-compose.yml is uploaded to the work
 * directory: check it and pull the new images (nothing the stack uses is
 * changed), swap the file in (the current one kept aside), start the changed
 * services and wait for them, check the health of the tracker and of each of
 * them, clean up. A failure before the clean-up undoes every step that ran, last
 * first: the previous file is back and the services run their previous images.
 */
export function upgradeSteps(target: UpgradeTarget): RestoreStep[] {
  return [
    checkComposeStep(),
    pullImagesStep(target),
    swapComposeStep(target),
    ...(startedServices(target).length > 0 ? [startServicesStep(target)] : []),
    checkHealthStep(target),
    cleanUpStep(),
  ];
}
