import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { lxc, prepareLxd } from '../support/lxd/real-lxd.js';
import { LxdServerBackend } from '../stand-ins/hetzner-api/lxd-backend.js';
import { startHetznerApiStandIn, STAND_IN_TOKEN, type HetznerApiStandIn } from '../stand-ins/hetzner-api/server.js';

const NAME = 'lab-hetzner';
const SERVER = `torrust-tracker-vm-${NAME}`;
const execFileAsync = promisify(execFile);

interface RecordedState {
  state: string;
  instance: { address?: string; ssh_host_key?: string };
  resources: { provider: string; kind: string; id: string; name: string }[];
}

/**
 * provider `hetzner` through the built binary against the Hetzner API stand-in, whose
 * servers are real LXD containers (lxd-backend.ts): provision must give a host that
 * takes the environment's key for the deploy user, and destroy must leave nothing
 * labelled for the environment, neither in the API nor in LXD.
 */
describe('provision and destroy with provider hetzner, on a real LXD container behind the API stand-in', () => {
  let workingDir: string;
  let standIn: HetznerApiStandIn;
  let backend: LxdServerBackend;
  let serverId: number;
  const ttd = (...args: string[]) => runBinary(['--working-dir', workingDir, ...args], { env: { HCLOUD_ENDPOINT: standIn.url, HCLOUD_TOKEN: STAND_IN_TOKEN } });
  const state = () => JSON.parse(readFileSync(join(workingDir, 'data', NAME, 'environment.json'), 'utf8')) as RecordedState;
  const ssh = (address: string, command: string) =>
    execFileAsync('ssh', ['-i', join(workingDir, 'envs', 'id'), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'LogLevel=ERROR', `torrust@${address}`, command], { encoding: 'utf8' });
  const labelled = () => {
    const snapshot = standIn.snapshot();
    return [...snapshot.servers, ...snapshot.firewalls, ...snapshot.sshKeys].filter((resource) => resource.labels['environment'] === NAME).map((resource) => resource.name);
  };

  beforeAll(async () => {
    const image = await prepareLxd();
    backend = new LxdServerBackend({ image });
    standIn = await startHetznerApiStandIn({ backend });
    workingDir = temporaryDirectory('ttd-lab-hetzner-');
    mkdirSync(join(workingDir, 'envs'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(workingDir, 'envs', 'id')]);
    writeFileSync(join(workingDir, 'envs', `${NAME}.toml`), `[environment]
name = "${NAME}"
[ssh_credentials]
private_key_path = "id"
public_key_path = "id.pub"
[provider]
provider = "hetzner"
server_type = "cx22"
location = "nbg1"
image = "debian-13"
[tracker.core.database]
driver = "sqlite3"
database_name = "lab.db"
[[tracker.udp_trackers]]
bind_address = "0.0.0.0:6969"
[[tracker.http_trackers]]
bind_address = "0.0.0.0:7070"
[tracker.http_api]
bind_address = "0.0.0.0:1212"
admin_token = "lab-admin-token-not-for-production"
[tracker.health_check_api]
bind_address = "127.0.0.1:1313"
`);
    const created = await ttd('create', 'environment', '-f', join(workingDir, 'envs', `${NAME}.toml`));
    expect(created.code, created.stderr).toBe(0);
  }, 900_000);

  afterAll(async () => {
    // Whatever happened above, each step runs: the containers this backend made, the API, the files.
    const failures = (
      await Promise.allSettled([
        (async () => backend?.removeAll())(),
        (async () => standIn?.close())(),
        (async () => workingDir && rmSync(workingDir, { recursive: true, force: true }))(),
      ])
    ).flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
    if (failures.length > 0) throw new AggregateError(failures, `cleanup failed: ${failures.map((failure) => failure.message).join('; ')}`);
  });

  it('provision creates key, firewall and a server whose address is the container\'s, and records its SSH host key', async () => {
    const result = await ttd('provision', NAME);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);

    const [server] = standIn.snapshot().servers;
    expect(server).toMatchObject({ name: SERVER, status: 'running', labels: { environment: NAME } });
    serverId = server!.id;
    const container = backend.containerName(serverId);
    expect([...backend.containers]).toEqual([container]);
    expect(labelled().sort()).toEqual([SERVER, `${SERVER}-firewall`, `${SERVER}-ssh-key`].sort());

    const listed = JSON.parse((await lxc('list', container, '--format', 'json')).stdout) as { name: string; status: string; state: { network: Record<string, { addresses: { family: string; address: string }[] }> } }[];
    const containerAddress = listed.find((entry) => entry.name === container)?.state.network['eth0']?.addresses.find((entry) => entry.family === 'inet')?.address;
    expect(containerAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(server!.public_net.ipv4?.ip).toBe(containerAddress);

    const recorded = state();
    expect(recorded.state).toBe('provisioned');
    expect(recorded.instance.address).toBe(containerAddress);
    expect(recorded.instance.ssh_host_key).toMatch(/^SHA256:/);
    expect(recorded.resources.map((resource) => resource.id)).toContain(String(serverId));
  }, 900_000);

  it('the deploy user logs in over SSH with the environment\'s key, with passwordless sudo', async () => {
    const address = state().instance.address;
    expect(address, 'provision recorded no address').toBeDefined();
    const { stdout } = await ssh(address!, 'id -un && sudo -n true && echo sudo-ok && cat /var/lib/cloud/instance/boot-finished >/dev/null && echo booted');
    expect(stdout.trim().split('\n')).toEqual(['torrust', 'sudo-ok', 'booted']);
    // The host key the deployer recorded is the one this host presents.
    const scanned = execFileSync('ssh-keyscan', ['-t', 'ed25519,ecdsa,rsa', address!], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const fingerprints = execFileSync('ssh-keygen', ['-lf', '-'], { input: scanned, encoding: 'utf8' });
    expect(fingerprints).toContain(state().instance.ssh_host_key!);
  }, 120_000);

  it('configure sets the host up over SSH as on any other provider: Docker, compose v2, the docker group, the firewall', async () => {
    const result = await ttd('configure', NAME);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const address = state().instance.address!;
    expect((await ssh(address, 'docker compose version')).stdout).toMatch(/Docker Compose version v?2\./);
    expect((await ssh(address, 'id -nG')).stdout.trim().split(' ')).toContain('docker');
    const ufw = (await ssh(address, 'sudo ufw status')).stdout;
    expect(ufw).toContain('Status: active');
    for (const rule of ['22/tcp', '6969/udp', '7070/tcp', '1212/tcp']) expect(ufw).toContain(rule);
  }, 900_000);

  it('destroy deletes the container and everything labelled for the environment; a second destroy is fine', async () => {
    const container = backend.containerName(serverId);
    const result = await ttd('destroy', NAME, '--yes');
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(labelled()).toEqual([]);
    expect(standIn.snapshot().servers).toEqual([]);
    expect((await lxc('info', container)).code).not.toBe(0);
    expect(backend.containers.size).toBe(0);
    expect(state().instance.address).toBeUndefined();

    const again = await ttd('destroy', NAME, '--yes');
    expect(again.code, again.stderr).toBe(0);
  }, 600_000);
});
