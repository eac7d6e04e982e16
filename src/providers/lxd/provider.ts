import { setTimeout as sleep } from 'node:timers/promises';
import type { EnvironmentConfig } from '../../config/schema.js';
import { DeployerError } from '../../domain/errors.js';
import type { Provider, ProviderInstance } from '../../run/ports.js';
import { cloudInitUserData } from '../user-data.js';
import * as lxc from './commands.js';
import { imageUnavailable, lxcFailure, lxdMessage, vmUnsupported } from './errors.js';
import { cloudInitStateOf, instanceFromList, serverHasCloudInitKeys, serverRunsVms, type InstanceView } from './parse.js';
import { lxcRunner, type LxcResult, type LxcRunner } from './runner.js';

export interface LxdProviderOptions {
  /** Executes the `lxc` commands (default: the real client from PATH). */
  readonly run?: LxcRunner;
  /** One line per thing worth telling while create waits (address, cloud-init status). */
  readonly onProgress?: (message: string) => void;
  /** The cloud-init user data; default: cloud-init.yml rendered from the config with its public key. */
  readonly userData?: string;
  readonly addressTimeoutMs?: number;
  readonly cloudInitTimeoutMs?: number;
  readonly pollIntervalMs?: number;
}

/** The LXD provider for one environment: its profile, its instance, nothing else. */
export class LxdProvider implements Provider {
  readonly name = 'lxd';
  private readonly settings: lxc.LxdProviderConfig;
  private readonly run: LxcRunner;
  private readonly progress: (message: string) => void;
  private readonly addressTimeoutMs: number;
  private readonly cloudInitTimeoutMs: number;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly config: EnvironmentConfig,
    private readonly options: LxdProviderOptions = {},
  ) {
    if (config.provider.provider !== 'lxd') throw new Error(`LxdProvider needs an lxd provider section, got ${config.provider.provider}`);
    this.settings = config.provider;
    this.run = options.run ?? lxcRunner();
    this.progress = options.onProgress ?? (() => undefined);
    this.addressTimeoutMs = options.addressTimeoutMs ?? 180_000;
    this.cloudInitTimeoutMs = options.cloudInitTimeoutMs ?? 600_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
  }

  async find(instanceName: string, signal: AbortSignal): Promise<ProviderInstance | undefined> {
    const view = await this.view(instanceName, signal);
    return view && { id: view.name, name: view.name, kind: view.type };
  }

  /**
   * Checks the host and image first (nothing is created when they do not fit), then
   * profile, instance with user data, start, and waits for an address and cloud-init.
   */
  async create(instanceName: string, signal: AbortSignal): Promise<ProviderInstance> {
    const server = await this.must(lxc.serverInfo(), signal);
    if (this.settings.instance_type === 'virtual-machine' && !serverRunsVms(server.stdout)) {
      throw vmUnsupported('the server has no operational qemu driver; KVM or the vhost_vsock kernel module is missing');
    }
    const image = await this.run(lxc.imageInfo(this.settings.image), signal);
    if (image.exitCode !== 0) {
      const failure = lxcFailure(lxc.imageInfo(this.settings.image), image, this.settings);
      throw failure.code === 'lxd.command_failed' ? imageUnavailable(this.settings.image, lxdMessage(image)) : failure;
    }
    const userData = this.options.userData ?? (await cloudInitUserData(this.config));
    const userDataKey: lxc.UserDataKey = serverHasCloudInitKeys(server.stdout) ? 'cloud-init.user-data' : 'user.user-data';

    await this.ensureProfile(signal);
    await this.must(lxc.instanceInit(this.settings, instanceName, lxc.instanceConfig(this.settings, userDataKey, userData)), signal);
    this.progress(`created ${this.settings.instance_type} ${instanceName} from ${this.settings.image} (profile ${this.settings.profile_name}, user data in ${userDataKey})`);
    await this.must(lxc.instanceStart(instanceName), signal);
    const address = await this.waitForAddress(instanceName, signal);
    this.progress(`${instanceName} has address ${address}`);
    await this.waitForCloudInit(instanceName, signal);
    return { id: instanceName, name: instanceName, kind: this.settings.instance_type };
  }

  /** Waits for the global IPv4 address; starts the instance first if a crash left it stopped. */
  async address(instance: ProviderInstance, signal: AbortSignal): Promise<string | undefined> {
    const view = await this.view(instance.name, signal);
    if (!view) return undefined;
    if (view.address) return view.address;
    if (view.status === 'Stopped') await this.must(lxc.instanceStart(instance.name), signal);
    return this.waitForAddress(instance.name, signal);
  }

  /** Deletes the instance, then the profile; either being gone already is fine. */
  async destroy(instanceName: string, _resourceIds: readonly string[], signal: AbortSignal): Promise<void> {
    if (await this.view(instanceName, signal)) await this.must(lxc.instanceDelete(instanceName), signal);
    const profile = await this.run(lxc.profileShow(this.settings.profile_name), signal);
    if (profile.exitCode === 0) {
      const deleted = await this.run(lxc.profileDelete(this.settings.profile_name), signal);
      if (deleted.exitCode !== 0 && !/not found/i.test(lxdMessage(deleted))) throw this.failure(lxc.profileDelete(this.settings.profile_name), deleted);
    } else if (!/not found/i.test(lxdMessage(profile))) {
      throw this.failure(lxc.profileShow(this.settings.profile_name), profile);
    }
  }

  plan(action: 'create' | 'address' | 'destroy', instanceName: string): readonly string[] {
    const profile = this.settings.profile_name;
    const commands: lxc.LxcCommand[] = (() => {
      switch (action) {
        case 'create':
          return [
            lxc.serverInfo(),
            lxc.imageInfo(this.settings.image),
            lxc.profileCreate(profile),
            lxc.profileEdit(profile, ''),
            lxc.instanceInit(this.settings, instanceName, lxc.instanceConfig(this.settings, 'cloud-init.user-data', '')),
            lxc.instanceStart(instanceName),
            lxc.instanceList(instanceName),
            lxc.cloudInitStatus(instanceName),
            lxc.bootFinished(instanceName),
          ];
        case 'address':
          return [lxc.instanceList(instanceName)];
        case 'destroy':
          return [lxc.instanceList(instanceName), lxc.instanceDelete(instanceName), lxc.profileShow(profile), lxc.profileDelete(profile)];
      }
    })();
    return commands.map(lxc.displayLine);
  }

  private async view(instanceName: string, signal: AbortSignal): Promise<InstanceView | undefined> {
    const listed = await this.must(lxc.instanceList(instanceName), signal);
    return instanceFromList(listed.stdout, instanceName);
  }

  private async ensureProfile(signal: AbortSignal): Promise<void> {
    const profile = this.settings.profile_name;
    const shown = await this.run(lxc.profileShow(profile), signal);
    if (shown.exitCode !== 0) {
      if (!/not found/i.test(lxdMessage(shown))) throw this.failure(lxc.profileShow(profile), shown);
      await this.must(lxc.profileCreate(profile), signal);
    }
    await this.must(lxc.profileEdit(profile, lxc.profileYaml(this.settings, this.config.environment.name)), signal);
  }

  private async waitForAddress(instanceName: string, signal: AbortSignal): Promise<string> {
    let last = 'not listed yet';
    return this.poll('a global IPv4 address', instanceName, this.addressTimeoutMs, () => last, signal, async () => {
      const view = await this.view(instanceName, signal);
      last = view ? `status ${view.status}, no global IPv4 address yet` : 'the instance is gone';
      if (!view) throw new DeployerError('lxd.command_failed', `Instance ${instanceName} disappeared while waiting for its address.`, { fix: 'see `lxc info --show-log ' + instanceName + '` and run provision again' });
      return view.address;
    });
  }

  private async waitForCloudInit(instanceName: string, signal: AbortSignal): Promise<void> {
    let last = 'no answer yet';
    let told = '';
    await this.poll('cloud-init to finish', instanceName, this.cloudInitTimeoutMs, () => last, signal, async () => {
      const result = await this.run(lxc.cloudInitStatus(instanceName), signal);
      if (result.exitCode === 127 || /executable file not found|cloud-init: not found/i.test(result.stderr)) {
        throw new DeployerError('lxd.cloud_init_failed', `The image "${this.settings.image}" has no cloud-init, so the SSH user and key cannot be set up.`, {
          where: 'provider.image',
          fix: 'use an image with cloud-init (ubuntu: images have it; from the images: remote pick a "/cloud" variant)',
        });
      }
      // Before the guest runs (or, in a VM, before lxd-agent is up) exec fails: keep polling.
      if (result.stdout.trim() === '') {
        last = lxdMessage(result);
        return undefined;
      }
      const state = cloudInitStateOf(result.stdout, result.exitCode);
      last = state.detail.split('\n')[0] ?? state.phase;
      if (last !== told) this.progress(`${instanceName}: cloud-init ${last}`);
      told = last;
      if (state.phase === 'error' || state.phase === 'disabled') {
        throw new DeployerError('lxd.cloud_init_failed', `cloud-init in ${instanceName} ${state.phase === 'error' ? 'ended in error' : 'is disabled'}.`, {
          fix: `look at /var/log/cloud-init.log in the instance (\`lxc exec ${instanceName} -- tail -50 /var/log/cloud-init.log\`), fix the cause, then destroy and provision again`,
          data: { detail: state.detail },
        });
      }
      if (state.phase !== 'done') return undefined;
      // `status: done` has been seen before the final stage wrote its marker; wait for both.
      return (await this.run(lxc.bootFinished(instanceName), signal)).exitCode === 0 ? true : undefined;
    });
  }

  /** Calls `attempt` every poll interval until it returns a value or the deadline passes. */
  private async poll<T>(what: string, instanceName: string, timeoutMs: number, last: () => string, signal: AbortSignal, attempt: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await attempt();
      if (value !== undefined) return value;
      if (Date.now() + this.pollIntervalMs > deadline) {
        throw new DeployerError('lxd.timeout', `${instanceName} did not get ${what} within ${Math.round(timeoutMs / 1000)}s (last: ${last()}).`, {
          fix: `look at \`lxc info --show-log ${instanceName}\` and \`lxc exec ${instanceName} -- cloud-init status --long\`; run provision again to keep waiting`,
        });
      }
      await sleep(this.pollIntervalMs, undefined, { signal }).catch(() => {
        throw new DeployerError('interrupted', `interrupted while waiting for ${what} on ${instanceName}`);
      });
    }
  }

  private async must(command: lxc.LxcCommand, signal: AbortSignal): Promise<LxcResult> {
    const result = await this.run(command, signal);
    if (result.exitCode !== 0) throw this.failure(command, result);
    return result;
  }

  private failure(command: lxc.LxcCommand, result: LxcResult): DeployerError {
    return lxcFailure(command, result, this.settings);
  }
}
