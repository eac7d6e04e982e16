import type { ProviderNotice } from '../../run/ports.js';
import { HetznerCloud } from './cloud.js';
import { costLine, serverCost, type ServerCost } from './cost.js';
import { endpointFrom } from './http.js';
import type { ServerType } from './schema.js';
import { serverTypeNotice, serverTypeProblem } from './server-type.js';

/** What ordering a server would mean: its price and the warnings about its type or image. */
export interface OrderReview {
  readonly serverType: ServerType;
  /** Undefined when the price list has no price for the type in the location. */
  readonly cost: ServerCost | undefined;
  readonly warnings: readonly string[];
}

export interface OrderChoice {
  readonly serverType: string;
  readonly location: string;
  readonly image: string;
}

/** Read-only: checks the choice as provisioning does (throws its refusal) and prices it with `GET /pricing`. */
export async function reviewOrder(cloud: HetznerCloud, choice: OrderChoice, signal?: AbortSignal): Promise<OrderReview> {
  const { serverType, location, warnings } = await cloud.validate(choice, signal);
  const cost = await serverCost(cloud.http, serverType.name, location.name, signal);
  return { serverType, cost, warnings };
}

export function reviewNotices(review: OrderReview): ProviderNotice[] {
  return [
    { level: 'info', message: review.cost ? costLine(review.cost) : `Cost: Hetzner's price list has no price for ${review.serverType.name} here; see https://www.hetzner.com/cloud before provisioning.` },
    ...review.warnings.map((message) => ({ level: 'warning' as const, message })),
  ];
}

/** The line commands print when they cannot ask for the price. */
export const NO_TOKEN_COST_LINE = 'Cost: not known: no Hetzner API token (provider.api_token or HCLOUD_TOKEN) to ask the price list with; provision shows it before creating the server.';

/**
 * A client for a quick look-up outside a run (validate, the wizard): HCLOUD_ENDPOINT
 * as everywhere, one retry, and a short timeout, so an unreachable API costs seconds.
 */
export function lookupClient(token: string, env: NodeJS.ProcessEnv): HetznerCloud {
  return new HetznerCloud({ token, endpoint: endpointFrom(env), retry: { maxRetries: 1, baseMs: 500 }, requestTimeoutMs: 10_000 });
}

/** For the wizard's review: the cost line and warnings of a choice, with the token the user gave. */
export async function reviewChoice(token: string, choice: OrderChoice, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): Promise<ProviderNotice[]> {
  return reviewNotices(await reviewOrder(lookupClient(token, env), choice, signal));
}

/** A server type the wizard can offer: orderable today somewhere (in `location`, when given), marked if deprecated. */
export interface OfferedServerType {
  readonly value: string;
  readonly label: string;
  readonly deprecated: boolean;
}

/**
 * `GET /server_types` as the wizard's list: the types that can be ordered today (in
 * the location, when given; else in any), current ones first, each labelled with its
 * size and where it is offered; a deprecated one says until when.
 */
export async function offeredServerTypes(token: string, env: NodeJS.ProcessEnv = process.env, options: { location?: string; signal?: AbortSignal } = {}): Promise<OfferedServerType[]> {
  const cloud = lookupClient(token, env);
  const now = cloud.http.time.now();
  const types = await cloud.http.list<ServerType>('/server_types', 'server_types', {}, options.signal);
  return types
    .flatMap((type) => {
      const where = (type.locations ?? []).map((entry) => entry.name).filter((name) => serverTypeProblem(type, name, now) === undefined && (options.location === undefined || name === options.location));
      if (where.length === 0) return [];
      const until = type.deprecation?.unavailable_after.slice(0, 10);
      const deprecated = where.every((name) => serverTypeNotice(type, name, now) !== undefined);
      return [{ value: type.name, label: `${type.name} (${type.cores} vCPU, ${type.memory} GB, ${type.disk} GB disk, ${type.architecture}; ${where.join(' ')})${deprecated ? ` deprecated, orderable until ${until ?? 'its end date'}` : ''}`, deprecated }];
    })
    .sort((a, b) => Number(a.deprecated) - Number(b.deprecated));
}
