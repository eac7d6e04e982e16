import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { displayPath } from '../paths.js';
import { isRecord } from '../config/schema-walk.js';
import { DeployerError } from '../domain/errors.js';

/**
 * The Rust torrust-tracker-deployer's data/<env>/environment.json: one key, its state
 * (`{"Running": {"context": {...}, "state": ...}}`), and no format_version. Its instance
 * is adopted with `register` rather than imported: register checks SSH and records the
 * host key, the environment is marked registered so `destroy` never deletes a machine
 * whose OpenTofu state lives in the Rust deployer's build/<env>/, and the config comes from
 * the user's own file, so its secrets can stay ${VAR} references instead of being copied
 * from the Rust state, which holds them in plain text.
 */

const RUST_STATES = [
  'Created', 'Provisioning', 'Provisioned', 'Configuring', 'Configured', 'Releasing', 'Released', 'Running',
  'Destroying', 'Destroyed', 'ProvisionFailed', 'ConfigureFailed', 'ReleaseFailed', 'RunFailed', 'DestroyFailed',
];

export interface RustDeployerEnvironment {
  readonly state: string;
  readonly address?: string;
  readonly sshPort?: number;
  readonly username?: string;
  readonly provisionMethod?: string;
}

/** What the Rust deployer's state records, or undefined when the document is not one. */
export function rustDeployerEnvironment(raw: unknown): RustDeployerEnvironment | undefined {
  if (!isRecord(raw) || 'format_version' in raw) return undefined;
  const keys = Object.keys(raw);
  const state = keys[0];
  if (keys.length !== 1 || state === undefined || !RUST_STATES.includes(state)) return undefined;
  const body = raw[state];
  const context = isRecord(body) ? body['context'] : undefined;
  if (!isRecord(context)) return undefined;
  const inputs = isRecord(context['user_inputs']) ? context['user_inputs'] : {};
  const outputs = isRecord(context['runtime_outputs']) ? context['runtime_outputs'] : {};
  const credentials = isRecord(inputs['ssh_credentials']) ? inputs['ssh_credentials'] : {};
  const address = outputs['instance_ip'];
  const port = inputs['ssh_port'];
  const username = credentials['ssh_username'];
  const method = outputs['provision_method'];
  return {
    state,
    ...(typeof address === 'string' && isIP(address) !== 0 ? { address } : {}),
    ...(typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535 ? { sshPort: port } : {}),
    ...(typeof username === 'string' && /^[A-Za-z_][A-Za-z0-9_-]{0,31}$/.test(username) ? { username } : {}),
    ...(typeof method === 'string' ? { provisionMethod: method } : {}),
  };
}

/** The error for a Rust deployer's state: what it is, and the commands that adopt its instance. */
export function rustDeployerStateError(file: string, found: RustDeployerEnvironment): DeployerError {
  const dataDir = dirname(file);
  const name = basename(dataDir);
  const buildDir = join(dirname(dirname(dataDir)), 'build', name);
  const moveAside = [`mv ${displayPath(dataDir)} ${displayPath(dataDir)}.rust-deployer`];
  if (existsSync(buildDir)) moveAside.push(`mv ${displayPath(buildDir)} ${displayPath(buildDir)}.rust-deployer`);
  const where = found.address === undefined ? '' : `, instance ${found.address}${found.sshPort !== undefined && found.sshPort !== 22 ? ` port ${found.sshPort}` : ''}`;
  const message = `${displayPath(file)} was written by the Rust torrust-tracker-deployer (state ${found.state}${where}); this tool keeps its own state format and does not change the Rust deployer's`;

  if (found.state === 'Destroyed') {
    return new DeployerError('state.rust_deployer', message, { where: file, fix: `its instance is destroyed: move its data aside and start anew from its JSON config:\n    ${moveAside.join('\n    ')}\n    ttd deploy CONFIG.json` });
  }
  if (found.address === undefined) {
    return new DeployerError('state.rust_deployer', message, { where: file, fix: `it has no instance yet: move its data aside and deploy from the JSON config you gave it:\n    ${moveAside.join('\n    ')}\n    ttd deploy CONFIG.json` });
  }
  const port = found.sshPort !== undefined && found.sshPort !== 22 ? ` --ssh-port ${found.sshPort}` : '';
  const user = found.username === undefined ? '' : ` (its ssh_credentials: user ${found.username}${found.sshPort === undefined ? '' : `, port ${found.sshPort}`})`;
  const keep = moveAside.length > 1 ? `\n  Keep ${displayPath(buildDir)}.rust-deployer: the Rust deployer's OpenTofu state there is what can destroy the instance it created.` : '';
  return new DeployerError('state.rust_deployer', message, {
    where: file,
    fix: [
      `adopt its instance: move its data aside, create the environment from the JSON config you gave the Rust deployer${user}, and register the address its state records:`,
      ...moveAside.map((line) => `    ${line}`),
      '    ttd create environment --env-file CONFIG.json',
      `    ttd register ${name} --instance-ip ${found.address}${port}`,
      `    ttd deploy ${name}`,
    ].join('\n') + keep,
  });
}
