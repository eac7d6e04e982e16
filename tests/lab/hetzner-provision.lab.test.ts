import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { lxc } from '../support/lxd/real-lxd.js';
import { LxdServerBackend } from '../stand-ins/hetzner-api/lxd-backend.js';
import { startHetznerApiStandIn, STAND_IN_TOKEN, type HetznerApiStandIn } from '../stand-ins/hetzner-api/server.js';
import { labUp } from './lab.js';

const NAME = 'lab-hetzner';
const SERVER = `torrust-tracker-vm-${NAME}`;
const execFileAsync = promisify(execFile);

interface RecordedState {
  state: string;
  instance: { address?: string; ssh_host_key?: string };
  resources: { provider: string; kind: string; id: string; name: string }[];
}

/**
 * Lab scenario 3: provider `hetzner` through the built binary against the Hetzner API
 * stand-in, whose servers are real LXD containers (lxd-backend.ts). provision must give
 * a host that takes the environment's key for the deploy user; `deploy` carries on from
 * there to a running tracker (images through the lab registry, as on scenario 1) that
 * `ttd test` announces to; destroy must leave nothing labelled for the environment,
 * neither in the API nor in LXD.
 */
describe('scenario 3: provider hetzner, from provision to a tested tracker and back to nothing, on a real LXD container behind the API stand-in', () => {
  let workingDir: string;
  let standIn: HetznerApiStandIn;
  let backend: LxdServerBackend;
  let serverId: number;
  let labMirror: string;
  const ttd = (...args: string[]) => runBinary(['--working-dir', workingDir, ...args], { env: { HCLOUD_ENDPOINT: standIn.url, HCLOUD_TOKEN: STAND_IN_TOKEN } });
  const state = () => JSON.parse(readFileSync(join(workingDir, 'data', NAME, 'environment.json'), 'utf8')) as RecordedState;
  const ssh = (address: string, command: string) =>
    execFileAsync('ssh', ['-i', join(workingDir, 'envs', 'id'), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'LogLevel=ERROR', `torrust@${address}`, command], { encoding: 'utf8' });
  const explainFailure = () =>
    onTestFailed(async () => {
      const address = workingDir && existsSync(join(workingDir, 'data', NAME, 'environment.json')) ? state().instance.address : undefined;
      const logs = join(workingDir, 'data', NAME, 'logs');
      const parts = existsSync(logs) ? readdirSync(logs).sort().slice(-2).map((file) => `--- ${file} (last 40 lines)\n${readFileSync(join(logs, file), 'utf8').split('\n').slice(-40).join('\n')}`) : [];
      if (address) {
        const stack = await ssh(address, 'cd /opt/torrust 2>/dev/null && docker compose ps --all && docker compose logs --no-color --tail 30').catch((error: Error & { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: `${error.stderr ?? ''}${error.message}` }));
        parts.push(`--- the stack on ${address}\n${stack.stdout}${stack.stderr}`);
      }
      console.error(parts.join('\n'));
    });
  /** LXD containers the stand-in made for this environment's server, whatever backend made them. */
  const containersFor = async () => {
    const listed = JSON.parse((await lxc('list', '--format', 'json')).stdout) as { name: string; config: Record<string, string> }[];
    return listed.filter((entry) => entry.config['user.ttd-hcloud-server'] === SERVER).map((entry) => entry.name);
  };
  const labelled = () => {
    const snapshot = standIn.snapshot();
    return [...snapshot.servers, ...snapshot.firewalls, ...snapshot.sshKeys].filter((resource) => resource.labels['environment'] === NAME).map((resource) => resource.name);
  };

  beforeAll(async () => {
    const lab = await labUp();
    labMirror = lab.mirror;
    backend = new LxdServerBackend({ image: lab.lxdImage });
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
server_type = "cx23"
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
[images]
registry_mirror = "${lab.mirror}"
`);
    const created = await ttd('create', 'environment', '-f', join(workingDir, 'envs', `${NAME}.toml`));
    expect(created.code, created.stderr).toBe(0);
  }, 900_000);

  afterAll(async () => {
    // Whatever happened above, each step runs: the containers this backend made, the API. The
    // working directory stays, as every lab scenario's does, for a look after a failure.
    const failures = (
      await Promise.allSettled([
        (async () => backend?.removeAll())(),
        (async () => standIn?.close())(),
      ])
    ).flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
    if (failures.length > 0) throw new AggregateError(failures, `cleanup failed: ${failures.map((failure) => failure.message).join('; ')}`);
  });

  it('provision creates key, firewall and a server whose address is the container\'s, and records its SSH host key', async () => {
    explainFailure();
    const result = await ttd('provision', NAME);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    // Before the server was ordered the user saw what it costs (from the stand-in's GET /pricing).
    expect(result.stderr).toMatch(/ℹ Cost: a \S+ server in \S+ costs [\d.]+ EUR a month at most, [\d.]+ EUR an hour, gross/);

    const [server] = standIn.snapshot().servers;
    expect(server).toMatchObject({ name: SERVER, status: 'running', labels: { environment: NAME } });
    serverId = server!.id;
    const container = backend.containerName(serverId);
    expect([...backend.containers]).toEqual([container]);
    expect(await containersFor()).toEqual([container]);
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

  it('deploy carries on from provisioned: configure sets the host up as on any other provider, and the stack runs from images pulled through the mirror', async () => {
    explainFailure();
    const result = await ttd('deploy', NAME);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(state().state).toBe('running');
    const address = state().instance.address!;
    const output = result.stdout + result.stderr;
    expect(output).toContain(`udp://${address}:6969/announce`);
    expect(output).toContain(`http://${address}:7070/announce`);

    expect((await ssh(address, 'docker compose version')).stdout).toMatch(/Docker Compose version v?2\./);
    expect((await ssh(address, 'id -nG')).stdout.trim().split(' ')).toContain('docker');
    const ufw = (await ssh(address, 'sudo ufw status')).stdout;
    expect(ufw).toContain('Status: active');
    for (const rule of ['22/tcp', '6969/udp', '7070/tcp', '1212/tcp']) expect(ufw).toContain(rule);
    expect((await ssh(address, 'cd /opt/torrust && docker compose ps --format "{{.Service}} {{.State}}"')).stdout.trim().split('\n')).toEqual(['tracker running']);
    expect((await ssh(address, `docker image inspect torrust/tracker:develop --format '{{index .Config.Labels "org.opencontainers.image.title"}}'`)).stdout.trim()).toBe('torrust/tracker STAND-IN');
    expect((await ssh(address, 'docker info --format "{{json .RegistryConfig.Mirrors}}"')).stdout).toContain(new URL(labMirror).host);
  }, 900_000);

  it('test: UDP and HTTP announces and the health checks pass against the tracker on the hetzner server', async () => {
    explainFailure();
    const result = await ttd('test', NAME, '--json');
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const checks = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; kind?: string; status?: string })
      .filter((line) => line.type === 'check');
    const passed = (kind: string) => checks.filter((check) => check.kind === kind && check.status === 'pass').length;
    expect(passed('udp-announce'), JSON.stringify(checks)).toBe(1);
    expect(passed('http-announce'), JSON.stringify(checks)).toBe(1);
    expect(passed('http-health'), JSON.stringify(checks)).toBeGreaterThanOrEqual(2);
    expect(checks.filter((check) => check.status === 'fail')).toEqual([]);
  }, 300_000);

  it('destroy deletes the container and everything labelled for the environment; a second destroy is fine', async () => {
    explainFailure();
    const container = backend.containerName(serverId);
    const result = await ttd('destroy', NAME, '--yes');
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(labelled()).toEqual([]);
    expect(standIn.snapshot().servers).toEqual([]);
    expect((await lxc('info', container)).code).not.toBe(0);
    expect(backend.containers.size).toBe(0);
    expect(await containersFor()).toEqual([]);
    expect(state().instance.address).toBeUndefined();

    const again = await ttd('destroy', NAME, '--yes');
    expect(again.code, again.stderr).toBe(0);
  }, 600_000);
});
