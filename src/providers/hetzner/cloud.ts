import { DeployerError } from '../../domain/errors.js';
import { waitForActions, ACTION_TIMEOUT_MS, POLL_INTERVAL_MS } from './actions.js';
import { HetznerApiError } from './errors.js';
import { HetznerHttp, type HetznerHttpOptions } from './http.js';
import { belongsTo, environmentSelector } from './labels.js';
import { firewallBody, serverBody, sshKeyBody, USER_DATA_LIMIT, type ServerBodySpec } from './requests.js';
import type { Action, Firewall, FirewallRule, Image, Location, Server, ServerType, SshKey } from './schema.js';
import { serverTypeNotice, serverTypeProblem } from './server-type.js';
import { sshKeyFingerprint } from './ssh-key.js';

export type ResourceKind = 'server' | 'firewall' | 'ssh_key';

export interface ResourceRef {
  readonly kind: ResourceKind;
  readonly id: number;
  readonly name: string;
}

/** Ids the caller recorded in its state; destroy removes these, then sweeps by label. */
export interface RecordedIds {
  readonly servers?: readonly number[];
  readonly firewalls?: readonly number[];
  readonly sshKeys?: readonly number[];
}

export interface EnvironmentResources {
  readonly servers: readonly Server[];
  readonly firewalls: readonly Firewall[];
  readonly sshKeys: readonly SshKey[];
}

export interface Addresses {
  readonly ipv4: string | undefined;
  /** The server's own address in its /64 (`<network>::1`). */
  readonly ipv6: string | undefined;
}

export interface ServerSpec extends ServerBodySpec {
  readonly sshKeyIds: readonly number[];
  readonly firewallIds: readonly number[];
}

export interface ProvisionSpec extends Omit<ServerSpec, 'sshKeyIds' | 'firewallIds' | 'image'> {
  /** The image's name; provisioning looks it up and creates the server with its id. */
  readonly image: string;
  readonly sshKey: { readonly name: string; readonly publicKey: string };
  readonly firewall: { readonly name: string; readonly rules: readonly FirewallRule[] };
}

export interface DestroyReport {
  readonly deleted: readonly ResourceRef[];
  /** Recorded ids that now name a resource not created for this environment: left alone. */
  readonly kept: readonly ResourceRef[];
}

/** Resource names derived from the instance name, so one project can hold many environments. */
export function resourceNames(instanceName: string): { server: string; firewall: string; sshKey: string } {
  return { server: instanceName, firewall: `${instanceName}-firewall`, sshKey: `${instanceName}-ssh-key` };
}

/**
 * The Hetzner Cloud operations the provider needs, each a small step the caller can
 * record and resume around. Every resource created carries the environment's labels.
 */
export class HetznerCloud {
  readonly http: HetznerHttp;

  constructor(options: HetznerHttpOptions | HetznerHttp) {
    this.http = options instanceof HetznerHttp ? options : new HetznerHttp(options);
  }

  async location(name: string, signal?: AbortSignal): Promise<Location> {
    const [found] = await this.http.list<Location>('/locations', 'locations', { name }, signal);
    if (found) return found;
    const all = await this.http.list<Location>('/locations', 'locations', {}, signal);
    throw new DeployerError('hetzner.location_unknown', `Hetzner has no location "${name}".`, {
      where: 'provider.location',
      fix: `use one of: ${all.map((location) => `${location.name} (${location.city})`).join(', ')}`,
    });
  }

  /** The server type, if it exists and can be ordered in the location today (a deprecated one until its unavailable_after date). */
  async serverType(name: string, location: string, signal?: AbortSignal): Promise<ServerType> {
    const now = this.http.time.now();
    const [found] = await this.http.list<ServerType>('/server_types', 'server_types', { name }, signal);
    const problem = found === undefined ? `Hetzner has no server type "${name}".` : serverTypeProblem(found, location, now);
    if (found && problem === undefined) return found;
    const offered = (await this.http.list<ServerType>('/server_types', 'server_types', {}, signal)).filter((type) => serverTypeProblem(type, location, now) === undefined && serverTypeNotice(type, location, now) === undefined);
    throw new DeployerError('hetzner.server_type_unavailable', problem ?? `Hetzner has no server type "${name}".`, {
      where: 'provider.server_type',
      fix: offered.length > 0 ? `use one of the types offered in ${location}: ${offered.map((type) => `${type.name} (${type.cores} vCPU, ${type.memory} GB)`).join(', ')}` : `no server type is offered in ${location}; choose another provider.location`,
    });
  }

