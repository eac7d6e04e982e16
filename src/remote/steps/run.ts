import { DEPLOY_DIR, DIAGNOSIS_MARKER, type HostStep } from './step.js';

const LOG_LINES_PER_SERVICE = 8;

/**
 * When the stack does not come up: each service that is not running, or not healthy,
 * with its last log lines, on stderr, where the error report shows them.
 */
const FAILING_SERVICES_LOGS = [
  `echo '${DIAGNOSIS_MARKER} services that did not come up, with their last log lines:' >&2;`,
  `docker compose ps --all --format '{{.Service}} {{.State}} {{.Health}}' | while read -r service state health; do`,
  `if [ "$state" != running ] || { [ -n "$health" ] && [ "$health" != healthy ]; }; then`,
  `echo "$service: $state\${health:+, $health}" >&2;`,
  `docker compose logs --no-color --no-log-prefix --tail ${LOG_LINES_PER_SERVICE} "$service" 2>&1 | sed 's/^/    /' >&2;`,
  'fi; done',
].join(' ');

/** `run`: pull the images, start the stack and wait until every service with a health check is healthy. */
export function runSteps(options: { waitSeconds?: number } = {}): HostStep[] {
  const wait = options.waitSeconds ?? 300;
  return [
    { id: 'pull-images', title: 'Pull the images', commands: [`cd ${DEPLOY_DIR} && docker compose pull --quiet`] },
    {
      id: 'start-stack',
      title: 'Start the stack and wait until it is healthy',
      commands: [`cd ${DEPLOY_DIR} && { docker compose up --detach --remove-orphans --wait --wait-timeout ${wait} || { status=$?; ${FAILING_SERVICES_LOGS}; exit $status; }; }`],
    },
    { id: 'show-stack', title: 'Show the running services', commands: [`cd ${DEPLOY_DIR} && docker compose ps`] },
  ];
}
