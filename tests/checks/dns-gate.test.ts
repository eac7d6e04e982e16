// @module-tag needs-challtestsrv
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askResolvers, DEFAULT_DNS_RESOLVERS, resolverProblem, waitForDns } from '../../src/checks/dns-gate.js';
import { dnsGateOf } from '../../src/commands/dns-gate-options.js';
import { EnvironmentConfigSchema, type EnvironmentConfig } from '../../src/config/schema.js';
import { DeployerError } from '../../src/domain/errors.js';
import { runPlan } from '../../src/plan/stages.js';
import type { DnsGateStep, StagePlan } from '../../src/plan/types.js';
import type { EngineEvent } from '../../src/plan/events.js';
import { Executor } from '../../src/run/executor.js';
import { startDnsServer, type DnsServer } from '../support/challtestsrv.js';
import { minimalConfig } from '../support/configs.js';

/**
 * The DNS gate's decisions against a real DNS server on loopback (pebble-challtestsrv, no
 * default answers): the tests add and remove its records. No public resolver is asked.
 */
const INSTANCE = '10.20.30.40';

function httpsConfig(resolvers: readonly string[] | undefined): EnvironmentConfig {
  const base = minimalConfig();
  const tracker = base['tracker'] as Record<string, any>;
  return EnvironmentConfigSchema.parse({
    ...base,
    https: { admin_email: 'admin@example.com', ...(resolvers ? { dns_resolvers: resolvers } : {}) },
    tracker: {
      ...tracker,
      udp_trackers: [{ bind_address: '0.0.0.0:6969', domain: 'udp.gate.test' }],
      http_trackers: [{ bind_address: '0.0.0.0:7070', domain: 'tracker.gate.test', use_tls_proxy: true }],
      http_api: { ...tracker['http_api'], domain: 'api.gate.test', use_tls_proxy: true },
    },
  });
}

function gateOf(plan: StagePlan): DnsGateStep | undefined {
  return plan.steps.find((step): step is DnsGateStep => step.kind === 'dns-gate');
}

/** Runs the gate as deploy does: the one executor, its events collected. */
async function runGate(step: DnsGateStep, address = INSTANCE): Promise<{ outcome: Awaited<ReturnType<Executor['runStage']>>; events: EngineEvent[] }> {
  const events: EngineEvent[] = [];
  const executor = new Executor({
    workingDir: '/nonexistent',
    provider: undefined,
    connect: undefined,
    address,
    emit: (event) => events.push(event),
    record: async () => undefined,
    signal: new AbortController().signal,
    stopRequested: () => false,
  });
  const outcome = await executor.runStage({ stage: 'run', command: 'run', steps: [step] });
  return { outcome, events };
}

describe('which domains the gate waits for, and how long (the plan)', () => {
  it('only the HTTPS sites\' domains, not the UDP tracker\'s; the configured resolvers', () => {
    const gate = gateOf(runPlan(httpsConfig(['127.0.0.1:5353']), INSTANCE, { waitSeconds: 60, skip: false }))!;
    expect(gate.domains).toEqual(['tracker.gate.test', 'api.gate.test']);
    expect(gate.resolvers).toEqual(['127.0.0.1:5353']);
    expect(gate.timeoutSeconds).toBe(60);
    // The gate comes before the stack starts.
    expect(runPlan(httpsConfig(undefined), INSTANCE).steps.map((step) => step.id).slice(0, 2)).toEqual(['dns-gate', 'pull-images']);
  });

  it('the default resolvers are two public ones (named in the plan, never asked by a test)', () => {
    expect(gateOf(runPlan(httpsConfig(undefined), INSTANCE))!.resolvers).toEqual(DEFAULT_DNS_RESOLVERS);
    expect(DEFAULT_DNS_RESOLVERS).toHaveLength(2);
  });

  it('no gate without HTTPS domains (a UDP tracker\'s domain alone is only advised)', () => {
    const base = minimalConfig();
    const tracker = base['tracker'] as Record<string, any>;
    const udpOnly = EnvironmentConfigSchema.parse({ ...base, tracker: { ...tracker, udp_trackers: [{ bind_address: '0.0.0.0:6969', domain: 'udp.gate.test' }] } });
    expect(gateOf(runPlan(udpOnly, INSTANCE))).toBeUndefined();
    expect(gateOf(runPlan(EnvironmentConfigSchema.parse(base), INSTANCE))).toBeUndefined();
  });

  it('--dns-wait, --skip-dns-wait and the terminal decide the wait', () => {
    const input = (options: Record<string, unknown>) => ({ command: 'deploy', args: {}, options });
    expect(dnsGateOf(input({}), true)).toEqual({ waitSeconds: 900, skip: false });
    expect(dnsGateOf(input({}), false)).toEqual({ waitSeconds: 0, skip: false });
    expect(dnsGateOf(input({ dnsWait: '120' }), false)).toEqual({ waitSeconds: 120, skip: false });
    expect(dnsGateOf(input({ skipDnsWait: true }), false)).toEqual({ waitSeconds: 0, skip: true });
    expect(() => dnsGateOf(input({ dnsWait: 'soon' }), false)).toThrow(/--dns-wait must be a whole number/);
    expect(() => dnsGateOf(input({ dnsWait: '10', skipDnsWait: true }), false)).toThrow(/contradict/);
  });

  it('resolvers are IP or IP:PORT', () => {
    for (const good of ['9.9.9.9', '127.0.0.1:8053', '[::1]:53', '::1']) expect(resolverProblem(good), good).toBeUndefined();
    for (const bad of ['dns.google', '1.1.1.1:99999', 'localhost:53', '[::1]']) expect(resolverProblem(bad), bad).toBeDefined();
    expect(() => httpsConfig(['dns.google'])).toThrow(/dns_resolvers entry is invalid/);
  });
});