  /** A deprecated image can still be used (the API lists it only with include_deprecated). */
  async image(name: string, architecture: ServerType['architecture'], signal?: AbortSignal): Promise<Image> {
    const [found] = await this.http.list<Image>('/images', 'images', { name, architecture, include_deprecated: 'true' }, signal);
    if (found && found.status === 'available') return found;
    const system = await this.http.list<Image>('/images', 'images', { type: 'system', architecture, status: 'available' }, signal);
    throw new DeployerError('hetzner.image_unknown', `Hetzner has no available ${architecture} image "${name}".`, {
      where: 'provider.image',
      fix: `use one of the system images: ${system.flatMap((image) => (image.name ? [image.name] : [])).join(', ')}`,
    });
  }

  /** Checks the configured location, server type and image before anything is created. */
  async validate(choice: { serverType: string; location: string; image: string }, signal?: AbortSignal): Promise<{ location: Location; serverType: ServerType; image: Image; warnings: string[] }> {
    const location = await this.location(choice.location, signal);
    const serverType = await this.serverType(choice.serverType, location.name, signal);
    const image = await this.image(choice.image, serverType.architecture, signal);
    const warnings = [serverTypeNotice(serverType, location.name, this.http.time.now()), image.deprecated ? `The Hetzner image "${choice.image}" is deprecated (since ${image.deprecated.slice(0, 10)}); choose a current one for provider.image.` : undefined];
    return { location, serverType, image, warnings: warnings.filter((warning) => warning !== undefined) };
  }

  /** Uploads the key, or reuses the project's key with the same fingerprint (which destroy then leaves alone unless it is ours). */
  async ensureSshKey(spec: { environment: string; name: string; publicKey: string }, signal?: AbortSignal): Promise<{ key: SshKey; created: boolean }> {
    const fingerprint = sshKeyFingerprint(spec.publicKey);
    try {
      const body = await this.http.request<{ ssh_key: SshKey }>('POST', '/ssh_keys', { body: sshKeyBody(spec), signal });
      return { key: body.ssh_key, created: true };
    } catch (error) {
      if (!isApiError(error, 'uniqueness_error')) throw error;
      const [existing] = await this.http.list<SshKey>('/ssh_keys', 'ssh_keys', { fingerprint }, signal);
      if (existing) return { key: existing, created: false };
      throw nameTaken('SSH key', spec.name, spec.environment);
    }
  }

  /** A firewall with exactly these inbound rules; an existing one of this environment gets its rules set again. */
  async ensureFirewall(spec: { environment: string; name: string; rules: readonly FirewallRule[] }, signal?: AbortSignal): Promise<{ firewall: Firewall; created: boolean }> {
    try {
      const body = await this.http.request<{ firewall: Firewall; actions: Action[] }>('POST', '/firewalls', { body: firewallBody(spec), signal });
      await waitForActions(this.http, body.actions, signal);
      return { firewall: body.firewall, created: true };
    } catch (error) {
      if (!isApiError(error, 'uniqueness_error')) throw error;
      const [existing] = await this.http.list<Firewall>('/firewalls', 'firewalls', { name: spec.name }, signal);
      if (!existing || !belongsTo(existing.labels, spec.environment)) throw nameTaken('firewall', spec.name, spec.environment);
      const body = await this.http.request<{ actions: Action[] }>('POST', `/firewalls/${existing.id}/actions/set_rules`, { body: { rules: spec.rules }, signal });
      await waitForActions(this.http, body.actions, signal);
      return { firewall: { ...existing, rules: spec.rules }, created: false };
    }
  }

  /**
   * Asks for the server and returns as soon as the API gives its id (so the caller can
   * record it), with the actions to wait for. A server of this environment with the
   * same name (a run that crashed before recording it) is adopted.
   */
  async createServer(spec: ServerSpec, signal?: AbortSignal): Promise<{ server: Server; actions: Action[]; created: boolean }> {
    checkUserDataSize(spec.userData);
    try {
      const body = await this.http.request<{ server: Server; action: Action; next_actions: Action[] }>('POST', '/servers', { body: serverBody(spec), signal });
      return { server: body.server, actions: [body.action, ...body.next_actions], created: true };
    } catch (error) {
      if (!isApiError(error, 'uniqueness_error')) throw error;
      const [existing] = await this.http.list<Server>('/servers', 'servers', { name: spec.name }, signal);
      if (!existing || !belongsTo(existing.labels, spec.environment)) throw nameTaken('server', spec.name, spec.environment);
      return { server: existing, actions: [], created: false };
    }
  }

