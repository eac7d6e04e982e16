import type { EnvironmentConfig } from '../../config/schema.js';
import { publicPorts } from '../../domain/topology.js';
import { shellQuote } from '../../shell/quote.js';
import { APT_INSTALL, APT_UPDATE, type HostStep } from './step.js';

/** `configure`: Docker, compose v2, the deploy user in the docker group, security updates, firewall. */
export function configureSteps(config: EnvironmentConfig): HostStep[] {
  const mirror = config.images.registry_mirror;
  return [installDocker(), ...(mirror === undefined ? [] : [registryMirror(mirror)]), installCompose(), dockerGroup(config.ssh_credentials.username), securityUpdates(), firewall(config)];
}

export function installDocker(): HostStep {
  return {
    id: 'install-docker',
    title: 'Install Docker',
    doneWhen: 'command -v docker >/dev/null 2>&1',
    // Debian 13 ships the client in its own docker-cli package (only recommended by docker.io);
    // Ubuntu 24.04's docker.io includes it and has no such package.
    commands: [
      APT_UPDATE,
      `if apt-cache show docker-cli >/dev/null 2>&1; then ${APT_INSTALL} docker.io docker-cli; else ${APT_INSTALL} docker.io; fi`,
      'systemctl enable --now docker',
      'docker --version',
    ],
  };
}

/**
 * Docker Hub pulls through a mirror (images.registry_mirror). The daemon.json is ours
 * from then on; one the host had before is kept once as daemon.json.before-torrust.
 */
export function registryMirror(mirror: string): HostStep {
  const url = new URL(mirror);
  const daemon = `${JSON.stringify({ 'registry-mirrors': [url.origin], ...(url.protocol === 'http:' ? { 'insecure-registries': [url.host] } : {}) }, null, 2)}\n`;
  const file = '/etc/docker/daemon.json';
  return {
    id: 'registry-mirror',
    title: `Pull Docker Hub images through ${url.origin}`,
    doneWhen: `printf '%s' ${shellQuote(daemon)} | cmp -s - ${file}`,
    commands: [
      'mkdir -p /etc/docker',
      `if [ -s ${file} ] && [ ! -e ${file}.before-torrust ]; then cp ${file} ${file}.before-torrust; fi`,
      `printf '%s' ${shellQuote(daemon)} > ${file}`,
      'systemctl restart docker',
    ],
  };
}

/** Compose v2 from the distribution (Ubuntu: docker-compose-v2, Debian 13: docker-compose), on any architecture. */
export function installCompose(): HostStep {
  return {
    id: 'install-compose',
    title: 'Install Docker Compose v2',
    doneWhen: 'docker compose version >/dev/null 2>&1',
    commands: [APT_UPDATE, `(${APT_INSTALL} docker-compose-v2 || ${APT_INSTALL} docker-compose)`, 'docker compose version'],
  };
}

export function dockerGroup(username: string): HostStep {
  const user = shellQuote(username);
  return {
    id: 'docker-group',
    title: `Let ${username} use Docker`,
    doneWhen: `id -nG ${user} | tr ' ' '\\n' | grep -qx docker`,
    commands: [`usermod -aG docker ${user}`],
  };
}

const AUTO_UPGRADES = 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n';
const AUTO_REBOOT = 'Unattended-Upgrade::Automatic-Reboot "true";\nUnattended-Upgrade::Automatic-Reboot-Time "02:00";\n';

export function securityUpdates(): HostStep {
  return {
    id: 'security-updates',
    title: 'Turn on automatic security updates',
    doneWhen: 'test -f /etc/apt/apt.conf.d/52torrust-auto-reboot',
    commands: [
      `${APT_INSTALL} unattended-upgrades`,
      `printf '%s' ${shellQuote(AUTO_UPGRADES)} > /etc/apt/apt.conf.d/20auto-upgrades`,
      `printf '%s' ${shellQuote(AUTO_REBOOT)} > /etc/apt/apt.conf.d/52torrust-auto-reboot`,
      'systemctl enable --now unattended-upgrades',
    ],
  };
}

/**
 * UFW: deny incoming except SSH and the public ports. Docker-published ports bypass
 * UFW, so services that must stay private bind to 127.0.0.1 in the compose file;
 * the rules here still document and enforce the intent for everything else.
 */
export function firewall(config: EnvironmentConfig): HostStep {
  const seen = new Set<string>();
  const allows: string[] = [];
  for (const { port, protocol, label } of publicPorts(config)) {
    const rule = `${port}/${protocol}`;
    if (seen.has(rule)) continue;
    seen.add(rule);
    allows.push(`ufw allow ${rule} comment ${shellQuote(label)}`);
  }
  return {
    id: 'firewall',
    title: 'Configure the firewall (UFW)',
    commands: [
      `command -v ufw >/dev/null 2>&1 || ${APT_INSTALL} ufw`,
      'ufw default deny incoming',
      'ufw default allow outgoing',
      ...allows,
      'ufw --force enable',
    ],
  };
}