describe('the gate against a DNS server on loopback', () => {
  let dns: DnsServer;
  beforeAll(async () => {
    dns = await startDnsServer();
  });
  afterAll(async () => {
    await dns?.stop();
  });

  it('A records: ok when every domain points at the instance, missing without a record, elsewhere naming both addresses', async () => {
    await dns.addA('ok.a.gate.test', [INSTANCE]);
    await dns.addA('old.a.gate.test', ['10.9.9.9']);
    const answers = await askResolvers(['ok.a.gate.test', 'none.a.gate.test', 'old.a.gate.test'], INSTANCE, [dns.resolver]);
    expect(answers.map(({ domain, state, addresses }) => [domain, state, addresses])).toEqual([
      ['ok.a.gate.test', 'ok', [INSTANCE]],
      ['none.a.gate.test', 'missing', []],
      ['old.a.gate.test', 'elsewhere', ['10.9.9.9']],
    ]);
  });

  it('an IPv6 instance is checked with AAAA records (an A record does not count)', async () => {
    await dns.addAAAA('v6.gate.test', ['fd00:0:0::7']);
    await dns.addA('v4only.gate.test', [INSTANCE]);
    const answers = await askResolvers(['v6.gate.test', 'v4only.gate.test'], 'fd00::7', [dns.resolver]);
    expect(answers.map((answer) => answer.state)).toEqual(['ok', 'missing']);
  });

  it('every resolver must agree: one that does not answer keeps the domain waiting, and is named', async () => {
    await dns.addA('both.gate.test', [INSTANCE]);
    const silent = await closedUdpPort();
    const [answer] = await askResolvers(['both.gate.test'], INSTANCE, [dns.resolver, silent]);
    expect(answer!.state).toBe('missing');
    expect(answer!.unanswered).toContain(`no answer from ${silent}`);
  });

  it('without --dns-wait (0 s) it fails at once: dns.not_ready with the records to create', async () => {
    const started = Date.now();
    const error = await waitForDns({ domains: ['now.gate.test'], address: INSTANCE, resolvers: [dns.resolver], timeoutSeconds: 0, intervalSeconds: 5, progress: () => undefined }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeployerError);
    expect((error as DeployerError).code).toBe('dns.not_ready');
    expect((error as DeployerError).message).toContain('now.gate.test has no A record yet (expected 10.20.30.40)');
    expect((error as DeployerError).fix).toContain('A now.gate.test 10.20.30.40');
    expect(Date.now() - started).toBeLessThan(5000); // it did not wait an interval
  });

  it('waits, counting down, until the record appears, then lets the run go on', async () => {
    const progress: string[] = [];
    const added = new Promise<void>((resolve) => setTimeout(() => void dns.addA('later.gate.test', [INSTANCE]).then(resolve), 1500));
    const answers = await waitForDns({ domains: ['later.gate.test'], address: INSTANCE, resolvers: [dns.resolver], timeoutSeconds: 60, intervalSeconds: 1, progress: (line) => progress.push(line) });
    await added;
    expect(answers.map((answer) => answer.state)).toEqual(['ok']);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatch(/^waiting for DNS \((1m 00s|\d+s) left, asking 127\.0\.0\.1:\d+\): later\.gate\.test has no A record yet/);
  }, 30_000);

  it('a record pointing elsewhere that is not corrected: after the wait, the error names both addresses', async () => {
    await dns.addA('stale.gate.test', ['10.9.9.8']);
    const error = (await waitForDns({ domains: ['stale.gate.test'], address: INSTANCE, resolvers: [dns.resolver], timeoutSeconds: 2, intervalSeconds: 1, progress: () => undefined }).catch((caught: unknown) => caught)) as DeployerError;
    expect(error.code).toBe('dns.not_ready');
    expect(error.message).toContain('after waiting 2s');
    expect(error.message).toContain("stale.gate.test resolves to 10.9.9.8, not to the instance's 10.20.30.40");
  }, 30_000);

  it('in the executor: the records are shown (dns.records), then the step fails with the fix; --skip-dns-wait skips it unasked', async () => {
    const gate = gateOf(runPlan(httpsConfig([dns.resolver]), INSTANCE, { waitSeconds: 0, skip: false }))!;
    await dns.addA('api.gate.test', [INSTANCE]);
    const { outcome, events } = await runGate(gate);
    expect(outcome.outcome).toBe('failed');
    const records = events.find((event) => event.type === 'dns.records');
    expect(records).toEqual({ type: 'dns.records', step: 'dns-gate', address: INSTANCE, records: [{ type: 'A', name: 'tracker.gate.test', value: INSTANCE }] });
    expect(outcome.outcome === 'failed' && outcome.cause?.code).toBe('dns.not_ready');

    await dns.addA('tracker.gate.test', [INSTANCE]);
    expect((await runGate(gate)).outcome.outcome).toBe('succeeded');

    // Skipped: asked nowhere, even with a resolver that would fail.
    const skipped = gateOf(runPlan(httpsConfig([await closedUdpPort()]), INSTANCE, { waitSeconds: 0, skip: true }))!;
    const run = await runGate(skipped);
    expect(run.outcome.outcome).toBe('succeeded');
    expect(run.events).toContainEqual({ type: 'step.skipped', step: 'dns-gate', reason: '--skip-dns-wait' });
  }, 30_000);
});

/** A loopback UDP port nothing listens on: queries to it are refused. */
function closedUdpPort(): Promise<string> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(`127.0.0.1:${port}`));
    });
  });
}