  /** Waits for the create actions, then until the server runs; returns its addresses. */
  async waitUntilRunning(serverId: number, actions: readonly Action[], signal?: AbortSignal): Promise<Addresses> {
    await waitForActions(this.http, actions, signal);
    const deadline = this.http.time.now() + ACTION_TIMEOUT_MS;
    for (;;) {
      const { server } = await this.http.request<{ server: Server }>('GET', `/servers/${serverId}`, { signal });
      if (server.status === 'running') return addressesOf(server);
      if (this.http.time.now() >= deadline) {
        throw new DeployerError('hetzner.action_failed', `Server ${server.name} (#${server.id}) is still "${server.status}" after ${ACTION_TIMEOUT_MS / 60_000} minutes.`, {
          fix: 'check the server in the Hetzner Console; power it on or delete it (ttd destroy) and run the command again',
        });
      }
      await this.http.time.sleep(POLL_INTERVAL_MS, signal);
    }
  }

  /**
   * SSH key, firewall and server in order; `onCreated` hears each id the moment the
   * API returns it, so a crash later still leaves the id in the caller's state.
   */
  async provision(spec: ProvisionSpec, onCreated: (resource: ResourceRef) => void | Promise<void>, signal?: AbortSignal): Promise<{ server: Server; addresses: Addresses }> {
    checkUserDataSize(spec.userData);
    const { image } = await this.validate(spec, signal);
    const { key, created: keyCreated } = await this.ensureSshKey({ environment: spec.environment, ...spec.sshKey }, signal);
    if (keyCreated || belongsTo(key.labels, spec.environment)) await onCreated({ kind: 'ssh_key', id: key.id, name: key.name });
    const { firewall } = await this.ensureFirewall({ environment: spec.environment, ...spec.firewall }, signal);
    await onCreated({ kind: 'firewall', id: firewall.id, name: firewall.name });
    const { server, actions } = await this.createServer({ ...spec, image: image.id, sshKeyIds: [key.id], firewallIds: [firewall.id] }, signal);
    await onCreated({ kind: 'server', id: server.id, name: server.name });
    return { server, addresses: await this.waitUntilRunning(server.id, actions, signal) };
  }

  /** Everything labelled as this environment's. */
  async findEnvironment(environment: string, signal?: AbortSignal): Promise<EnvironmentResources> {
    const label_selector = environmentSelector(environment);
    return {
      servers: await this.http.list<Server>('/servers', 'servers', { label_selector }, signal),
      firewalls: await this.http.list<Firewall>('/firewalls', 'firewalls', { label_selector }, signal),
      sshKeys: await this.http.list<SshKey>('/ssh_keys', 'ssh_keys', { label_selector }, signal),
    };
  }

  /** What destroy would remove (for --dry-run): the recorded ids that are still this environment's, and every labelled resource. */
  async planDestroy(environment: string, recorded: RecordedIds = {}, signal?: AbortSignal): Promise<{ targets: EnvironmentResources; kept: ResourceRef[] }> {
    const found = await this.findEnvironment(environment, signal);
    const kept: ResourceRef[] = [];
    const resolve = async <T extends { id: number; name: string; labels: Record<string, string> }>(kind: ResourceKind, path: string, key: string, ids: readonly number[] | undefined, labelled: readonly T[]): Promise<T[]> => {
      const targets = [...labelled];
      for (const id of ids ?? []) {
        if (targets.some((target) => target.id === id)) continue;
        const resource = await this.getIfExists<T>(`${path}/${id}`, key, signal);
        if (!resource) continue;
        if (belongsTo(resource.labels, environment)) targets.push(resource);
        else kept.push({ kind, id, name: resource.name });
      }
      return targets;
    };
    const targets = {
      servers: await resolve('server', '/servers', 'server', recorded.servers, found.servers),
      firewalls: await resolve('firewall', '/firewalls', 'firewall', recorded.firewalls, found.firewalls),
      sshKeys: await resolve('ssh_key', '/ssh_keys', 'ssh_key', recorded.sshKeys, found.sshKeys),
    };
    return { targets, kept };
  }

