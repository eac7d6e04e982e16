/**
 * What parts of the test suite need from the machine, in one place: each need is a vitest
 * tag that test files declare (`// @module-tag needs-…`, or `{ tags: [...] }` on a describe),
 * with the check that tells whether this machine has it and the Debian packages that give it.
 * scripts/test-setup.mjs installs what it may; vitest.config.ts skips the tests of a need
 * only when the set-up may not install it here and it is missing; the summary reporter
 * counts them. Plain JavaScript: the set-up runs before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../../..');

/** The Rust deployer's own example configs, beside the clone when it is there (optional). */
export const SHARED_ANCHOR_CONFIGS = process.env['TTD_ANCHOR_CONFIGS'] ?? resolve(PROJECT_ROOT, '../shared/anchor-configs');

const onPath = (command) =>
  (process.env['PATH'] ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
const runs = (command, args) => spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;
const isRoot = () => process.getuid?.() === 0;

/** The first missing command of `commands`, or undefined. */
const firstMissing = (commands) => commands.find((command) => !onPath(command));

/**
 * `install`: how the set-up provides the need: `apt` packages (installable as root on Debian
 * or Ubuntu), `debian` (also needs Debian's mirror: the images are debootstrapped Debian 13),
 * or `none` (nothing to install: the user provides it).
 */
export const NEEDS = [
  {
    tag: 'needs-validators',
    title: 'rendered files checked by the real docker compose, caddy, promtool, shellcheck, cloud-init and yamllint; the SQLite backup script run with sqlite3',
    install: 'apt',
    packages: ['docker-cli (docker.io on Debian 12)', 'docker-compose (v2)', 'caddy', 'prometheus', 'shellcheck', 'cloud-init', 'python3-yaml', 'yamllint', 'sqlite3'],
    missing: () => {
      const command = firstMissing(['docker', 'caddy', 'promtool', 'shellcheck', 'cloud-init', 'python3', 'yamllint', 'sqlite3']);
      if (command) return `${command} is not installed`;
      if (!runs('docker', ['compose', 'version'])) return 'docker compose (v2) is not installed';
      if (!runs('python3', ['-c', 'import yaml'])) return 'python3 cannot import yaml';
      return undefined;
    },
  },
  {
    tag: 'needs-tmux',
    title: 'the wizard driven in a real terminal (tmux)',
    install: 'apt',
    packages: ['tmux'],
    missing: () => (onPath('tmux') ? undefined : 'tmux is not installed'),
  },
  {
    tag: 'needs-openssl',
    title: 'HTTPS checks against certificates made by openssl',
    install: 'apt',
    packages: ['openssl'],
    missing: () => (onPath('openssl') ? undefined : 'openssl is not installed'),
  },
  {
    tag: 'needs-challtestsrv',
    title: 'the DNS gate against a real DNS server on loopback (pebble-challtestsrv)',
    install: 'apt',
    packages: ['pebble'],
    missing: () => (onPath('pebble-challtestsrv') ? undefined : 'pebble-challtestsrv is not installed'),
  },
  {
    tag: 'needs-restic',
    title: "off-host backups: Debian's restic, and rclone serving a restic REST repository on the lab bridge",
    install: 'apt',
    packages: ['restic', 'rclone'],
    missing: () => firstMissing(['restic', 'rclone']) && `${firstMissing(['restic', 'rclone'])} is not installed`,
  },
  {
    tag: 'needs-hcloud-clients',
    title: "the Hetzner API stand-in checked by Hetzner's own clients (the hcloud CLI and python3-hcloud)",
    install: 'apt',
    packages: ['hcloud-cli', 'python3-hcloud'],
    missing: () => {
      if (!onPath('hcloud')) return 'hcloud is not installed';
      // Debian's interpreter: python3-hcloud lives in its dist-packages, not in a pyenv's.
      if (!runs('/usr/bin/python3', ['-c', 'import hcloud'])) return '/usr/bin/python3 cannot import hcloud';
      return undefined;
    },
  },
  {
    tag: 'needs-ssh-target',
    title: 'SSH against a real OpenSSH server (Debian 13 in a network namespace)',
    install: 'debian',
    packages: ['debootstrap', 'iproute2', 'util-linux', 'openssh-client'],
    missing: () => {
      if (!isRoot()) return 'it needs root (namespaces, chroot)';
      const command = firstMissing(['ip', 'nsenter', 'unshare', 'chroot', 'debootstrap', 'ssh-keygen']);
      return command ? `${command} is not installed` : undefined;
    },
  },
  {
    tag: 'needs-lxd',
    title: 'the LXD provider against a real LXD',
    install: 'debian',
    packages: ['lxd', 'lxd-client', 'dnsmasq-base', 'iptables', 'iproute2', 'debootstrap'],
    missing: () => {
      if (!isRoot()) return 'it needs root (it starts LXD)';
      const command = firstMissing(['lxc', 'lxd', 'debootstrap']);
      return command ? `${command} is not installed` : undefined;
    },
  },
  {
    tag: 'needs-anchor-configs',
    title: "the Rust deployer's own example configs (optional: ../shared/anchor-configs beside the clone)",
    install: 'none',
    packages: [],
    missing: () => (existsSync(SHARED_ANCHOR_CONFIGS) ? undefined : `${SHARED_ANCHOR_CONFIGS} is not there`),
    enable: 'put the Rust deployer\'s docs/ai-training/dataset/environment-configs at ../shared/anchor-configs, or point TTD_ANCHOR_CONFIGS at them',
  },
];

function osRelease() {
  try {
    const fields = Object.fromEntries(
      readFileSync('/etc/os-release', 'utf8').split('\n').filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).replace(/^"|"$/g, '')]),
    );
    return { id: fields['ID'] ?? '', like: (fields['ID_LIKE'] ?? '').split(' ') };
  } catch {
    return { id: '', like: [] };
  }
}

/** Why the set-up may not install `need` on this machine, or undefined when it may. */
export function whyNotInstallable(need) {
  if (need.install === 'none') return 'nothing to install';
  const os = osRelease();
  const debianLike = os.id === 'debian' || os.id === 'ubuntu' || os.like.includes('debian');
  if (!debianLike || !onPath('apt-get')) return 'not a Debian or Ubuntu machine';
  if (need.install === 'debian' && os.id !== 'debian') return 'its images come from a Debian mirror (Debian only)';
  if (!isRoot()) return 'not root';
  return undefined;
}

/**
 * For each need: `skip` (its tests cannot run here and the set-up may not fix that), and why.
 * A need the set-up may install is never skipped: if it is still missing, its tests fail.
 */
export function assessNeeds() {
  return NEEDS.map((need) => {
    const notInstallable = whyNotInstallable(need);
    const missing = notInstallable === undefined ? undefined : need.missing();
    return { ...need, skip: missing !== undefined, reason: missing === undefined ? undefined : `${missing}; ${notInstallable}` };
  });
}

/** The one command that would let the skipped needs run, for the summary. */
export function enableAdvice(skipped) {
  const lines = [];
  const installable = skipped.filter((need) => need.install !== 'none');
  if (installable.length > 0) {
    const os = osRelease();
    lines.push(os.id === 'debian'
      ? 'To run them: `sudo npm test` (as root on Debian, npm test installs and starts what they need).'
      : `To run them: as root on Debian 12 or 13, \`npm test\` installs what they need; here, install ${[...new Set(installable.flatMap((need) => need.packages))].join(', ')} and run as root.`);
  }
  for (const need of skipped.filter((candidate) => candidate.install === 'none')) lines.push(`Optional, ${need.tag}: ${need.enable}.`);
  return lines;
}
