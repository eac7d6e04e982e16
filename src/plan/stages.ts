import type { EnvironmentConfig } from '../config/schema.js';
import { instanceNameOf } from '../config/schema.js';
import { publicPorts, topologyOf } from '../domain/topology.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import type { RemoteCommandStep, StagePlan, Step, UploadStep } from './types.js';

/**
 * One pure function per stage: (config, state) → steps. The remote commands
 * here are the engine's first cut; issue 6 (SSH) and issue 7 (providers) refine
 * them, and issue 3 supplies the rendered artifacts `release` uploads.
 */

export const DEPLOY_DIR = '/opt/torrust';

/** A file for the instance, rendered from the config. */
export interface RenderedFile {
  /** Relative to DEPLOY_DIR on the instance and to build/<env>/ here. */
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

const remote = (id: string, title: string, command: string, changes: string, check?: string, sudo = true): RemoteCommandStep => ({
  kind: 'remote',
  id,
  title,
  command,
  check,
  sudo,
  changes,
});

export function provisionPlan(config: EnvironmentConfig, record: EnvironmentRecord): StagePlan {
  const instanceName = instanceNameOf(config);
  const provider = config.provider.provider;
  const steps: Step[] = [];
  if (provider !== 'existing') {
    steps.push(
      { kind: 'provider', id: 'create-instance', title: `Create instance ${instanceName} (${provider})`, provider, call: { action: 'create', instanceName }, changes: `a new ${provider} instance named ${instanceName}, recorded in the environment's resources` },
      { kind: 'provider', id: 'instance-address', title: `Read the address of ${instanceName}`, provider, call: { action: 'address', instanceName }, changes: 'nothing remote; records the address in the environment' },
    );
  }
  steps.push({
    kind: 'wait',
    id: 'wait-ssh',
    title: `Wait for SSH on port ${config.ssh_credentials.port}`,
    condition: { type: 'ssh-reachable' },
    timeoutSeconds: 300,
    intervalSeconds: 5,
    changes: `nothing; trusts and records the host key on first contact${record.instance.ssh_host_key ? ' (already recorded: a different key is refused)' : ''}`,
  });
  if (provider !== 'existing') {
    steps.push({
      kind: 'wait',
      id: 'wait-cloud-init',
      title: 'Wait for cloud-init to finish',
      condition: { type: 'remote-command', command: 'cloud-init status --wait >/dev/null' },
      timeoutSeconds: 600,
      intervalSeconds: 5,
      changes: 'nothing',
    });
  }
  return { stage: 'provision', command: provider === 'existing' ? 'register' : 'provision', steps };
}

export function configurePlan(config: EnvironmentConfig): StagePlan {
  const user = config.ssh_credentials.username;
  const ports = publicPorts(config);
  const allow = [...new Map(ports.map((port) => [`${port.port}/${port.protocol}`, port])).keys()].map((rule) => `ufw allow ${rule}`).join(' && ');
  const apt = 'DEBIAN_FRONTEND=noninteractive apt-get';
  return {
    stage: 'configure',
    command: 'configure',
    steps: [
      remote('install-docker', 'Install Docker and compose', `${apt} update -qq && (${apt} install -y -qq docker.io docker-compose-v2 || ${apt} install -y -qq docker.io docker-compose)`, 'installs the docker.io and compose packages', 'docker compose version >/dev/null 2>&1'),
      remote('docker-group', `Let ${user} use Docker`, `usermod -aG docker ${user}`, `adds ${user} to the docker group`, `id -nG ${user} | grep -qw docker`),
      remote('security-updates', 'Turn on automatic security updates', `${apt} install -y -qq unattended-upgrades && dpkg-reconfigure -f noninteractive unattended-upgrades`, 'installs and enables unattended-upgrades', 'dpkg -s unattended-upgrades >/dev/null 2>&1'),
      remote('firewall', `Firewall: allow ${ports.map((port) => `${port.port}/${port.protocol}`).join(', ')}`, `${apt} install -y -qq ufw && ${allow} && ufw --force enable`, 'installs ufw, allows SSH and the public ports, enables it', undefined),
    ],
  };
}

/** Storage directories per service, as the Rust deployer lays them out under /opt/torrust/storage. */
const STORAGE: Readonly<Record<string, readonly { dir: string; owner?: string }[]>> = {
  tracker: [{ dir: 'tracker/etc' }, { dir: 'tracker/lib/database' }, { dir: 'tracker/log' }],
  mysql: [{ dir: 'mysql/data', owner: '999:999' }],
  prometheus: [{ dir: 'prometheus/etc' }],
  grafana: [{ dir: 'grafana/data', owner: '472:472' }, { dir: 'grafana/provisioning' }],
  caddy: [{ dir: 'caddy/etc' }, { dir: 'caddy/data' }, { dir: 'caddy/config' }],
  backup: [{ dir: 'backup/etc' }],
};

export function releasePlan(config: EnvironmentConfig, artifacts: readonly RenderedFile[] | undefined, environment: string): StagePlan {
  const user = config.ssh_credentials.username;
  const steps: Step[] = [];
  for (const service of topologyOf(config).services) {
    for (const { dir, owner } of STORAGE[service] ?? []) {
      const path = `${DEPLOY_DIR}/storage/${dir}`;
      const chown = owner ?? `${user}:${user}`;
      steps.push(remote(`storage-${dir.replaceAll('/', '-')}`, `Create ${path}`, `install -d -m 0755 -o ${chown.split(':')[0]} -g ${chown.split(':')[1]} ${path}`, `creates ${path} owned by ${chown}`, `test -d ${path} && [ "$(stat -c %u:%g ${path})" = "$(id -u ${chown.split(':')[0]}):$(id -g ${chown.split(':')[1]})" ]`));
    }
  }
  for (const file of artifacts ?? []) {
    steps.push({ kind: 'local', id: `build-${file.path}`, title: `Write build/${environment}/${file.path}`, path: `build/${environment}/${file.path}`, content: file.content, mode: file.mode, changes: 'a local copy of what is uploaded, for review' });
  }
  for (const file of artifacts ?? []) {
    const upload: UploadStep = { kind: 'upload', id: `upload-${file.path}`, title: `Upload ${DEPLOY_DIR}/${file.path}`, target: `${DEPLOY_DIR}/${file.path}`, content: file.content, mode: file.mode, owner: user, changes: `writes ${DEPLOY_DIR}/${file.path}` };
    steps.push(upload);
  }
  return { stage: 'release', command: 'release', steps };
}

export function runPlan(config: EnvironmentConfig): StagePlan {
  const services = topologyOf(config).services.filter((service) => service !== 'backup');
  return {
    stage: 'run',
    command: 'run',
    steps: [
      remote('compose-up', `Start ${services.join(', ')}`, `cd ${DEPLOY_DIR} && docker compose up -d --remove-orphans`, 'pulls images and starts (or updates) the containers', undefined, false),
      {
        kind: 'wait',
        id: 'wait-healthy',
        title: 'Wait until every service is healthy',
        condition: { type: 'remote-command', command: `cd ${DEPLOY_DIR} && docker compose ps --all --format '{{.State}} {{.Health}}' | awk '$1 != "running" || ($2 != "" && $2 != "healthy") { bad = 1 } END { exit bad }'` },
        timeoutSeconds: 300,
        intervalSeconds: 5,
        changes: 'nothing',
      },
    ],
  };
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
        title: `Health check API answers on port ${health.port}`,
        condition: { type: 'remote-command', command: `curl -fsS http://127.0.0.1:${health.port}/health_check >/dev/null` },
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
  if (provider !== 'existing' && mayHaveInstance) {
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
