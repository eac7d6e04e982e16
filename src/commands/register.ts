import { isIP } from 'node:net';
import type { CommandInput } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import { stageCommand } from './stage.js';

/**
 * `register ENV --instance-ip IP [--ssh-port N]`: adopt a host that already
 * exists. The address and port are recorded in the state (the Rust deployer
 * forgot the port), then the provision stage waits for SSH and checks the host.
 */
export default stageCommand('provision', { command: 'register', update: registration });

function registration(input: CommandInput): (record: EnvironmentRecord) => EnvironmentRecord {
  const address = input.options['instanceIp'];
  if (typeof address !== 'string' || isIP(address) === 0) {
    throw new DeployerError('usage.invalid', address === undefined ? 'register needs the host\'s address' : `--instance-ip ${String(address)} is not an IPv4 or IPv6 address`, {
      fix: `pass it: ttd register ${input.args['env'] ?? 'ENV'} --instance-ip 203.0.113.10`,
    });
  }
  const portText = input.options['sshPort'];
  const sshPort = portText === undefined ? undefined : Number(portText);
  if (sshPort !== undefined && (!Number.isInteger(sshPort) || sshPort < 1 || sshPort > 65535)) {
    throw new DeployerError('usage.invalid', `--ssh-port ${String(portText)} is not a port (1-65535)`, { fix: 'pass the port sshd listens on, for example --ssh-port 2222' });
  }
  return (record) => ({ ...record, instance: { ...record.instance, address, method: 'registered', ...(sshPort === undefined ? {} : { ssh_port: sshPort }) } });
}
