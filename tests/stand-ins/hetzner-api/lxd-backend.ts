/**
 * The lab's server backend: each server created through the stand-in becomes a real
 * LXD system container, so `provision` with provider `hetzner` yields a host the rest
 * of the pipeline can configure over SSH.
 *
 * What is real: the container boots the lab's Debian image (systemd, sshd, cloud-init)
 * with the server's `user_data` as its cloud-init user data, as a Hetzner server boots
 * its image with it; the server's public IPv4 is the container's address on lxdbr0.
 * What is not: the requested image, server type and location make no difference (every
 * server is the same Debian container under LXD's `default` profile), the /64 is a
 * documentation range, and the cloud firewall is recorded by the API but not enforced.
 *
 * Containers are named `ttd-hcloud-<run tag>-<server id>` (the tag differs per backend, so
 * a new stand-in never meets a container an earlier run left) and carry the config key
 * `user.ttd-hcloud-server`; `removeAll()` deletes exactly the ones this backend made.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { instanceFromList, serverHasCloudInitKeys } from '../../../src/providers/lxd/parse.js';
import { lxcRunner, type LxcResult, type LxcRunner } from '../../../src/providers/lxd/runner.js';
import type { MachineAddresses, MachineSpec, ServerBackend } from './backend.js';

export const CONTAINER_PREFIX = 'ttd-hcloud';

export interface LxdServerBackendOptions {
  /** The LXD image alias every server boots (`prepareLxd()` returns the lab's Debian 13 image). */
  readonly image: string;
  /** How long a container may take to get its IPv4 address (default 180 s). */
  readonly addressTimeoutMs?: number;
  readonly pollIntervalMs?: number;
  /**
   * Runs `lxc` (default: the LXD provider's runner, which closes the client's stdin: `lxc
   * init` reads instance config from a stdin that is not a terminal and would wait).
   */
  readonly run?: LxcRunner;
}

export class LxdServerBackend implements ServerBackend {
  /** Containers made by this backend and not deleted yet. */
  readonly containers = new Set<string>();
  /** Differs per backend, so a new stand-in never meets a container an earlier run left. */
  private readonly runTag = randomBytes(3).toString('hex');
  private readonly addressTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly run: LxcRunner;
  private userDataKey: Promise<string> | undefined;

  constructor(private readonly options: LxdServerBackendOptions) {
    this.addressTimeoutMs = options.addressTimeoutMs ?? 180_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.run = options.run ?? lxcRunner();
  }

  containerName(id: number): string {
    return `${CONTAINER_PREFIX}-${this.runTag}-${id}`;
  }

  /** Creates and starts the container with the user data; resolves once it has an IPv4 address (not when cloud-init is done, as on Hetzner). */
  async create(machine: MachineSpec): Promise<MachineAddresses> {
    const name = this.containerName(machine.id);
    const userDataKey = await (this.userDataKey ??= this.detectUserDataKey());
    this.containers.add(name);
    await this.must('init', this.options.image, name, '-c', 'security.nesting=true', '-c', `user.ttd-hcloud-server=${machine.name}`, '-c', `${userDataKey}=${machine.userData}`);
    await this.must('start', name);
    return { ipv4: await this.waitForAddress(name), ipv6Network: `2001:db8:${machine.id.toString(16)}::/64` };
  }

  /** Deletes the server's container; one already gone is fine. */
  async delete(machine: { readonly id: number }): Promise<void> {
    await this.remove(this.containerName(machine.id));
  }

  /** Deletes every container this backend made that is still there (for afterAll, also after a failure); tries each, then reports. */
  async removeAll(): Promise<void> {
    const failures: string[] = [];
    for (const name of [...this.containers]) await this.remove(name).catch((error: Error) => failures.push(error.message));
    if (failures.length > 0) throw new Error(`the stand-in's LXD backend could not remove every container: ${failures.join('; ')}`);
  }

  private async remove(name: string): Promise<void> {
    const result = await this.lxc('delete', name, '--force');
    if (result.exitCode !== 0 && !/not found/i.test(result.stderr)) throw new Error(`lxc delete ${name} --force failed: ${result.stderr.trim()}`);
    this.containers.delete(name);
  }

  /** `cloud-init.user-data` where LXD has the cloud_init extension, `user.user-data` before it (as src/providers/lxd does). */
  private async detectUserDataKey(): Promise<string> {
    const server = await this.must('query', '/1.0');
    return serverHasCloudInitKeys(server) ? 'cloud-init.user-data' : 'user.user-data';
  }

  private async waitForAddress(name: string): Promise<string> {
    const deadline = Date.now() + this.addressTimeoutMs;
    for (;;) {
      const view = instanceFromList(await this.must('list', name, '--format', 'json'), name);
      if (!view) throw new Error(`container ${name} disappeared while waiting for its IPv4 address`);
      if (view.address) return view.address;
      if (Date.now() + this.pollIntervalMs > deadline) {
        throw new Error(`container ${name} got no IPv4 address within ${Math.round(this.addressTimeoutMs / 1000)} s (status ${view.status}); see lxc info --show-log ${name}`);
      }
      await sleep(this.pollIntervalMs);
    }
  }

  private lxc(...args: string[]): Promise<LxcResult> {
    return this.run({ args }, AbortSignal.timeout(300_000));
  }

  /** The user data is never part of the message: only the subcommand and its first argument. */
  private async must(...args: string[]): Promise<string> {
    const result = await this.lxc(...args);
    if (result.exitCode !== 0) throw new Error(`lxc ${args[0]} ${args[1] ?? ''} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
    return result.stdout;
  }
}
