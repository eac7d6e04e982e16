/**
 * A stand-in for the Hetzner Cloud API (https://docs.hetzner.cloud), for tests and
 * the lab: not Hetzner, and not a mock of our client. It follows the documented
 * behaviour of the endpoints the deployer uses (shapes, status codes, the error
 * envelope, pagination, label selectors, rate-limit headers, actions that take a few
 * polls) and can be told to fail. README.md lists what it covers and what it does not.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { InMemoryServerBackend, type ServerBackend } from './backend.js';
import { deprecationAt, imageCatalog, isoTime, LOCATIONS, pricing, serverTypeCatalog, type ImageEntry, type LocationEntry, type ServerTypeEntry } from './catalog.js';
import { matches, parseSelector, SelectorSyntaxError } from './label-selector.js';
import { fingerprintOf, firewallRuleProblems, labelProblems, type FieldProblem } from './resources.js';

export type TokenPermission = 'read' | 'read_write';

export interface StandInOptions {
  /** Accepted tokens. Default: `stand-in-token` with read & write. */
  readonly tokens?: Readonly<Record<string, TokenPermission>>;
  readonly backend?: ServerBackend;
  /** Time for action timestamps and the rate limit; share it with the client's clock in tests. */
  readonly clock?: { now(): number };
  /** How long an action runs on the stand-in's clock (default 1000 ms), and at least until the backend's work is done. */
  readonly actionMs?: number;
  /** Requests per hour (default 3600, refilled evenly). */
  readonly rateLimit?: number;
  /** Servers the project may have (default 10). */
  readonly serverLimit?: number;
}

export type FaultKind =
  | 'rate_limited'
  | 'conflict'
  | 'locked'
  | 'bad_gateway'
  | 'gateway_timeout'
  | 'server_error'
  | 'connection_reset'
  | 'token_readonly'
  | 'unauthorized'
  | 'resource_limit_exceeded'
  | 'placement_error'
  | 'firewall_resource_not_found';

export interface Fault {
  readonly kind: FaultKind;
  /** Only requests with this method (default: any). */
  readonly method?: string;
  /** Only requests whose path (after /v1) starts with this (default: any). */
  readonly path?: string;
  /** How many matching requests fail (default 1). */
  readonly times?: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  /** The JSON body, parsed (undefined when there was none). */
  readonly body: unknown;
}

type Labels = Record<string, string>;

interface ActionState {
  id: number;
  command: string;
  status: 'running' | 'success' | 'error';
  progress: number;
  started: string;
  finished: string | null;
  error: { code: string; message: string } | null;
  resources: { id: number; type: string }[];
  startedAt: number;
  workDone: boolean;
  workError: { code: string; message: string } | undefined;
  onSuccess: (() => void) | undefined;
  /** Finishes only once this action has succeeded. */
  after?: ActionState;
}

interface ServerState {
  id: number;
  name: string;
  status: string;
  created: string;
  labels: Labels;
  server_type: ServerTypeEntry;
  location: LocationEntry;
  image: ImageEntry;
  public_net: { ipv4: { id: number; ip: string; blocked: boolean; dns_ptr: string } | null; ipv6: { id: number; ip: string; blocked: boolean; dns_ptr: [] } | null; floating_ips: number[]; firewalls: { id: number; status: string }[] };
}

interface FirewallState {
  id: number;
  name: string;
  labels: Labels;
  created: string;
  rules: Record<string, unknown>[];
  applied_to: { type: 'server'; server: { id: number } }[];
}

interface SshKeyState {
  id: number;
  name: string;
  fingerprint: string;
  public_key: string;
  labels: Labels;
  created: string;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
  }
}

const invalidInput = (message: string, fields: FieldProblem[]) => new ApiError(400, 'invalid_input', message, { fields });
const notFound = (kind: string, id: string) => new ApiError(404, 'not_found', `${kind} with ID '${id}' not found`);

