/**
 * What a lab scenario needs: the lab brought up (tests/lab/up.sh, idempotent), an
 * environment config written by `init --non-interactive` as a user would, the built
 * binary run in that working directory, and, when a scenario fails, the environment's
 * logs and the stack's state printed so that a red CI explains itself.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'smol-toml';
import { withoutTerminalControls } from '../../src/status/log-line.js';
import { runBinary, temporaryDirectory, type CliResult } from '../support/cli.js';
import { lxc } from '../support/lxd/real-lxd.js';

const run = promisify(execFile);
const UP_SCRIPT = join(import.meta.dirname, 'up.sh');

export interface Lab {
  /** The registry instances pull Docker Hub names through: http://GATEWAY:5000. */
  readonly mirror: string;
  /** The LXD image alias of the locally built Debian 13 with cloud-init. */
  readonly lxdImage: string;
  /** pebble, the lab's ACME CA, on the LXD bridge. */
  readonly acme: LabAcme;
}

export interface LabAcme {
  /** The directory URL, for https.acme_ca: https://GATEWAY:14000/dir. */
  readonly ca: string;
  /** The CA certificate of pebble's own HTTPS endpoint, for https.acme_ca_root. */
  readonly root: string;
  /** pebble-challtestsrv's management API: the DNS pebble resolves domains with (`add-a`). */
  readonly dns: string;
  /** challtestsrv's DNS server, for https.dns_resolvers: the gate asks what pebble will see. */
  readonly resolver: string;
  /** pebble's log: how each validation went. */
  readonly log: string;
}

export async function labUp(): Promise<Lab> {
  if (process.getuid?.() !== 0) throw new Error('the lab needs root (it starts LXD, dockerd and a registry); CI runs as root');
  try {
    const { stdout } = await run('bash', [UP_SCRIPT], { maxBuffer: 64 * 1024 * 1024 });
    const value = (name: string) => {
      const line = stdout.split('\n').find((candidate) => candidate.startsWith(`${name}=`));
      if (!line) throw new Error(`tests/lab/up.sh printed no ${name}`);
      return line.slice(name.length + 1);
    };
    return {
      mirror: value('TTD_LAB_MIRROR'),
      lxdImage: value('TTD_LAB_IMAGE'),
      acme: { ca: value('TTD_LAB_ACME_CA'), root: value('TTD_LAB_ACME_ROOT'), dns: value('TTD_LAB_ACME_DNS'), resolver: value('TTD_LAB_DNS_RESOLVER'), log: value('TTD_LAB_ACME_LOG') },
    };
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`bringing the lab up failed (tests/lab/up.sh): ${failure.stderr?.trim() || failure.message}`);
  }
}

export interface LabEnvironment {
  readonly name: string;
  readonly workingDir: string;
  readonly instance: string;
  readonly configPath: string;
  ttd(...args: string[]): Promise<CliResult>;
  /** `ttd` with extra environment variables (NODE_EXTRA_CA_CERTS, for example). */
  ttdWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult>;
  /** A shell command on the instance, as root, through LXD (not through our SSH). */
  onInstance(command: string): Promise<string>;
  /** The environment's state record. */
  record(): { state: string; instance: { address?: string } };
  /** The environment's logs and the stack's state, for a failed scenario. */
  diagnostics(): Promise<string>;
}

/**
 * `init --non-interactive` with the given answers, then the two edits a lab user makes
 * by hand: the locally built LXD image and the registry mirror.
 */
export async function labEnvironment(lab: Lab, name: string, answers: readonly string[]): Promise<LabEnvironment> {
  const workingDir = temporaryDirectory(`ttd-lab-${name}-`);
  const ttdWith = (env: NodeJS.ProcessEnv, ...args: string[]) => runBinary(['--working-dir', workingDir, ...args], { env: { ...env, HOME: workingDir } });
  const ttd = (...args: string[]) => ttdWith({}, ...args);
  const keyPath = join(workingDir, 'id_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `ttd-lab-${name}`, '-f', keyPath]);
  const init = await ttd('init', '--non-interactive', '--yes', '--name', name, '--provider', 'lxd', '--lxd-instance-type', 'container', '--ssh-key', keyPath, ...answers);
  if (init.code !== 0) throw new Error(`init --non-interactive failed (${init.code}):\n${init.stderr}${init.stdout}`);
  const configPath = join(workingDir, 'envs', `${name}.toml`);
  const config = parse(readFileSync(configPath, 'utf8')) as Record<string, Record<string, unknown>>;
  config['provider'] = { ...config['provider'], image: lab.lxdImage };
  config['images'] = { ...config['images'], registry_mirror: lab.mirror };
  writeFileSync(configPath, stringify(config), { mode: 0o600 });

  const instance = `torrust-tracker-vm-${name}`;
  const onInstance = async (command: string) => {
    const result = await lxc('exec', instance, '--', 'sh', '-c', command);
    if (result.code !== 0) throw new Error(`on ${instance}: ${command} exited ${result.code}: ${result.stderr}`);
    return result.stdout.trim();
  };
  const record = () => JSON.parse(readFileSync(join(workingDir, 'data', name, 'environment.json'), 'utf8')) as { state: string; instance: { address?: string } };
  const diagnostics = async () => {
    const parts: string[] = [];
    const logs = join(workingDir, 'data', name, 'logs');
    if (existsSync(logs)) {
      for (const file of readdirSync(logs).sort().slice(-3)) parts.push(`--- ${file} (last 40 lines)\n${readFileSync(join(logs, file), 'utf8').split('\n').slice(-40).join('\n')}`);
    }
    const stack = await lxc('exec', instance, '--', 'sh', '-c', 'cd /opt/torrust 2>/dev/null && docker compose ps --all && docker compose logs --no-color --tail 30');
    const text = `${stack.stdout}${stack.stderr}`.split('\n').map(withoutTerminalControls).join('\n');
    parts.push(`--- the stack on ${instance} (exit ${stack.code})\n${text}`);
    return parts.join('\n');
  };
  return { name, workingDir, instance, configPath, ttd, ttdWith, onInstance, record, diagnostics };
}

/** Removes what a scenario's provider made, whatever state it is in. */
export async function removeLabInstance(name: string): Promise<void> {
  await lxc('delete', `torrust-tracker-vm-${name}`, '--force');
  for (const profile of (await lxc('profile', 'list', '--format', 'csv')).stdout.split('\n')) {
    const profileName = profile.split(',')[0];
    if (profileName !== undefined && profileName.endsWith(name) && profileName.startsWith('torrust-profile')) await lxc('profile', 'delete', profileName);
  }
}
