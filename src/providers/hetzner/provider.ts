import type { EnvironmentConfig } from '../../config/schema.js';
import type { Provider, ProviderInstance } from '../../run/ports.js';
import { cloudInitUserData, readPublicKey } from '../user-data.js';
import { addressesOf, HetznerCloud, resourceNames } from './cloud.js';
import { missingTokenError } from './errors.js';
import { firewallRules } from './firewall-rules.js';
import { endpointFrom } from './http.js';
import type { Server } from './schema.js';

export interface HetznerProviderOptions {
  /** The API client; default: one for the config's token (or HCLOUD_TOKEN) and HCLOUD_ENDPOINT. */
  readonly cloud?: HetznerCloud;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The engine's Provider on Hetzner Cloud: an SSH key, a cloud firewall (SSH and
 * the tracker's public ports only) and the server, all labelled with the
 * environment so destroy finds them even if a crash kept an id from the state.
 */
export class HetznerProvider implements Provider {
  readonly name = 'hetzner';
  private client: HetznerCloud | undefined;
  private readonly env: NodeJS.ProcessEnv;
  private readonly settings: Extract<EnvironmentConfig['provider'], { provider: 'hetzner' }>;
  private readonly environment: string;

  constructor(
    private readonly config: EnvironmentConfig,
    options: HetznerProviderOptions = {},
  ) {
    if (config.provider.provider !== 'hetzner') throw new Error(`HetznerProvider needs a hetzner provider section, got ${config.provider.provider}`);
    this.settings = config.provider;
    this.environment = config.environment.name;
    this.client = options.cloud;
    this.env = options.env ?? process.env;
  }

  /** Made on first use, so planning (--dry-run) needs no token. */
  private get cloud(): HetznerCloud {
    this.client ??= new HetznerCloud({ token: this.token(), endpoint: endpointFrom(this.env) });
    return this.client;
  }

  async find(instanceName: string, signal: AbortSignal): Promise<ProviderInstance | undefined> {
    const server = await this.server(instanceName, signal);
    return server && instanceOf(server);
  }

  async create(instanceName: string, signal: AbortSignal): Promise<ProviderInstance> {
    const names = resourceNames(instanceName);
    const publicKey = await readPublicKey(this.config);
    const { server } = await this.cloud.provision(
      {
        environment: this.environment,
        name: names.server,
        serverType: this.settings.server_type,
        location: this.settings.location,
        image: this.settings.image,
        userData: await cloudInitUserData(this.config, publicKey),
        sshKey: { name: names.sshKey, publicKey },
        firewall: { name: names.firewall, rules: firewallRules(this.config) },
      },
      () => undefined,
      signal,
    );
    return instanceOf(server);
  }

  async address(instance: ProviderInstance, signal: AbortSignal): Promise<string | undefined> {
    const server = await this.server(instance.name, signal);
    return server ? addressesOf(server).ipv4 : undefined;
  }

  async destroy(_instanceName: string, resourceIds: readonly string[], signal: AbortSignal): Promise<void> {
    const servers = resourceIds.map(Number).filter((id) => Number.isInteger(id) && id > 0);
    await this.cloud.destroyEnvironment(this.environment, { servers }, signal);
  }

  plan(action: 'create' | 'address' | 'destroy', instanceName: string): readonly string[] {
    const names = resourceNames(instanceName);
    const selector = `label_selector=managed-by=torrust-tracker-deployer,environment=${this.environment}`;
    switch (action) {
      case 'create':
        return [
          `GET /locations, /server_types, /images: check ${this.settings.location}, ${this.settings.server_type}, ${this.settings.image}`,
          `POST /ssh_keys ${names.sshKey} (or reuse the key with the same fingerprint)`,
          `POST /firewalls ${names.firewall}: ${firewallRules(this.config).map((rule) => `${rule.port}/${rule.protocol}`).join(', ')}`,
          `POST /servers ${names.server} (${this.settings.server_type} in ${this.settings.location}, ${this.settings.image}, cloud-init user data)`,
          'GET /actions until the server runs',
        ];
      case 'address':
        return [`GET /servers?name=${names.server}&${selector}`];
      case 'destroy':
        return [`GET /servers, /firewalls, /ssh_keys?${selector}`, 'DELETE each server (waiting for it), then each firewall (after remove_from_resources), then each SSH key'];
    }
  }

  private async server(instanceName: string, signal: AbortSignal): Promise<Server | undefined> {
    const { servers } = await this.cloud.findEnvironment(this.environment, signal);
    return servers.find((server) => server.name === resourceNames(instanceName).server);
  }

  private token(): string {
    const token = this.settings.api_token;
    if (!token) throw missingTokenError();
    return token;
  }
}

function instanceOf(server: Server): ProviderInstance {
  return { id: String(server.id), name: server.name, kind: 'server' };
}
