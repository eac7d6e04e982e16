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
    awaitImagePull(images),
    ...(options.databaseChecks ?? []),
    {
      id: 'start-stack',
      title: 'Start the stack and wait until it is healthy',
      commands: [`cd ${DEPLOY_DIR} && { docker compose up --detach --remove-orphans --wait --wait-timeout ${wait} || { status=$?; ${FAILING_SERVICES_LOGS}; exit $status; }; }`],
    },
    ...(domains.length > 0 ? [certificateWaitStep(domains)] : []),
    { id: 'show-stack', title: 'Show the running services', commands: [`cd ${DEPLOY_DIR} && docker compose ps`] },
  ];
}
