import type { EnvironmentConfig } from '../../config/schema.js';
import type { Provider, ProviderInstance, ProviderNotice } from '../../run/ports.js';
import { readFileSync } from 'node:fs';
import { renderArtifacts } from '../../render/render.js';
import { cloudInitUserData, readPublicKey } from '../user-data.js';
import { addressesOf, HetznerCloud, resourceNames } from './cloud.js';
import { missingTokenError } from './errors.js';
import { reviewOrder, reviewNotices } from './review.js';
import { firewallRules } from './firewall-rules.js';
import { endpointFrom } from './http.js';
import { firewallBody, labelQuery, maskedUserData, serverBody, sshKeyBody } from './requests.js';
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
    await this.cloud.destroyEnvironment(this.environment, { servers: serverIds(resourceIds) }, signal);
  }

  /** Checks location, server type and image at the API (refusing what create would refuse) and says what the server costs and what is deprecated. */
  async review(_instanceName: string, signal: AbortSignal): Promise<readonly ProviderNotice[]> {
    const { server_type: serverType, location, image } = this.settings;
    return reviewNotices(await reviewOrder(this.cloud, { serverType, location, image }, signal));
  }

  /** The requests a call makes, with their bodies (user data as size and sha256, never the token); destroy's name each recorded server id. */
  plan(action: 'create' | 'address' | 'destroy', instanceName: string, resourceIds: readonly string[] = []): readonly string[] {
    const names = resourceNames(instanceName);
    const selector = labelQuery(this.environment);
    const list = (path: string, query: Record<string, string>) => `GET ${path}?${new URLSearchParams({ ...query, page: '1', per_page: '50' }).toString()}`;
    switch (action) {
      case 'create': {
        const publicKey = publicKeySync(this.config);
        const { server_type: serverType, location, image } = this.settings;
        return [
          list('/locations', { name: location }),
          list('/server_types', { name: serverType }),
          list('/images', { name: image, architecture: '<the server type\'s>', include_deprecated: 'true' }),
          `POST /ssh_keys ${JSON.stringify(sshKeyBody({ environment: this.environment, name: names.sshKey, publicKey }))} (on uniqueness_error: ${list('/ssh_keys', { fingerprint: '<of the key>' })})`,
          `POST /firewalls ${JSON.stringify(firewallBody({ environment: this.environment, name: names.firewall, rules: firewallRules(this.config) }))}`,
          `POST /servers ${JSON.stringify(serverBody({ environment: this.environment, name: names.server, serverType, location, image: `<id of ${image}>`, userData: '', sshKeyIds: ['<id of the SSH key>'], firewallIds: ['<id of the firewall>'] })).replace('"user_data":""', `"user_data":"${maskedUserData(userDataSync(this.config, publicKey))}"`)}`,
          'GET /actions?id=<create_server>&id=<start_server>&sort=status&sort=id every 0.5 s until both succeed',
          'GET /servers/<id> until its status is running',
        ];
      }
      case 'address':
        return [list('/servers', selector)];
      case 'destroy': {
        const recorded = serverIds(resourceIds);
        return [
          list('/servers', selector),
          list('/firewalls', selector),
          list('/ssh_keys', selector),
          ...recorded.map((id) => `GET /servers/${id} (recorded in the state; only when the list above lacks it: deleted if its labels name this environment, else left alone)`),
          ...recorded.map((id) => `DELETE /servers/${id}, then GET /actions?id=<its delete_server action> until it succeeds (404: already gone)`),
          `DELETE /servers/<id> for each ${recorded.length > 0 ? 'other ' : ''}server listed above, then GET /actions?id=<delete_server> until it succeeds`,
          'GET /firewalls/<id>, POST /firewalls/<id>/actions/remove_from_resources {"remove_from":<its applied_to>} while applied (firewall_resource_not_found counts as done), DELETE /firewalls/<id> for each firewall listed above',
          'DELETE /ssh_keys/<id> for each SSH key listed above',
        ];
      }
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

/** The recorded resource ids that are Hetzner server ids (the state records the server this provider created). */
function serverIds(resourceIds: readonly string[]): number[] {
  return resourceIds.map(Number).filter((id) => Number.isInteger(id) && id > 0);
}

function instanceOf(server: Server): ProviderInstance {
  return { id: String(server.id), name: server.name, kind: 'server' };
}

/** For the plan, which is synchronous: the key line, or a placeholder the real run would fail on. */
function publicKeySync(config: EnvironmentConfig): string {
  try {
    return readFileSync(config.ssh_credentials.public_key_path, 'utf8').trim();
  } catch {
    return `<${config.ssh_credentials.public_key_path}: unreadable>`;
  }
}

function userDataSync(config: EnvironmentConfig, publicKey: string): string {
  return renderArtifacts(config, { sshPublicKey: publicKey }).get('cloud-init.yml')?.content ?? '';
}
