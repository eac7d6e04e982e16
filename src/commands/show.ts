import type { CommandHandler } from '../cli/context.js';
import { instanceNameOf, SECRET_KEY_PATHS } from '../config/schema.js';
import { valueAt } from '../config/schema-walk.js';
import { configuredDomains, dnsRecordLines, dnsRecords } from '../domain/dns-records.js';
import { serviceUrlLines, serviceUrls } from '../domain/service-urls.js';
import { nextStepHint } from '../domain/states.js';
import { topologyOf } from '../domain/topology.js';
import { addressFromConfig } from '../domain/instance-address.js';
import { configFromRecord, redactedSnapshot } from '../state/snapshot-config.js';
import { requireEnvironmentRecord } from '../state/store.js';
import { sshLoginCommand } from './host-access.js';

/** `show ENV`: what is deployed where, from the state alone. Secrets are redacted unless --reveal. Never takes the lock. */
const show: CommandHandler = async (context, input) => {
  const name = input.args['env'] ?? '';
  const reveal = input.options['reveal'] === true;
  const record = await requireEnvironmentRecord(context.workingDir, name);
  const { config, unsetVariables } = configFromRecord(record, context.env);
  // An existing host's address is in its config before any stage recorded it (deploy and test --dry-run use it too).
  const configAddress = addressFromConfig(config);
  const address = record.instance.address ?? configAddress;
  const addressSource = record.instance.address !== undefined ? 'state' : configAddress !== undefined ? 'config' : null;
  const existing = config.provider.provider === 'existing';
  const urls = serviceUrls(config, address);
  const secrets = SECRET_KEY_PATHS.flatMap((key) => {
    const value = valueAt(record.config.snapshot, key.split('.'));
    return typeof value === 'string' ? [{ key, value: reveal || /^\$\{[^}]+\}$/.test(value) ? value : '***' }] : [];
  });
  const configured = {
    services: topologyOf(config).services,
    database: config.tracker.core.database.driver,
    private_tracker: config.tracker.core.private,
    https: config.https !== undefined,
    prometheus: config.prometheus !== undefined,
    grafana: config.grafana !== undefined,
    backup: config.backup ? { schedule: config.backup.schedule, retention_days: config.backup.retention_days } : null,
    images: config.images,
  };
  const hint = nextStepHint(record, name, { existing, address });
  const domains = configuredDomains(config).map(({ domain }) => domain);

  context.output.resultJson({
    name,
    state: record.state,
    reached: record.reached,
    state_since: record.state_since,
    created_at: record.created_at,
    provider: config.provider.provider,
    instance_name: instanceNameOf(config),
    infrastructure: { instance_ip: address ?? null, instance_ip_from: addressSource, ssh_port: record.instance.ssh_port ?? config.ssh_credentials.port, ssh_user: config.ssh_credentials.username, ssh_key_path: config.ssh_credentials.private_key_path, host_key_recorded: record.instance.ssh_host_key !== undefined },
    resources: record.resources,
    failure: record.failure ?? null,
    services: urls,
    dns_records: dnsRecords(config, address),
    configured,
    secrets,
    unset_variables: unsetVariables,
    next_step: hint,
    config_source: record.config.source_file,
    config: reveal ? record.config.snapshot : redactedSnapshot(record.config.snapshot),
  });
  if (context.json) return 0;

  const lines = [
    `Environment: ${name}`,
    `State:       ${record.state}${record.state !== record.reached ? ` (reached: ${record.reached})` : ''} since ${record.state_since}`,
    `Provider:    ${config.provider.provider} (instance ${instanceNameOf(config)})`,
    `Created:     ${record.created_at}`,
    `Config:      ${record.config.source_file} (snapshot in the state)`,
  ];
  if (record.failure) {
    lines.push('', `Failed:      ${record.failure.step_title} (${record.failure.command}, ${record.failure.at})`, `             ${record.failure.error}`);
  }
  lines.push('', 'Infrastructure:');
  if (address) {
    lines.push(`  Address:   ${address}${addressSource === 'config' ? ' (provider.host in the config)' : ''}`, `  SSH:       ${sshLoginCommand(config, record, address)}`);
  } else {
    lines.push(`  Address:   not known yet (${existing ? `ttd register ${name} --instance-ip IP, or set provider.host in the config` : `ttd provision ${name} creates the instance`})`);
  }
  if (record.resources.length > 0) lines.push(`  Resources: ${record.resources.map((resource) => `${resource.kind} ${resource.name} (${resource.provider} ${resource.id})`).join(', ')}`);
  lines.push('', `Services${address ? '' : ' (INSTANCE_ADDRESS is filled in once the instance exists)'}:`);
  lines.push(...serviceUrlLines(config, address));
  if (address) {
    const dns = dnsRecordLines(config, address);
    if (dns.length > 0) lines.push('', ...dns);
  } else if (domains.length > 0) {
    lines.push('', `DNS: point ${domains.join(', ')} at the instance address once it is known (HTTPS certificates need it)`);
  }
  lines.push('', 'Configured:', `  Database:  ${configured.database}${configured.private_tracker ? ', private tracker' : ''}`, `  Services:  ${configured.services.join(', ')}`);
  if (config.backup) lines.push(`  Backups:   ${config.backup.schedule}, kept ${config.backup.retention_days} days`);
  const { registry_mirror: registryMirror, ...images } = config.images;
  lines.push(`  Images:    ${Object.values(images).join(', ')}${registryMirror === undefined ? '' : ` (Docker Hub through ${registryMirror})`}`);
  if (secrets.length > 0) {
    lines.push('', `Secrets${reveal ? '' : ' (hidden; --reveal shows them)'}:`, ...secrets.map((secret) => `  ${secret.key} = ${secret.value}`));
  }
  if (unsetVariables.length > 0) lines.push('', `Not set in this shell: ${unsetVariables.join(', ')} (needed by commands that change the environment)`);
  lines.push('', `Next: ${hint}`);
  context.output.result(lines.join('\n'));
  return 0;
};

export default show;