const FAULTS: Record<Exclude<FaultKind, 'connection_reset'>, { status: number; code: string; message: string }> = {
  rate_limited: { status: 429, code: 'rate_limit_exceeded', message: 'limit of requests per hour reached' },
  conflict: { status: 409, code: 'conflict', message: 'the resource has changed during the request, please retry' },
  locked: { status: 423, code: 'locked', message: 'the item you are trying to access is locked (there is already an action running)' },
  bad_gateway: { status: 502, code: 'bad_gateway', message: 'request failed at a backend' },
  gateway_timeout: { status: 504, code: 'timeout', message: 'request timed out' },
  server_error: { status: 500, code: 'server_error', message: 'an internal error occurred' },
  token_readonly: { status: 403, code: 'token_readonly', message: 'The token you are using is read-only' },
  unauthorized: { status: 401, code: 'unauthorized', message: 'unable to authenticate' },
  resource_limit_exceeded: { status: 403, code: 'resource_limit_exceeded', message: 'project limit exceeded' },
  placement_error: { status: 412, code: 'placement_error', message: 'error during placement' },
  firewall_resource_not_found: { status: 404, code: 'firewall_resource_not_found', message: 'the resource the firewall should be removed from was not found' },
};

export const STAND_IN_TOKEN = 'stand-in-token';

export class HetznerApiStandIn {
  readonly backend: ServerBackend;
  readonly requests: RecordedRequest[] = [];
  private readonly tokens: Readonly<Record<string, TokenPermission>>;
  private readonly clock: { now(): number };
  private readonly actionMs: number;
  private readonly rateLimit: number;
  private readonly serverLimit: number;
  private readonly catalog: ServerTypeEntry[];
  private readonly images: ImageEntry[];
  private readonly faults: { fault: Fault; left: number }[] = [];
  private readonly actionFailures = new Map<string, { code: string; message: string }>();
  private readonly actions = new Map<number, ActionState>();
  private readonly servers = new Map<number, ServerState>();
  private readonly firewalls = new Map<number, FirewallState>();
  private readonly sshKeys = new Map<number, SshKeyState>();
  private readonly sockets = new Set<Socket>();
  private readonly http = createServer((request, response) => void this.handle(request, response));
  private nextId = 1000;
  private budget: number;
  private budgetAt: number;
  private baseUrl = '';

