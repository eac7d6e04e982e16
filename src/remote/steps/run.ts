import { shellQuote } from '../../shell/quote.js';
import { awaitImagePull } from './image-pull.js';
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

/** Every image the compose file names is on the host (a new tag is pulled; `upgrade` refreshes a moving one). */
const IMAGES_PRESENT = `cd ${DEPLOY_DIR} && images=$(docker compose config --images 2>/dev/null) && [ -n "$images" ] && printf '%s\\n' "$images" | xargs docker image inspect >/dev/null 2>&1`;

/**
 * What `docker compose up` would leave as it is: one container per service, each created
 * from the service's current config (compose's own config hash, which it compares to
 * decide what to recreate), running, and healthy when it has a health check. An image
 * pulled again under the same tag is not looked at here: `ttd upgrade` applies those.
 */
const STACK_UP_TO_DATE = [
  `cd ${DEPLOY_DIR} && wanted=$(docker compose config --hash '*' 2>/dev/null | sort)`,
  `found=$(docker compose ps --all --quiet 2>/dev/null | xargs -r docker inspect --format '{{index .Config.Labels "com.docker.compose.service"}} {{index .Config.Labels "com.docker.compose.config-hash"}}' 2>/dev/null | sort)`,
  '[ -n "$wanted" ] && [ "$wanted" = "$found" ]',
  `! docker compose ps --all --format '{{.State}} {{.Health}}' 2>/dev/null | grep -vxE 'running ?(healthy)?' >/dev/null`,
].join(' && ');

/** How long run waits for Caddy to obtain the certificates once the stack is up. */
const CERTIFICATE_WAIT_SECONDS = 180;
const CADDY_LOG_LINES = 20;

/**
 * Caddy keeps what it obtained in its data directory (/data in the container,
 * storage/caddy/data on the host), one directory per CA and domain: a certificate
 * file there is one Caddy serves. On timeout, Caddy's lines about obtaining them.
 */
export function certificateWaitStep(domains: readonly string[], waitSeconds = CERTIFICATE_WAIT_SECONDS): HostStep {
  const present = (domain: string) => `ls ${DEPLOY_DIR}/storage/caddy/data/caddy/certificates/*/${shellQuote(domain)}/${shellQuote(`${domain}.crt`)} >/dev/null 2>&1`;
  const missing = ["missing=''", ...domains.map((domain) => `${present(domain)} || missing="$missing ${domain}"`)].join('; ');
  return {
    id: 'wait-certificates',
    title: `Wait until Caddy has a certificate for ${domains.join(', ')}`,
    commands: [
      [
        `waited=0; while :; do ${missing};`,
        `[ -z "$missing" ] && break;`,
        `if [ "$waited" -ge ${waitSeconds} ]; then`,
        `echo "${DIAGNOSIS_MARKER} Caddy has no certificate after ${waitSeconds} s for:$missing. Check that each name resolves to this host and that ports 80 and 443 are open to the internet; Caddy keeps retrying on its own (ttd status shows when the certificate arrives). Caddy's last lines about certificates:" >&2;`,
        `cd ${DEPLOY_DIR} && docker compose logs --no-color --no-log-prefix caddy 2>&1 | grep -iE 'error|challenge|obtain|certificate|acme' | tail -n ${CADDY_LOG_LINES} | sed 's/^/    /' >&2;`,
        'exit 1; fi;',
        'sleep 2; waited=$((waited + 2)); done',
        `&& echo "certificates in place for: ${domains.join(' ')}"`,
      ].join(' '),
    ],
  };
}

/**
 * `run`: pull the images (or wait for the pull configure started), check that an external
 * database server answers, start the stack and wait until every service with a health check
 * is healthy, then, with HTTPS sites, until Caddy has their certificates.
 */
export function runSteps(images: readonly string[], options: { waitSeconds?: number; certificateDomains?: readonly string[]; databaseChecks?: readonly HostStep[] } = {}): HostStep[] {
  const wait = options.waitSeconds ?? 300;
  const domains = options.certificateDomains ?? [];
  return [
    // Skipped when every image is there already (an unchanged host, or the background pull done).
    { ...awaitImagePull(images), doneWhen: IMAGES_PRESENT },
    ...(options.databaseChecks ?? []),
    {
      id: 'start-stack',
      title: 'Start the stack and wait until it is healthy',
      doneWhen: STACK_UP_TO_DATE,
      commands: [`cd ${DEPLOY_DIR} && { docker compose up --detach --remove-orphans --wait --wait-timeout ${wait} || { status=$?; ${FAILING_SERVICES_LOGS}; exit $status; }; }`],
    },
    ...(domains.length > 0 ? [certificateWaitStep(domains)] : []),
    { id: 'show-stack', title: 'Show the running services', commands: [`cd ${DEPLOY_DIR} && docker compose ps`] },
  ];
}
