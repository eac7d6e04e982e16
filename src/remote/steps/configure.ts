import type { EnvironmentConfig } from '../../config/schema.js';
import { publicPorts } from '../../domain/topology.js';
import { shellQuote } from '../../shell/quote.js';
import { deployedServices, stackImages } from '../../stack/queries.js';
import { startImagePull } from './image-pull.js';
import { APT_INSTALL, APT_UPDATE, type HostStep } from './step.js';

/**
 * `configure`: Docker, compose v2, the deploy user in the docker group, security updates,
 * firewall. Every package comes in the first step, in one apt transaction (one update,
 * one install), so a fresh host pays apt's start-up and dpkg's triggers once. The mirror
 * is configured first, so the Docker the install starts uses it without a restart; the
 * stack's images start coming in the background the moment that Docker answers, while the
 * rest of the install, configure and release go on.
 */
export function configureSteps(config: EnvironmentConfig): HostStep[] {
  const mirror = config.images.registry_mirror;
  const services = deployedServices(config).flatMap((service) => service.configureSteps?.(config) ?? []);
  return [...(mirror === undefined ? [] : [registryMirror(mirror)]), startImagePull(stackImages(config)), installPackages(), startDocker(), dockerGroup(config.ssh_credentials.username), securityUpdates(), firewall(config), ...services];
}

const UNATTENDED_UPGRADES_INSTALLED = "dpkg-query -W -f='${Status}' unattended-upgrades 2>/dev/null | grep -q 'ok installed'";

const CA_CERTIFICATES_INSTALLED = "dpkg-query -W -f='${Status}' ca-certificates 2>/dev/null | grep -q 'ok installed'";

/**
 * What the host lacks of Docker, compose v2, unattended-upgrades, UFW and the CA
 * certificates Docker checks registries with (only recommended by docker.io), in one install.
 * A Docker the host already has (docker-ce, say) is kept: docker.io is asked for only when
 * there is no docker command. Debian 13 ships the client in its own docker-cli package (only
 * recommended by docker.io); Ubuntu 24.04's docker.io includes it and has no such package.
 * Compose v2 is docker-compose-v2 on Ubuntu and docker-compose on Debian 13.
 */
export function installPackages(): HostStep {
  const available = (name: string) => `apt-cache show ${name} >/dev/null 2>&1`;
  return {
    id: 'install-docker',
    title: 'Install Docker, Compose v2, unattended-upgrades and UFW (one apt transaction)',
    doneWhen: `command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1 && ${UNATTENDED_UPGRADES_INSTALLED} && command -v ufw >/dev/null 2>&1 && ${CA_CERTIFICATES_INSTALLED}`,
    commands: [
      APT_UPDATE,
      // The packages to install gather in the positional parameters ("$@"): one word each, in any shell.
      'set --',
      `{ command -v docker >/dev/null 2>&1 || { set -- "$@" docker.io; if ${available('docker-cli')}; then set -- "$@" docker-cli; fi; }; }`,
      `{ docker compose version >/dev/null 2>&1 || if ${available('docker-compose-v2')}; then set -- "$@" docker-compose-v2; else set -- "$@" docker-compose; fi; }`,
      `{ ${UNATTENDED_UPGRADES_INSTALLED} || set -- "$@" unattended-upgrades; }`,
      `{ command -v ufw >/dev/null 2>&1 || set -- "$@" ufw; }`,
      `{ ${CA_CERTIFICATES_INSTALLED} || set -- "$@" ca-certificates; }`,
      `${APT_INSTALL} "$@"`,
      'docker --version',
      'docker compose version',
    ],
  };
}

export function startDocker(): HostStep {
  return {
    id: 'start-docker',
    title: 'Start Docker, and at every boot',
    doneWhen: 'systemctl is-enabled --quiet docker && systemctl is-active --quiet docker',
    commands: ['systemctl enable --now docker'],
  };
}

/**
 * Docker Hub pulls through a mirror (images.registry_mirror). The daemon.json is ours
 * from then on; one the host had before is kept once as daemon.json.before-torrust.
 * Written before Docker is installed, so the daemon the install starts reads it; a
 * Docker already running is restarted to read it.
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
      'if systemctl is-active --quiet docker; then systemctl restart docker; fi',
    ],
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
 *
 * Each `ufw` call starts Python (about half a second), so the active firewall is read
 * once (`ufw status verbose`, in the C locale: its words are what the checks match) and only what differs from the wanted set is applied:
 * on an unchanged host the step is skipped after that one read. Rules the host has
 * beyond the wanted set (a port dropped from the config, the admin's own) are kept.
 */
export function firewall(config: EnvironmentConfig): HostStep {
  const rules = new Map<string, string>();
  for (const { port, protocol, label } of publicPorts(config)) {
    const rule = `${port}/${protocol}`;
    if (!rules.has(rule)) rules.set(rule, label);
  }
  const status = 'LC_ALL=C ufw status verbose 2>/dev/null';
  const active = `printf '%s\\n' "$s" | grep -x 'Status: active' >/dev/null`;
  const defaults = `printf '%s\\n' "$s" | grep '^Default: deny (incoming), allow (outgoing)' >/dev/null`;
  const allowed = (rule: string) => `printf '%s\\n' "$s" | grep -E '^${rule} +ALLOW IN +Anywhere( |$)' >/dev/null`;
  const wanted = [active, defaults, ...[...rules.keys()].map(allowed)];
  return {
    id: 'firewall',
    title: 'Configure the firewall (UFW)',
    doneWhen: `s=$(${status}) && ${wanted.join(' && ')}`,
    commands: [
      `s=$(${status} || true)`,
      `{ ${defaults} || { ufw default deny incoming && ufw default allow outgoing; }; }`,
      ...[...rules].map(([rule, label]) => `{ ${allowed(rule)} || ufw allow ${rule} comment ${shellQuote(label)}; }`),
      `{ ${active} || ufw --force enable; }`,
    ],
  };
}