  /** Removes the environment's servers (and waits), then firewalls, then SSH keys. What is already gone is fine. */
  async destroyEnvironment(environment: string, recorded: RecordedIds = {}, signal?: AbortSignal): Promise<DestroyReport> {
    const { targets, kept } = await this.planDestroy(environment, recorded, signal);
    const deleted: ResourceRef[] = [];
    for (const server of targets.servers) if (await this.deleteServer(server.id, signal)) deleted.push({ kind: 'server', id: server.id, name: server.name });
    for (const firewall of targets.firewalls) if (await this.deleteFirewall(firewall.id, signal)) deleted.push({ kind: 'firewall', id: firewall.id, name: firewall.name });
    for (const key of targets.sshKeys) if (await this.deleteSshKey(key.id, signal)) deleted.push({ kind: 'ssh_key', id: key.id, name: key.name });
    return { deleted, kept };
  }

  /** Deletes the server and waits until it is gone; false when it was already gone. */
  async deleteServer(id: number, signal?: AbortSignal): Promise<boolean> {
    const body = await this.ignoreNotFound(this.http.request<{ action: Action }>('DELETE', `/servers/${id}`, { signal }));
    if (!body) return false;
    await waitForActions(this.http, [body.action], signal);
    return true;
  }

  /** Detaches the firewall from whatever it still applies to, then deletes it; false when it was already gone. */
  async deleteFirewall(id: number, signal?: AbortSignal): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const firewall = await this.getIfExists<Firewall>(`/firewalls/${id}`, 'firewall', signal);
      if (!firewall) return false;
      if (firewall.applied_to.length > 0) {
        // firewall_resource_not_found: the server is already gone, so the firewall is detached from it.
        const detached = await this.ignoreNotFound(this.http.request<{ actions: Action[] }>('POST', `/firewalls/${id}/actions/remove_from_resources`, { body: { remove_from: firewall.applied_to }, signal }), 'firewall_resource_not_found');
        if (detached) await waitForActions(this.http, detached.actions, signal);
      }
      try {
        await this.http.request('DELETE', `/firewalls/${id}`, { signal });
        return true;
      } catch (error) {
        if (isApiError(error, 'not_found')) return false;
        // A server deleted a moment ago may still be listed in applied_to: detach again.
        if (!isApiError(error, 'resource_in_use') || attempt >= 5) throw error;
        await this.http.time.sleep(POLL_INTERVAL_MS, signal);
      }
    }
  }

  /** False when the key was already gone. */
  async deleteSshKey(id: number, signal?: AbortSignal): Promise<boolean> {
    return (await this.ignoreNotFound(this.http.request('DELETE', `/ssh_keys/${id}`, { signal }).then(() => true))) ?? false;
  }

  private async getIfExists<T>(path: string, key: string, signal?: AbortSignal): Promise<T | undefined> {
    const body = await this.ignoreNotFound(this.http.request<Record<string, T>>('GET', path, { signal }));
    return body?.[key];
  }

  private async ignoreNotFound<T>(request: Promise<T>, alsoGone?: string): Promise<T | undefined> {
    try {
      return await request;
    } catch (error) {
      if (isApiError(error, 'not_found') || (alsoGone !== undefined && isApiError(error, alsoGone))) return undefined;
      throw error;
    }
  }
}

export function addressesOf(server: Server): Addresses {
  const network = server.public_net.ipv6?.ip;
  return { ipv4: server.public_net.ipv4?.ip, ipv6: network ? `${network.split('/')[0]}1` : undefined };
}

/** Refused before anything is created: Hetzner's limit, and what makes the user data big. */
function checkUserDataSize(userData: string): void {
  const size = Buffer.byteLength(userData, 'utf8');
  if (size <= USER_DATA_LIMIT) return;
  throw new DeployerError('hetzner.user_data_too_large', `The cloud-init user data is ${size} bytes; Hetzner accepts at most ${USER_DATA_LIMIT} bytes (32 KiB).`, {
    where: 'ssh_credentials.public_key_path',
    fix: 'the user data holds the rendered cloud-init.yml with your SSH public key: use a single, short key line (an ed25519 key is about 100 bytes) and check that public_key_path points at a .pub file, not a key bundle',
    data: { size, limit: USER_DATA_LIMIT },
  });
}

function isApiError(error: unknown, apiCode: string): error is HetznerApiError {
  return error instanceof HetznerApiError && error.apiCode === apiCode;
}

function nameTaken(kind: string, name: string, environment: string): DeployerError {
  return new DeployerError('hetzner.name_taken', `The Hetzner project already has a ${kind} named "${name}" that was not created for environment "${environment}".`, {
    where: 'environment.instance_name',
    fix: `set environment.instance_name to another name, or delete that ${kind} in the Hetzner Console if nothing uses it`,
  });
}
