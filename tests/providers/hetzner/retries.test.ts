import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY } from '../../../src/providers/hetzner/http.js';
import { harness } from './support.js';

describe('Hetzner client retries and rate limits (virtual clock)', () => {
  it('backs off as hcloud-go: base 1 s doubling, capped at 60 s, jitter between the base and the backoff', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((retries) => backoffMs(retries, () => 0.999999))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect([0, 3, 9].map((retries) => backoffMs(retries, () => 0))).toEqual([1000, 1000, 1000]);
    expect(backoffMs(2, () => 0.5)).toBe(2500);
    expect(DEFAULT_RETRY.maxRetries).toBe(5);
  });

  for (const kind of ['conflict', 'rate_limited', 'bad_gateway', 'gateway_timeout', 'connection_reset'] as const) {
    it(`retries after ${kind} and succeeds`, async () => {
      const h = await harness();
      h.standIn.inject({ kind, method: 'GET', path: '/locations', times: 2 });
      const location = await h.cloud.location('fsn1');
      expect(location.city).toBe('Falkenstein');
      // random() is 0.5: retry 1 waits 1 s, retry 2 waits 1.5 s.
      expect(h.clock.sleeps).toEqual([1000, 1500]);
      expect(h.standIn.requests.filter((request) => request.path === '/locations')).toHaveLength(3);
    });
  }

  it('gives up after 5 retries with the API error and a fix', async () => {
    const h = await harness();
    h.standIn.inject({ kind: 'bad_gateway', times: 10 });
    const error = await h.cloud.location('fsn1').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'hetzner.api_error', apiCode: 'bad_gateway', status: 502 });
    expect((error as { fix: string }).fix).toContain('status.hetzner.com');
    expect(h.clock.sleeps).toEqual([1000, 1500, 2500, 4500, 8500]);
  });

  it('does not retry what retrying cannot fix (a server error, a locked resource, invalid input)', async () => {
    const h = await harness();
    h.standIn.inject({ kind: 'server_error' });
    await expect(h.cloud.location('fsn1')).rejects.toMatchObject({ code: 'hetzner.api_error', apiCode: 'server_error' });
    expect(h.clock.sleeps).toEqual([]);
  });

  it('network errors past the retries say the API is unreachable and name the endpoint', async () => {
    const h = await harness();
    h.standIn.inject({ kind: 'connection_reset', times: 6 });
    const error = await h.cloud.location('fsn1').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'hetzner.unreachable' });
    expect((error as Error).message).toContain(h.standIn.url);
    expect((error as { fix: string }).fix).toContain('HCLOUD_ENDPOINT');
  });

  it('waits for one request\'s refill when RateLimit-Remaining reaches 0, instead of being refused', async () => {
    // 2 requests per hour: one comes back every 1800 s.
    const h = await harness({ standIn: { rateLimit: 2 } });
    await h.cloud.location('fsn1');
    await h.cloud.location('nbg1');
    expect(h.clock.sleeps).toEqual([]);
    await h.cloud.location('hel1');
    expect(h.clock.sleeps).toEqual([1_800_000]);
    expect(h.standIn.requests.length).toBe(3);
    expect(h.log.some((line) => line.includes('rate limit used up; waiting 1800.0 s'))).toBe(true);
  });

  it('a 429 waits at least until the budget refills (RateLimit-Reset), then the request goes through', async () => {
    const h = await harness({ standIn: { rateLimit: 60 } });
    h.standIn.inject({ kind: 'rate_limited', path: '/server_types' });
    const type = await h.cloud.serverType('cx23', 'nbg1');
    expect(type.name).toBe('cx23');
    // 60 per hour refill one every 60 s, longer than the 1 s backoff.
    expect(h.clock.sleeps).toEqual([60_000]);
  });

  it('an abort stops the retries at once', async () => {
    const h = await harness();
    h.standIn.inject({ kind: 'bad_gateway', times: 10 });
    const controller = new AbortController();
    controller.abort(new Error('stopped by the user'));
    await expect(h.cloud.location('fsn1', controller.signal)).rejects.toThrow('stopped by the user');
  });
});
