import { isIP } from 'node:net';
import type { CommandInput } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import { stageCommand } from './stage.js';

/**
 * `register ENV --instance-ip IP [--ssh-port N]`: adopt a host that already
 * exists. The address and port are recorded in the state (the Rust deployer
 * forgot the port), then the provision stage waits for SSH and checks the host.
 * Re-running a failed registration may leave out --instance-ip: the recorded one is used.
 */
export default stageCommand('provision', { command: 'register', update: registration });

function registration(input: CommandInput): (record: EnvironmentRecord) => EnvironmentRecord {
  const given = input.options['instanceIp'];
  const environment = input.args['env'] ?? 'ENV';
  if (given !== undefined && (typeof given !== 'string' || isIP(given) === 0)) {
    throw new DeployerError('usage.invalid', `--instance-ip ${String(given)} is not an IPv4 or IPv6 address`, { fix: `pass it: ttd register ${environment} --instance-ip 203.0.113.10` });
  }
  const portText = input.options['sshPort'];
  const sshPort = portText === undefined ? undefined : Number(portText);
  if (sshPort !== undefined && (!Number.isInteger(sshPort) || sshPort < 1 || sshPort > 65535)) {
    throw new DeployerError('usage.invalid', `--ssh-port ${String(portText)} is not a port (1-65535)`, { fix: 'pass the port sshd listens on, for example --ssh-port 2222' });
  }
  return (record) => {
    // A failed registration resumes with the address it was given before.
    const address = given ?? (record.instance.method === 'registered' ? record.instance.address : undefined);
    if (address === undefined) {
      throw new DeployerError('usage.invalid', 'register needs the host\'s address', { fix: `pass it: ttd register ${environment} --instance-ip 203.0.113.10` });
    }
    return { ...record, instance: { ...record.instance, address, method: 'registered', ...(sshPort === undefined ? {} : { ssh_port: sshPort }) } };
  };
}
