import type { EnvironmentConfig } from '../config/schema.js';
import { instanceNameOf } from '../config/schema.js';
import { configureSteps } from '../remote/steps/configure.js';
import { releaseStepsAroundFiles } from '../remote/steps/release.js';
import { runSteps } from '../remote/steps/run.js';
import { databaseRunChecks } from '../stack/databases.js';
import { stackImages } from '../stack/queries.js';
import type { HostStep } from '../remote/steps/step.js';
import { topologyOf } from '../domain/topology.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import { configuredDomains, httpsDomains } from '../domain/dns-records.js';
import { DEFAULT_DNS_RESOLVERS } from '../checks/dns-gate.js';
import type { DnsGateOptions, DnsGateStep, RemoteCommandStep, StagePlan, Step, UploadStep } from './types.js';

/**
 * One pure function per stage: (config, state) → steps. Host steps come from
 * src/remote/steps, the same command lines the rendered configure.sh,
 * release.sh and run.sh print, so a hand-run host and a deployed one agree.
 */

/** A file rendered from the config (src/render), and where it goes on the instance, if anywhere. */
export interface RenderedFile {
  /** Relative to build/<env>/ here. */
  readonly path: string;
  readonly content: string;
  readonly mode: number;
  readonly host?: { readonly path: string; readonly owner: string };
}

/** Passwordless sudo (the step runs under sudo -n), Debian or Ubuntu with apt, and an architecture the images exist for. */
const SUPPORTED_HOST_CHECK = [
  '. /etc/os-release',
  'case "$ID" in debian|ubuntu) ;; *) echo "unsupported OS: $PRETTY_NAME (Debian or Ubuntu is needed)" >&2; exit 1 ;; esac',
  'case "$(uname -m)" in x86_64|aarch64) ;; *) echo "unsupported architecture: $(uname -m) (x86_64 or aarch64 is needed)" >&2; exit 1 ;; esac',
  'echo "$PRETTY_NAME $(uname -m)"',
].join('; ');

export function provisionPlan(config: EnvironmentConfig, record: EnvironmentRecord): StagePlan {
  const instanceName = instanceNameOf(config);
  const provider = config.provider.provider;
  const creates = provider !== 'existing' && record.instance.method !== 'registered';
  const steps: Step[] = [];
  if (creates) {
    steps.push(
      { kind: 'provider', id: 'create-instance', title: `Create instance ${instanceName} (${provider})`, provider, call: { action: 'create', instanceName }, changes: `a new ${provider} instance named ${instanceName}, recorded in the environment's resources` },
      { kind: 'provider', id: 'instance-address', title: `Read the address of ${instanceName}`, provider, call: { action: 'address', instanceName }, changes: 'nothing remote; records the address in the environment' },
    );
  }
  steps.push({
    kind: 'wait',
    id: 'wait-ssh',
    title: `Wait for SSH on port ${record.instance.ssh_port ?? config.ssh_credentials.port}`,
    condition: { type: 'ssh-reachable' },
    timeoutSeconds: 300,
    intervalSeconds: 5,
    changes: `nothing; trusts and records the host key on first contact${record.instance.ssh_host_key ? ' (already recorded: a different key is refused)' : ''}`,
  });
  steps.push({
    kind: 'wait',
    id: 'wait-cloud-init',
    title: 'Wait for cloud-init to finish (when the host has it)',
    condition: { type: 'remote-command', command: 'test -e /var/lib/cloud/instance/boot-finished || ! command -v cloud-init >/dev/null 2>&1' },
    timeoutSeconds: 600,
    // One `test` over the open connection: asking often costs nothing and ends the wait soon after cloud-init.
    intervalSeconds: 1,
    changes: 'nothing',
  });
  steps.push({
    kind: 'remote',
    id: 'check-host',
    title: 'Check sudo, operating system and architecture',
    command: SUPPORTED_HOST_CHECK,
    check: undefined,
    sudo: true,
    changes: 'nothing; fails on a host the deployer cannot manage',
  });
  const domains = configuredDomains(config).map(({ domain }) => domain);
  if (domains.length > 0) {
    // Shown as soon as the address is known: configure and release take minutes, time DNS needs anyway.
    steps.push({ kind: 'dns-records', id: 'dns-records', title: 'Show the DNS records to create for the instance', domains, changes: 'nothing' });
  }
  return { stage: 'provision', command: creates ? 'provision' : 'register', steps };
}

export function configurePlan(config: EnvironmentConfig): StagePlan {
  return { stage: 'configure', command: 'configure', steps: configureSteps(config).map(remoteStep) };
}