  constructor(options: StandInOptions = {}) {
    this.tokens = options.tokens ?? { [STAND_IN_TOKEN]: 'read_write' };
    this.backend = options.backend ?? new InMemoryServerBackend();
    this.clock = options.clock ?? { now: () => Date.now() };
    this.actionMs = options.actionMs ?? 1000;
    this.catalog = serverTypeCatalog(this.clock.now());
    this.images = imageCatalog(this.clock.now());
    this.rateLimit = options.rateLimit ?? 3600;
    this.serverLimit = options.serverLimit ?? 10;
    this.budget = this.rateLimit;
    this.budgetAt = this.clock.now();
    this.http.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1 on a free port; resolves with the API base URL (`http://127.0.0.1:PORT/v1`). */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}/v1`;
    return this.baseUrl;
  }

  get url(): string {
    return this.baseUrl;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** The next `times` matching requests fail this way. */
  inject(fault: Fault): void {
    this.faults.push({ fault, left: fault.times ?? 1 });
  }

  /** Actions with this command (create_server, delete_server, ...) end in this error. */
  failActions(command: string, error: { code: string; message: string }): void {
    this.actionFailures.set(command, error);
  }

  /**
   * Announces the type's end `daysLeft` days from now (default 30: deprecated but
   * still orderable). With `location`, only that location's offer ends, as the API
   * does when a type leaves one location: the type stays listed.
   */
  deprecateServerType(name: string, options: { daysLeft?: number; location?: string } = {}): void {
    const type = this.catalog.find((entry) => entry.name === name);
    if (!type) throw new Error(`stand-in: no server type ${name}`);
    const deprecation = deprecationAt(this.clock.now(), options.daysLeft ?? 30);
    if (options.location) {
      const offer = type.locations.find((entry) => entry.name === options.location);
      if (!offer) throw new Error(`stand-in: ${name} is not offered in ${options.location}`);
      offer.deprecation = deprecation;
      return;
    }
    type.deprecated = true;
    type.deprecation = deprecation;
    for (const offer of type.locations) offer.deprecation = deprecation;
  }

  /** Adds an SSH key as if someone had uploaded it by hand (no labels unless given). */
  seedSshKey(key: { name: string; public_key: string; labels?: Labels }): number {
    const fingerprint = fingerprintOf(key.public_key);
    if (!fingerprint) throw new Error('stand-in: not an OpenSSH public key');
    const id = this.id();
    this.sshKeys.set(id, { id, name: key.name, fingerprint, public_key: key.public_key, labels: key.labels ?? {}, created: this.timestamp() });
    return id;
  }

  seedFirewall(firewall: { name: string; labels?: Labels }): number {
    const id = this.id();
    this.firewalls.set(id, { id, name: firewall.name, labels: firewall.labels ?? {}, created: this.timestamp(), rules: [], applied_to: [] });
    return id;
  }

  /** Everything that exists now, for assertions. */
  snapshot(): { servers: ServerState[]; firewalls: FirewallState[]; sshKeys: SshKeyState[] } {
    return { servers: [...this.servers.values()], firewalls: [...this.firewalls.values()], sshKeys: [...this.sshKeys.values()] };
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const method = request.method ?? 'GET';
    const path = url.pathname.replace(/^\/v1(?=\/|$)/, '');
    const headers: Record<string, string> = {};
    const recorded = { method, path, query: url.searchParams, authorization: request.headers.authorization, body: undefined as unknown };
    this.requests.push(recorded);
    try {
      const body = await readBody(request);
      recorded.body = body;
      const fault = this.takeFault(method, path);
      if (fault === 'connection_reset') {
        request.socket.destroy();
        return;
      }
      this.authenticate(request.headers.authorization, method);
      const budget = this.spendBudget();
      Object.assign(headers, budget.headers);
      if (budget.exhausted) throw new ApiError(429, 'rate_limit_exceeded', `limit of ${this.rateLimit} requests per hour reached`);
      if (fault) {
        const { status, code, message } = FAULTS[fault];
        if (fault === 'rate_limited') Object.assign(headers, this.exhaustedHeaders());
        throw new ApiError(status, code, message);
      }
      this.settleActions();
      const result = this.route(method, path, url.searchParams, body);
      send(response, result.status, result.body, headers);
    } catch (error) {
      if (error instanceof ApiError) {
        send(response, error.status, { error: { code: error.code, message: error.message, details: error.details } }, headers);
        return;
      }
      send(response, 500, { error: { code: 'server_error', message: `stand-in failure: ${String(error)}`, details: null } }, headers);
    }
  }

  private takeFault(method: string, path: string): FaultKind | undefined {
    const entry = this.faults.find(({ fault, left }) => left > 0 && (fault.method === undefined || fault.method === method) && (fault.path === undefined || path.startsWith(fault.path)));
    if (!entry) return undefined;
    entry.left--;
    return entry.fault.kind;
  }

  private authenticate(header: string | undefined, method: string): void {
    const token = header?.match(/^Bearer (.+)$/)?.[1];
    const permission = token === undefined ? undefined : this.tokens[token];
    if (!permission) throw new ApiError(401, 'unauthorized', 'unable to authenticate');
    if (permission === 'read' && method !== 'GET') throw new ApiError(403, 'token_readonly', 'The token you are using is read-only');
  }

  /** A bucket of `rateLimit` requests refilled evenly over an hour; answers 429 when empty. */
  private spendBudget(): { headers: Record<string, string>; exhausted: boolean } {
    const now = this.clock.now();
    this.budget = Math.min(this.rateLimit, this.budget + ((now - this.budgetAt) * this.rateLimit) / 3_600_000);
    this.budgetAt = now;
    const exhausted = this.budget < 1;
    if (!exhausted) this.budget -= 1;
    return { headers: this.rateHeaders(), exhausted };
  }

  private rateHeaders(): Record<string, string> {
    const missing = this.rateLimit - this.budget;
    return {
      'RateLimit-Limit': String(this.rateLimit),
      'RateLimit-Remaining': String(Math.floor(this.budget)),
      'RateLimit-Reset': String(Math.ceil((this.clock.now() + (missing * 3_600_000) / this.rateLimit) / 1000)),
    };
  }

  private exhaustedHeaders(): Record<string, string> {
    this.budget = 0;
    this.budgetAt = this.clock.now();
    return this.rateHeaders();
  }

  private route(method: string, path: string, query: URLSearchParams, body: unknown): { status: number; body: unknown } {
    const parts = path.split('/').filter(Boolean);
    const [collection, id, sub, command] = parts;
    const key = `${method} /${collection ?? ''}${id === undefined ? '' : '/{id}'}${sub === undefined ? '' : `/${sub}`}${command === undefined ? '' : '/{command}'}`;
    switch (key) {
      case 'GET /locations':
        return this.list('locations', LOCATIONS, query, { name: (item, value) => item.name === value });
      case 'GET /server_types':
        return this.list('server_types', this.orderableTypes(), query, { name: (item, value) => item.name === value });
      case 'GET /pricing':
        return { status: 200, body: { pricing: pricing(this.orderableTypes()) } };
      case 'GET /server_types/{id}':
        return { status: 200, body: { server_type: this.find(new Map(this.orderableTypes().map((type) => [type.id, type])), 'server_type', id) } };
      case 'GET /locations/{id}':
        return { status: 200, body: { location: this.find(new Map(LOCATIONS.map((location) => [location.id, location])), 'location', id) } };
      case 'GET /images/{id}':
        return { status: 200, body: { image: this.find(new Map(this.images.map((image) => [image.id, image])), 'image', id) } };
      case 'GET /images':
        return this.list('images', queryFlag(query, 'include_deprecated') ? this.images : this.images.filter((image) => image.deprecated === null), query, {
          name: (item, value) => item.name === value,
          type: (item, value) => item.type === value,
          architecture: (item, value) => item.architecture === value,
          status: (item, value) => item.status === value,
        });
      case 'GET /actions':
        return this.listActions(query);
      case 'GET /actions/{id}':
        return { status: 200, body: { action: this.readAction(Number(id)) } };
      case 'GET /ssh_keys':
        return this.list('ssh_keys', [...this.sshKeys.values()], query, {
          name: (item, value) => item.name === value,
          fingerprint: (item, value) => item.fingerprint === value,
        });
      case 'POST /ssh_keys':
        return { status: 201, body: { ssh_key: this.createSshKey(object(body)) } };
      case 'GET /ssh_keys/{id}':
        return { status: 200, body: { ssh_key: this.find(this.sshKeys, 'ssh_key', id) } };
      case 'DELETE /ssh_keys/{id}':
        this.find(this.sshKeys, 'ssh_key', id);
        this.sshKeys.delete(Number(id));
        return { status: 204, body: undefined };
      case 'GET /firewalls':
        return this.list('firewalls', [...this.firewalls.values()], query, { name: (item, value) => item.name === value });
      case 'POST /firewalls':
        return { status: 201, body: this.createFirewall(object(body)) };
      case 'GET /firewalls/{id}':
        return { status: 200, body: { firewall: this.find(this.firewalls, 'firewall', id) } };
      case 'DELETE /firewalls/{id}':
        return this.deleteFirewall(this.find(this.firewalls, 'firewall', id));
      case 'POST /firewalls/{id}/actions/{command}':
        return { status: 201, body: { actions: this.firewallAction(this.find(this.firewalls, 'firewall', id), command!, object(body)) } };
      case 'GET /servers':
        return this.list('servers', [...this.servers.values()], query, {
          name: (item, value) => item.name === value,
          status: (item, value) => item.status === value,
        }, (server) => this.serverView(server));
      case 'POST /servers':
        return { status: 201, body: this.createServer(object(body)) };
      case 'GET /servers/{id}':
        return { status: 200, body: { server: this.serverView(this.find(this.servers, 'server', id)) } };
      case 'DELETE /servers/{id}':
        return { status: 200, body: { action: this.deleteServer(this.find(this.servers, 'server', id)) } };
      default:
        throw new ApiError(404, 'not_found', `no route for ${method} ${path}`);
    }
  }

  /** Filters (including label_selector), sorts by id and pages: per_page defaults to 25, at most 50. */
  private list<T extends { id: number; labels?: Labels }>(key: string, items: readonly T[], query: URLSearchParams, filters: Record<string, (item: T, value: string) => boolean>, view: (item: T) => unknown = (item) => item): { status: number; body: unknown } {
    let selected = [...items];
    for (const [name, keep] of Object.entries(filters)) {
      const values = query.getAll(name);
      if (values.length > 0) selected = selected.filter((item) => values.some((value) => keep(item, value)));
    }
    const selector = query.get('label_selector');
    if (selector !== null) {
      let parsed;
      try {
        parsed = parseSelector(selector);
      } catch (error) {
        if (error instanceof SelectorSyntaxError) throw invalidInput('invalid input in field label_selector', [{ name: 'label_selector', messages: [error.message] }]);
        throw error;
      }
      selected = selected.filter((item) => matches(parsed, item.labels ?? {}));
    }
    selected.sort((a, b) => a.id - b.id);
    const perPage = Math.min(50, Math.max(1, Number(query.get('per_page') ?? 25) || 25));
    const lastPage = Math.max(1, Math.ceil(selected.length / perPage));
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    return {
      status: 200,
      body: {
        [key]: selected.slice((page - 1) * perPage, page * perPage).map(view),
        meta: { pagination: { page, per_page: perPage, previous_page: page > 1 ? page - 1 : null, next_page: page < lastPage ? page + 1 : null, last_page: lastPage, total_entries: selected.length } },
      },
    };
  }

  private find<T>(items: Map<number, T>, kind: string, id: string | undefined): T {
    const found = items.get(Number(id));
    if (!found) throw notFound(kind, id ?? '');
    return found;
  }

  private createSshKey(body: Record<string, unknown>): SshKeyState {
    const problems: FieldProblem[] = [...labelProblems(body['labels'])];
    if (typeof body['name'] !== 'string' || body['name'] === '') problems.push({ name: 'name', messages: ['Missing data for required field.'] });
    const fingerprint = typeof body['public_key'] === 'string' ? fingerprintOf(body['public_key']) : undefined;
    if (!fingerprint) problems.push({ name: 'public_key', messages: ['invalid public key'] });
    if (problems.length > 0) throw invalidInput('invalid input in fields', problems);
    const keys = [...this.sshKeys.values()];
    if (keys.some((key) => key.fingerprint === fingerprint)) throw new ApiError(409, 'uniqueness_error', 'SSH key with the same fingerprint already exists', { fields: [{ name: 'public_key' }] });
    if (keys.some((key) => key.name === body['name'])) throw new ApiError(409, 'uniqueness_error', 'name is already used', { fields: [{ name: 'name' }] });
    const id = this.id();
    const key: SshKeyState = { id, name: body['name'] as string, fingerprint: fingerprint!, public_key: (body['public_key'] as string).trim(), labels: (body['labels'] as Labels | undefined) ?? {}, created: this.timestamp() };
    this.sshKeys.set(id, key);
    return key;
  }

  private createFirewall(body: Record<string, unknown>): { firewall: FirewallState; actions: ActionState[] } {
    const problems = [...labelProblems(body['labels']), ...firewallRuleProblems(body['rules'])];
    if (typeof body['name'] !== 'string' || body['name'] === '') problems.push({ name: 'name', messages: ['Missing data for required field.'] });
    if (body['apply_to'] !== undefined) problems.push({ name: 'apply_to', messages: ['not supported by the stand-in'] });
    if (problems.length > 0) throw invalidInput('invalid input in fields', problems);
    if ([...this.firewalls.values()].some((firewall) => firewall.name === body['name'])) throw new ApiError(409, 'uniqueness_error', 'name is already used', { fields: [{ name: 'name' }] });
    const id = this.id();
    const firewall: FirewallState = { id, name: body['name'] as string, labels: (body['labels'] as Labels | undefined) ?? {}, created: this.timestamp(), rules: storedRules(body['rules']), applied_to: [] };
    this.firewalls.set(id, firewall);
    return { firewall, actions: [] };
  }

  private deleteFirewall(firewall: FirewallState): { status: number; body: unknown } {
    if (firewall.applied_to.length > 0) throw new ApiError(422, 'resource_in_use', `firewall with ID '${firewall.id}' is still in use`);
    this.firewalls.delete(firewall.id);
    return { status: 204, body: undefined };
  }

  private firewallAction(firewall: FirewallState, command: string, body: Record<string, unknown>): ActionState[] {
    const resource = { id: firewall.id, type: 'firewall' };
    if (command === 'set_rules') {
      const problems = firewallRuleProblems(body['rules']);
      if (problems.length > 0) throw invalidInput('invalid input in fields', problems);
      firewall.rules = storedRules(body['rules']);
      return [this.action('set_firewall_rules', [resource])];
    }
    if (command === 'remove_from_resources') {
      const targets = Array.isArray(body['remove_from']) ? (body['remove_from'] as { type?: string; server?: { id?: number } }[]) : [];
      return targets.map((target) => {
        const serverId = target.server?.id;
        if (target.type !== 'server' || !firewall.applied_to.some((applied) => applied.server.id === serverId)) {
          // The API documents 404 for a resource the firewall is not (or no longer) applied to.
          throw new ApiError(404, 'firewall_resource_not_found', `firewall is not applied to server ${serverId}`);
        }
        return this.action('remove_firewall', [resource, { id: serverId!, type: 'server' }], Promise.resolve(), () => {
          firewall.applied_to = firewall.applied_to.filter((applied) => applied.server.id !== serverId);
          const server = this.servers.get(serverId!);
          if (server) server.public_net.firewalls = server.public_net.firewalls.filter((entry) => entry.id !== firewall.id);
        });
      });
    }
    throw new ApiError(404, 'not_found', `no route for POST /firewalls/${firewall.id}/actions/${command}`);
  }

  /** Types whose `unavailable_after` has passed are no longer listed, as in the API. */
  private orderableTypes(): ServerTypeEntry[] {
    const now = this.clock.now();
    return this.catalog.filter((type) => type.deprecation === null || Date.parse(type.deprecation.unavailable_after) > now);
  }

  private createServer(body: Record<string, unknown>): { server: unknown; action: ActionState; next_actions: ActionState[]; root_password: string | null } {
    const problems: FieldProblem[] = [...labelProblems(body['labels'])];
    const name = body['name'];
    if (typeof name !== 'string' || !/^[a-zA-Z0-9]([a-zA-Z0-9-.]{0,61}[a-zA-Z0-9])?$/.test(name)) problems.push({ name: 'name', messages: ['must be a valid hostname'] });
    const serverType = this.orderableTypes().find((type) => type.name === body['server_type'] || type.id === body['server_type']);
    if (!serverType) problems.push({ name: 'server_type', messages: ['server type not found'] });
    // location (and datacenter) are optional: without them the API picks a location that offers the type.
    const now = this.clock.now();
    const offeredIn = (location: LocationEntry) => serverType?.locations.some((entry) => entry.name === location.name && (entry.deprecation === null || Date.parse(entry.deprecation.unavailable_after) > now)) ?? false;
    const location = body['location'] === undefined ? LOCATIONS.find(offeredIn) : LOCATIONS.find((entry) => entry.name === body['location'] || entry.id === body['location']);
    if (!location) {
      if (body['location'] !== undefined) problems.push({ name: 'location', messages: ['location not found'] });
    } else if (serverType && !offeredIn(location)) problems.push({ name: 'server_type', messages: [`server type is not available in ${location.name}`] });
    const image = this.images.find((entry) => (entry.name === body['image'] || entry.id === body['image']) && entry.architecture === (serverType?.architecture ?? 'x86'));
    if (!image) problems.push({ name: 'image', messages: ['image not found'] });
    const userData = body['user_data'] ?? '';
    if (typeof userData !== 'string' || Buffer.byteLength(userData) > 32 * 1024) problems.push({ name: 'user_data', messages: ['must be a string of at most 32 KiB'] });
    const keyRefs = Array.isArray(body['ssh_keys']) ? (body['ssh_keys'] as unknown[]) : [];
    const keys = keyRefs.map((ref) => [...this.sshKeys.values()].find((key) => key.id === ref || key.name === ref || String(key.id) === ref));
    if (keys.some((key) => key === undefined)) problems.push({ name: 'ssh_keys', messages: ['ssh key not found'] });
    const firewallRefs = Array.isArray(body['firewalls']) ? (body['firewalls'] as { firewall?: number }[]) : [];
    const firewalls = firewallRefs.map((ref) => this.firewalls.get(Number(ref.firewall)));
    if (firewalls.some((firewall) => firewall === undefined)) problems.push({ name: 'firewalls', messages: ['firewall not found'] });
    if (problems.length > 0) throw invalidInput('invalid input in fields', problems);
    if ([...this.servers.values()].some((server) => server.name === name)) throw new ApiError(409, 'uniqueness_error', 'server name is already used', { fields: [{ name: 'name' }] });
    if (this.servers.size >= this.serverLimit) throw new ApiError(403, 'resource_limit_exceeded', `server limit of ${this.serverLimit} exceeded`);

    const id = this.id();
    const server: ServerState = {
      id,
      name: name as string,
      status: 'initializing',
      created: this.timestamp(),
      labels: (body['labels'] as Labels | undefined) ?? {},
      server_type: serverType!,
      location: location!,
      image: image!,
      public_net: { ipv4: null, ipv6: null, floating_ips: [], firewalls: firewalls.map((firewall) => ({ id: firewall!.id, status: 'applied' })) },
    };
    this.servers.set(id, server);
    for (const firewall of firewalls) firewall!.applied_to.push({ type: 'server', server: { id } });
    const machine = this.backend
      .create({ id, name: server.name, image: image!.name, serverType: serverType!.name, location: location!.name, userData: userData as string, sshKeys: keys.map((key) => key!.public_key) })
      .then((addresses) => {
        server.public_net.ipv4 = { id: id + 1, ip: addresses.ipv4, blocked: false, dns_ptr: `static.${addresses.ipv4}.clients.your-server.de` };
        server.public_net.ipv6 = { id: id + 2, ip: addresses.ipv6Network, blocked: false, dns_ptr: [] };
      });
    const resources = [{ id, type: 'server' }];
    const create = this.action('create_server', resources, machine, () => {
      server.status = 'starting';
    });
    const start = this.action('start_server', resources, machine, () => {
      server.status = 'running';
    });
    start.after = create;
    return { server: this.serverView(server), action: create, next_actions: [start], root_password: keys.length > 0 ? null : 'stand-in-root-password' };
  }

  /** The server as the API shows it: every documented field, the ones the stand-in does not model at their empty values. */
  private serverView(server: ServerState): Record<string, unknown> {
    const { location, server_type: type } = server;
    return {
      id: server.id,
      name: server.name,
      status: server.status,
      created: server.created,
      public_net: server.public_net,
      private_net: [],
      server_type: type,
      datacenter: {
        id: location.id,
        name: `${location.name}-dc${location.id}`,
        description: `${location.city} DC ${location.id}`,
        location,
        server_types: { supported: this.catalog.map((entry) => entry.id), available: this.orderableTypes().map((entry) => entry.id), available_for_migration: this.orderableTypes().map((entry) => entry.id) },
      },
      image: server.image,
      iso: null,
      rescue_enabled: false,
      locked: false,
      backup_window: null,
      outgoing_traffic: 0,
      ingoing_traffic: 0,
      included_traffic: type.prices.find((price) => price.location === location.name)?.included_traffic ?? type.included_traffic,
      protection: { delete: false, rebuild: false },
      labels: server.labels,
      volumes: [],
      load_balancers: [],
      primary_disk_size: type.disk,
      placement_group: null,
    };
  }

  private deleteServer(server: ServerState): ActionState {
    server.status = 'deleting';
    return this.action('delete_server', [{ id: server.id, type: 'server' }], this.backend.delete({ id: server.id, name: server.name }), () => {
      this.servers.delete(server.id);
      for (const firewall of this.firewalls.values()) firewall.applied_to = firewall.applied_to.filter((applied) => applied.server.id !== server.id);
    });
  }

  /** An action that runs for `actionMs` on the stand-in's clock and until its work is done, then succeeds (or fails as told). */
  private action(command: string, resources: { id: number; type: string }[], work: Promise<void> = Promise.resolve(), onSuccess?: () => void): ActionState {
    const action: ActionState = {
      id: this.id(),
      command,
      status: 'running',
      progress: 0,
      started: this.timestamp(),
      finished: null,
      error: null,
      resources,
      startedAt: this.clock.now(),
      workDone: false,
      workError: undefined,
      onSuccess,
    };
    work.then(
      () => (action.workDone = true),
      (error: unknown) => {
        action.workDone = true;
        action.workError = { code: 'action_failed', message: `stand-in backend: ${String(error)}` };
      },
    );
    this.actions.set(action.id, action);
    return action;
  }

  /**
   * Moves every running action on by the clock, oldest first (a start finishes after
   * its create). Called before each request: between requests nobody can tell.
   */
  private settleActions(): void {
    const now = this.clock.now();
    for (const action of this.actions.values()) {
      if (action.status !== 'running') continue;
      const elapsed = now - action.startedAt;
      action.progress = Math.min(90, Math.floor((elapsed / this.actionMs) * 90));
      if (elapsed < this.actionMs || !action.workDone || action.after?.status === 'running') continue;
      const failure = this.actionFailures.get(action.command) ?? action.workError ?? (action.after?.status === 'error' ? { code: 'action_failed', message: `${action.after.command} failed` } : undefined);
      action.status = failure ? 'error' : 'success';
      action.error = failure ?? null;
      action.progress = 100;
      action.finished = this.timestamp();
      if (!failure) action.onSuccess?.();
    }
  }

  /** `id` is required; ids that name no action are left out (clients must notice). */
  private listActions(query: URLSearchParams): { status: number; body: unknown } {
    const ids = query.getAll('id').map(Number);
    if (ids.length === 0) throw invalidInput('invalid input in field id', [{ name: 'id', messages: ['at least one id is required'] }]);
    const found = ids.flatMap((actionId) => this.actions.get(actionId) ?? []);
    return this.list('actions', found, query, { status: (item, value) => item.status === value });
  }

  private readAction(id: number): ActionState {
    const action = this.actions.get(id);
    if (!action) throw notFound('action', String(id));
    return action;
  }

  private id(): number {
    return this.nextId++;
  }

  private timestamp(): string {
    return isoTime(this.clock.now());
  }
}

/** Starts a stand-in; close it with `await standIn.close()`. */
export async function startHetznerApiStandIn(options: StandInOptions = {}): Promise<HetznerApiStandIn> {
  const standIn = new HetznerApiStandIn(options);
  await standIn.start();
  return standIn;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'json_error', 'invalid JSON in request body');
  }
}

/** Rules as the API stores and shows them: every field present, empty lists and nulls for what was not given. */
function storedRules(rules: unknown): Record<string, unknown>[] {
  return ((rules as Record<string, unknown>[] | undefined) ?? []).map((rule) => ({
    direction: rule['direction'],
    protocol: rule['protocol'],
    port: rule['port'] ?? null,
    source_ips: rule['source_ips'] ?? [],
    destination_ips: rule['destination_ips'] ?? [],
    description: rule['description'] ?? null,
  }));
}

/** A boolean query parameter as clients send it: `true` (Go, curl) or `True` (python-requests). */
function queryFlag(query: URLSearchParams, name: string): boolean {
  return ['true', '1'].includes((query.get(name) ?? '').toLowerCase());
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'json_error', 'request body must be a JSON object');
  return body as Record<string, unknown>;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = body === undefined ? '' : JSON.stringify(body, (key, value: unknown) => (['startedAt', 'workDone', 'workError', 'onSuccess', 'after'].includes(key) ? undefined : value));
  response.writeHead(status, { ...headers, ...(text ? { 'Content-Type': 'application/json' } : {}) });
  response.end(text);
}
