import type { CommandContext, CommandInput } from '../cli/context.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { dnsRecords } from '../domain/dns-records.js';
import { DeployerError } from '../domain/errors.js';
import { serviceUrls } from '../domain/service-urls.js';
import { addressFromConfig } from '../domain/instance-address.js';
import type { SshConnectorOptions } from '../run/ssh-connector.js';
import type { ConnectOptions } from '../ssh/connect.js';
import type { EnvironmentRecord } from '../state/environment-record.js';

/** How long a day-two command (logs, backup, restore, upgrade) keeps trying to reach SSH. */
const CONNECT_DEADLINE_MS = 30_000;

/**
 * How a day-two command logs in to the environment's host: the deploy user and key, the
 * port it was registered or provisioned with, and the host key recorded on first use.
 */
export function hostConnectOptions(context: CommandContext, config: EnvironmentConfig, record: EnvironmentRecord, address: string, secrets: readonly string[]): ConnectOptions {
  return {
    host: address,
    port: record.instance.ssh_port ?? config.ssh_credentials.port,
    username: config.ssh_credentials.username,
    privateKeyPath: config.ssh_credentials.private_key_path,
    knownHostKey: record.instance.ssh_host_key,
    env: context.env,
    secrets,
    connectDeadlineMs: CONNECT_DEADLINE_MS,
    onAttempt: (attempt) => context.output.detail(`SSH attempt ${attempt.attempt} failed at the ${attempt.stage} step: ${attempt.error}`),
  };
}

/** How to log in to the host by hand: the deploy user, the key and the port it listens on. */
export function sshLoginCommand(config: EnvironmentConfig, record: EnvironmentRecord, address: string): string {
  const port = record.instance.ssh_port ?? config.ssh_credentials.port;
  return `ssh -i ${config.ssh_credentials.private_key_path} ${config.ssh_credentials.username}@${address}${port === 22 ? '' : ` -p ${port}`}`;
}

/** What a result line says about a host that exists: its address, the SSH login, the service URLs and the DNS records to create. */
export function hostAccessJson(config: EnvironmentConfig, record: EnvironmentRecord): Record<string, unknown> {
  const address = record.instance.address ?? addressFromConfig(config);
  return {
    instance_ip: address ?? null,
    ssh_command: address ? sshLoginCommand(config, record, address) : null,
    services: serviceUrls(config, address),
    dns_records: dnsRecords(config, address),
  };
}

/** --accept-host-key of the stage commands and deploy, as their SSH connector takes it. */
export function acceptHostKeyOption(input: CommandInput): SshConnectorOptions {
  const value = input.options['acceptHostKey'];
  return typeof value === 'string' ? { acceptHostKey: value } : {};
}

/**
 * The host's address: the recorded one, or an existing host's provider.host. Without
 * one there is no host yet, and the error says what creates it; `consequence` says
 * what this command therefore cannot do.
 */
export function requireInstanceAddress(name: string, record: EnvironmentRecord, config: EnvironmentConfig, consequence = ''): string {
  const address = record.instance.address ?? addressFromConfig(config);
  if (address) return address;
  throw new DeployerError('environment.wrong_state', `Environment '${name}' has no instance address yet (state: ${record.state})${consequence ? `, ${consequence}` : ''}`, {
    where: `data/${name}/environment.json`,
    fix: `ttd deploy ${name} (or ttd provision / ttd register ${name} --instance-ip IP first)`,
  });
}