export function releasePlan(config: EnvironmentConfig, artifacts: readonly RenderedFile[] | undefined, environment: string): StagePlan {
  const { beforeFiles, afterFiles } = releaseStepsAroundFiles(config);
  const steps: Step[] = [];
  for (const file of artifacts ?? []) {
    steps.push({ kind: 'local', id: `build-${file.path}`, title: `Write build/${environment}/${file.path}`, path: `build/${environment}/${file.path}`, content: file.content, mode: file.mode, changes: 'a local copy of what is uploaded, for review' });
  }
  steps.push(...beforeFiles.map(remoteStep));
  for (const file of artifacts ?? []) {
    if (!file.host) continue;
    const upload: UploadStep = { kind: 'upload', id: `upload-${file.path}`, title: `Upload ${file.host.path}`, target: file.host.path, content: file.content, mode: file.mode, owner: file.host.owner, changes: `writes ${file.host.path} (mode ${file.mode.toString(8).padStart(4, '0')}, owner ${file.host.owner})` };
    steps.push(upload);
  }
  steps.push(...afterFiles.map(remoteStep));
  return { stage: 'release', command: 'release', steps };
}

/** Without a terminal and without --dns-wait the gate asks once: a script must not hang for 15 minutes unasked. */
export const DEFAULT_DNS_GATE: DnsGateOptions = { waitSeconds: 0, skip: false };

export function runPlan(config: EnvironmentConfig, address: string | undefined, dns: DnsGateOptions = DEFAULT_DNS_GATE): StagePlan {
  const domains = httpsDomains(config);
  const gate: DnsGateStep[] = domains.length === 0 ? [] : [dnsGateStep(config, domains, address, dns)];
  return { stage: 'run', command: 'run', steps: [...gate, ...runSteps(stackImages(config), { certificateDomains: domains, databaseChecks: databaseRunChecks(config) }).map(remoteStep)] };
}

function dnsGateStep(config: EnvironmentConfig, domains: readonly string[], address: string | undefined, dns: DnsGateOptions): DnsGateStep {
  return {
    kind: 'dns-gate',
    id: 'dns-gate',
    title: `Wait until ${domains.join(', ')} resolve${domains.length === 1 ? 's' : ''} to the instance`,
    domains,
    resolvers: config.https?.dns_resolvers ?? DEFAULT_DNS_RESOLVERS,
    address,
    timeoutSeconds: dns.waitSeconds,
    intervalSeconds: 5,
    ...(dns.skip ? { skipped: '--skip-dns-wait' } : {}),
    changes: 'nothing; Caddy asks for certificates only once every HTTPS domain points at the instance',
  };
}

/** The host steps the rendered scripts print, as plan steps: the same command lines, run as root. */
function remoteStep(step: HostStep): RemoteCommandStep {
  return { kind: 'remote', id: step.id, title: step.title, command: step.commands.join(' && '), check: step.doneWhen, sudo: true, changes: step.title };
}

export function testPlan(config: EnvironmentConfig): StagePlan {
  const health = topologyOf(config).healthCheckApi;
  return {
    stage: 'test',
    command: 'test',
    steps: [
      {
        kind: 'wait',
        id: 'health-check',
        title: `The tracker reports itself healthy (its health check API on port ${health.port})`,
        // The health check API listens on the container's loopback, so it is asked through
        // the image's own HEALTHCHECK, whose verdict Docker keeps; the host needs no curl.
        condition: { type: 'remote-command', command: `test "$(sudo -n docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' tracker)" = healthy` },
        timeoutSeconds: 60,
        intervalSeconds: 3,
        changes: 'nothing',
      },
    ],
  };
}

/**
 * Destroying needs only the state: the config snapshot names the provider and
 * the instance, and the resources list holds every id ever created.
 */
export function destroyPlan(config: EnvironmentConfig, record: EnvironmentRecord): StagePlan {
  const provider = config.provider.provider;
  const instanceName = instanceNameOf(config);
  const mayHaveInstance = record.resources.length > 0 || record.reached !== 'created' || record.state === 'provisioning' || record.state === 'provision_failed' || record.state === 'destroying' || record.state === 'destroy_failed';
  const steps: Step[] = [];
  if (provider !== 'existing' && record.instance.method !== 'registered' && mayHaveInstance) {
    steps.push({
      kind: 'provider',
      id: 'destroy-instance',
      title: `Delete instance ${instanceName} (${provider})`,
      provider,
      call: { action: 'destroy', instanceName, resourceIds: record.resources.map((resource) => resource.id) },
      changes: `deletes ${instanceName} and every resource recorded for it (${record.resources.length})`,
    });
  }
  return { stage: 'destroy', command: 'destroy', steps };
}
