import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvironmentRecord } from '../../src/state/store.js';
import { provisionedEnvironment, scratch, startSlowPlan } from './support.js';

/** Lines of the NDJSON a runner printed. */
function events(output: string): Record<string, unknown>[] {
  return output.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 1200; attempt++) {
    if (condition()) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('the environment lock across processes', () => {
  it('lets exactly one of 20 racing commands run; every loser exits 1 naming the holder; the state stays whole', async () => {
    const workingDir = scratch();
    const shared = scratch();
    await provisionedEnvironment(workingDir);

    const runners = Array.from({ length: 20 }, () => startSlowPlan(workingDir, shared));
    const codes: (number | null)[] = [];
    for (const runner of runners) void runner.exited.then((code) => codes.push(code));
    await until(() => codes.length >= 19, '19 runners to give up');
    writeFileSync(join(shared, 'go'), '');
    const all = await Promise.all(runners.map((runner) => runner.exited));

    const winners = runners.filter((_, index) => all[index] === 0);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    for (const [index, runner] of runners.entries()) {
      if (runner === winner) continue;
      expect(all[index]).toBe(1);
      expect(runner.errors()).toContain('environment.locked');
      expect(runner.errors()).toContain(`pid ${winner.pid}`);
      expect(runner.errors()).toContain("running 'configure'");
    }
    expect(readFileSync(join(shared, 'holders.log'), 'utf8')).toBe(`enter ${winner.pid}\nleave ${winner.pid}\n`);
    const record = await readEnvironmentRecord(workingDir, 'race');
    expect(record?.state).toBe('configured');
    expect(record?.history.map((entry) => entry.outcome)).toEqual(['succeeded', 'succeeded']);
    expect(existsSync(join(workingDir, 'data', 'race', 'lock'))).toBe(false);
  }, 120_000);

  it('after a SIGKILL mid-plan, the next run takes the stale lock over and resumes, skipping finished steps', async () => {
    const workingDir = scratch();
    const shared = scratch();
    await provisionedEnvironment(workingDir);

    const killed = startSlowPlan(workingDir, shared);
    await until(() => killed.output().includes('"step":"wait-go"'), 'the slow step to start');
    killed.kill('SIGKILL');
    await killed.exited;
    const lock = JSON.parse(readFileSync(join(workingDir, 'data', 'race', 'lock'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(killed.pid);
    expect((await readEnvironmentRecord(workingDir, 'race'))?.state).toBe('configuring');

    writeFileSync(join(shared, 'go'), '');
    const resumed = startSlowPlan(workingDir, shared);
    expect(await resumed.exited).toBe(0);
    const seen = events(resumed.output());
    const acquired = seen.find((event) => event['type'] === 'lock.acquired') as { took_over_from?: { pid: number } };
    expect(acquired.took_over_from?.pid).toBe(killed.pid);
    const outcome = (step: string) => seen.find((event) => event['step'] === step && ['step.skipped', 'step.succeeded'].includes(event['type'] as string))?.['type'];
    expect(outcome('write-marker')).toBe('step.skipped');
    expect(outcome('make-dir')).toBe('step.skipped');
    expect(outcome('wait-go')).toBe('step.succeeded');
    expect(outcome('leave')).toBe('step.succeeded');
    const record = await readEnvironmentRecord(workingDir, 'race');
    expect(record?.state).toBe('configured');
    expect(record?.reached).toBe('configured');
  }, 60_000);
});
