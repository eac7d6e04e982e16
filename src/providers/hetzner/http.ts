import { DeployerError } from '../../domain/errors.js';
import { systemClock, type Clock } from './clock.js';
import { maskSecrets } from '../../domain/mask-secrets.js';
import { apiErrorFrom, type HetznerApiError } from './errors.js';
import type { ApiErrorBody, Pagination } from './schema.js';

export const DEFAULT_ENDPOINT = 'https://api.hetzner.cloud/v1';

/** The API address: `HCLOUD_ENDPOINT` when set (as the official CLI allows), else Hetzner's. */
export function endpointFrom(env: NodeJS.ProcessEnv): string {
  const value = env['HCLOUD_ENDPOINT']?.trim();
  return (value ? value : DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

/** hcloud-go's defaults (`hcloud/client.go`, `client_handler_retry.go`). */
export interface RetryPolicy {
  readonly baseMs: number;
  readonly multiplier: number;
  readonly capMs: number;
  readonly maxRetries: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1000, multiplier: 2, capMs: 60_000, maxRetries: 5 };

/** Exponential backoff, capped, with jitter between the base and the backoff (as hcloud-go's ExponentialBackoffWithOpts). */
export function backoffMs(retries: number, random: () => number, policy: RetryPolicy = DEFAULT_RETRY): number {
  const backoff = Math.min(policy.capMs, policy.baseMs * policy.multiplier ** retries);
  return Math.round((backoff - policy.baseMs) * random() + policy.baseMs);
}

/** API codes and statuses that say "try again": the request was not carried out, or may succeed in a moment. */
const RETRYABLE_CODES = new Set(['conflict', 'rate_limit_exceeded', 'bad_gateway', 'timeout']);
const RETRYABLE_STATUSES = new Set([502, 504]);

/** Hetzner refills the request budget evenly over an hour (docs: "Rate Limiting"). */
const RATE_LIMIT_WINDOW_MS = 3_600_000;

export type Query = Readonly<Record<string, string | number | readonly (string | number)[] | undefined>>;

export interface RequestOptions {
  readonly query?: Query;
  readonly body?: unknown;
  readonly signal?: AbortSignal | undefined;
}

export interface HetznerHttpOptions {
  readonly token: string;
  readonly endpoint?: string;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  /** Source of jitter, in [0, 1). */
  readonly random?: () => number;
  /** Debug lines: method, path, status, retries and waits. Never the token. */
  readonly log?: (line: string) => void;
  readonly retry?: Partial<RetryPolicy>;
  readonly requestTimeoutMs?: number;
}

interface RateLimitState {
  readonly limit: number;
  readonly remaining: number;
  /** When the budget is full again, in ms since the epoch. */
  readonly resetAt: number;
}

/** One Hetzner Cloud API session: bearer auth, retries, rate-limit waits, error mapping, pagination. */
export class HetznerHttp {
  readonly endpoint: string;
  private readonly token: string;
  private readonly fetchFn: typeof fetch;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logFn: (line: string) => void;
  private readonly retry: RetryPolicy;
  private readonly requestTimeoutMs: number;
  private rateLimit: RateLimitState | undefined;

  constructor(options: HetznerHttpOptions) {
    this.token = options.token;
    this.endpoint = (options.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logFn = options.log ?? (() => {});
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  }

  get time(): Clock {
    return this.clock;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const target = pathWithQuery(path, options.query);
    for (let retries = 0; ; retries++) {
      await this.waitForRateLimit(options.signal);
      let response: Response;
      try {
        response = await this.send(method, target, options);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        const reason = networkReason(error);
        if (retries < this.retry.maxRetries) {
          await this.pause(backoffMs(retries, this.random, this.retry), `${method} ${target} failed (${reason})`, retries, options.signal);
          continue;
        }
        throw new DeployerError('hetzner.unreachable', this.clean(`Could not reach the Hetzner Cloud API at ${this.endpoint} (${method} ${target}: ${reason}), after ${retries} retries.`), {
          fix: 'check the network connection; if HCLOUD_ENDPOINT is set, check that it points to a Hetzner Cloud API (https://api.hetzner.cloud/v1)',
          data: { endpoint: this.endpoint },
        });
      }
      this.readRateLimit(response.headers);
      if (response.ok) {
        this.log(`${method} ${target} → ${response.status}`);
        const text = await response.text();
        return (text ? JSON.parse(text) : undefined) as T;
      }
      const error = await this.errorOf(method, target, response);
      this.log(`${method} ${target} → ${response.status} ${error.apiCode}`);
      if (retries < this.retry.maxRetries && (RETRYABLE_CODES.has(error.apiCode) || RETRYABLE_STATUSES.has(response.status))) {
        // Wait for the backoff, and at least until the budget has one request again.
        const wait = Math.max(backoffMs(retries, this.random, this.retry), this.rateLimitWait() ?? 0);
        await this.pause(wait, `${method} ${target} answered ${error.apiCode}`, retries, options.signal);
        this.rateLimit = undefined;
        continue;
      }
      throw error;
    }
  }

  /** Every item of a list endpoint, following `meta.pagination.next_page` 50 at a time. */
  async list<T>(path: string, key: string, query: Query = {}, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let page: number | null = 1;
    while (page !== null) {
      const body: Record<string, unknown> & { meta?: { pagination?: Pagination } } = await this.request('GET', path, { query: { ...query, page, per_page: 50 }, signal });
      items.push(...((body[key] as T[] | undefined) ?? []));
      const next: number | null = body.meta?.pagination?.next_page ?? null;
      page = next !== null && next > page ? next : null;
    }
    return items;
  }

  private async send(method: string, target: string, options: RequestOptions): Promise<Response> {
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    return await this.fetchFn(`${this.endpoint}${target}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
  }

  private async errorOf(method: string, target: string, response: Response): Promise<HetznerApiError> {
    const text = await response.text().catch(() => '');
    let body: Partial<ApiErrorBody> | undefined;
    try {
      body = JSON.parse(text) as Partial<ApiErrorBody>;
    } catch {
      body = undefined;
    }
    const apiCode = body?.error?.code ?? codeOfStatus(response.status);
    const message = body?.error?.message ?? `HTTP ${response.status} ${response.statusText}`.trim();
    return apiErrorFrom({ method, path: target }, response.status, apiCode, this.clean(message), body?.error?.details);
  }

  private readRateLimit(headers: Headers): void {
    const limit = Number(headers.get('RateLimit-Limit'));
    const remaining = Number(headers.get('RateLimit-Remaining'));
    const reset = Number(headers.get('RateLimit-Reset'));
    if (headers.has('RateLimit-Remaining') && Number.isFinite(remaining) && Number.isFinite(reset)) {
      this.rateLimit = { limit: Number.isFinite(limit) && limit > 0 ? limit : 3600, remaining, resetAt: reset * 1000 };
    }
  }

  /** How long until one more request is allowed, when the budget is used up. */
  private rateLimitWait(): number | undefined {
    const state = this.rateLimit;
    if (!state || state.remaining > 0) return undefined;
    const untilFull = state.resetAt - this.clock.now();
    if (untilFull <= 0) return undefined;
    return Math.min(untilFull, Math.ceil(RATE_LIMIT_WINDOW_MS / state.limit));
  }

  private async waitForRateLimit(signal: AbortSignal | undefined): Promise<void> {
    const wait = this.rateLimitWait();
    if (wait === undefined) return;
    this.log(`rate limit used up; waiting ${seconds(wait)} before the next request`);
    await this.clock.sleep(wait, signal);
    this.rateLimit = undefined;
  }

  private async pause(ms: number, why: string, retries: number, signal: AbortSignal | undefined): Promise<void> {
    this.log(`${why}; retry ${retries + 1}/${this.retry.maxRetries} in ${seconds(ms)}`);
    await this.clock.sleep(ms, signal);
  }

  private log(line: string): void {
    this.logFn(`hetzner: ${this.clean(line)}`);
  }

  private clean(text: string): string {
    return maskSecrets(text, [this.token]);
  }
}

function pathWithQuery(path: string, query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function codeOfStatus(status: number): string {
  if (status === 502) return 'bad_gateway';
  if (status === 504) return 'timeout';
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 401) return 'unauthorized';
  if (status === 404) return 'not_found';
  return status >= 500 ? 'server_error' : `http_${status}`;
}

function networkReason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'no answer in time';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
