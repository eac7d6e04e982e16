import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { EnvironmentConfig } from '../config/schema.js';
import { configuredDomains, dnsRecordLines } from '../domain/dns-records.js';

/**
 * What blocks a first deploy and only the user can do, per provider: the public key on an
 * existing host, the DNS records HTTPS needs. Shown once the file is written.
 */
export function nextSteps(config: EnvironmentConfig): string[] {
  const steps: string[] = [];
  const { provider, ssh_credentials: ssh } = config;
  if (provider.provider === 'existing') {
    const host = provider.host ?? 'HOST';
    const port = ssh.port === 22 ? '' : ` -p ${ssh.port}`;
    steps.push(
      `The user ${ssh.username} must exist on ${host} with passwordless sudo (as root there: echo '${ssh.username} ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/${ssh.username})`,
      `Install your public key on it: ssh-copy-id -i ${ssh.public_key_path}${port} ${ssh.username}@${host}`,
    );
    if (provider.host === undefined) steps.push(`Give its address before deploying: set provider.host, or ttd register ${config.environment.name} --instance-ip IP`);
  }
  if (provider.provider === 'lxd') steps.push('LXD must be installed and initialised on this machine (lxd init --auto), and your user in the lxd group');
  if (provider.provider === 'hetzner') steps.push('Deploying creates a Hetzner Cloud server, which is billed by the hour until ttd destroy');
  const domains = configuredDomains(config).map(({ domain }) => domain);
  if (domains.length > 0) {
    const address = provider.provider === 'existing' ? provider.host : undefined;
    const records = dnsRecordLines(config, address);
    steps.push(...(records.length > 0 ? records : [`DNS: point ${domains.join(', ')} at the instance's address (provision shows the A records to create)`]));
  }
  return steps;
}

/** Problems a deploy would meet at once, found before it runs: a missing key file, no `lxc` for LXD. */
export function preChecks(config: EnvironmentConfig, env: NodeJS.ProcessEnv, keyToGenerate?: string): string[] {
  const key = config.ssh_credentials.private_key_path;
  const keyProblem = keyToGenerate === undefined && !existsSync(key) ? `The SSH key ${key} does not exist: create it with ssh-keygen -t ed25519 -f ${key} (or choose another key)` : undefined;
  return [keyProblem, lxcProblem(config, env)].filter((problem): problem is string => problem !== undefined);
}

/** LXD deploys run `lxc` on this machine: said before writing, since the deploy would stop at its first step. */
export function lxcProblem(config: EnvironmentConfig, env: NodeJS.ProcessEnv): string | undefined {
  return config.provider.provider === 'lxd' && !onPath('lxc', env) ? 'lxc is not installed: LXD deploys need it (snap install lxd, then lxd init --auto)' : undefined;
}

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  return (env['PATH'] ?? '').split(delimiter).some((directory) => {
    if (directory === '') return false;
    try {
      accessSync(join(directory, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
