import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/plan/events.js';
import type { Plan, Step } from '../../src/plan/types.js';
import { readEnvironmentRecord } from '../../src/state/store.js';
import { connectorFor, ShellHost } from './doubles.js';
import { runOnRunning } from '../support/scripted-host.js';
import { scratch } from './support.js';

/** A step that appends "do ID" to $ROOT/log, and "undo ID" when undone; `fail` makes the one or the other exit 1. */
function step(id: string, options: { failDo?: boolean; failUndo?: boolean; undo?: boolean; afterCommit?: boolean; echo?: string } = {}): Step {
  const log = (text: string) => `echo ${text} >> "$ROOT/log"`;
  return {
    kind: 'remote',
    id,
    title: `step ${id}`,
    changes: id,
    sudo: false,
    check: undefined,
    command: `${log(`do-${id}`)}${options.echo ? `; echo ${options.echo}` : ''}${options.failDo ? `; echo "${id} broke" >&2; exit 1` : ''}`,
    ...(options.undo === false ? {} : { undo: `${log(`undo-${id}`)}${options.failUndo ? `; echo "undo of ${id} broke with ${options.echo ?? 'no secret'}" >&2; exit 4` : ''}` }),
    ...(options.afterCommit ? { afterCommit: true } : {}),
  };
}

const planOf = (steps: Step[]): Plan => ({ environment: 'race', command: 'restore', gaps: [], stages: [{ stage: 'restore', command: 'restore', steps }] });

async function run(steps: Step[], options: { stopAfter?: string; secrets?: string[] } = {}) {
  const host = new ShellHost(scratch());
  const { result, events, workingDir } = await runOnRunning(planOf(steps), connectorFor(host), { ...options, command: 'restore --from 1' });
  const ran = readFileSync(join(host.root, 'log'), 'utf8').trim().split('\n');
  return { result, events, ran, host, workingDir };
}

const undoEvents = (events: EngineEvent[]) => events.flatMap((event) => (event.type.startsWith('step.undo.') && 'step' in event ? [`${event.type.slice('step.undo.'.length)} ${event.step}`] : []));

describe('undo in the executor', () => {
  it('runs each step of a reversible stage in its own round trip and undoes nothing when all succeed', async () => {
    const { result, ran, host, events } = await run([step('a'), step('b'), step('c')]);
    expect(result.outcome).toBe('succeeded');
    expect(ran).toEqual(['do-a', 'do-b', 'do-c']);
    expect(host.scripts).toHaveLength(3);
    expect(undoEvents(events)).toEqual([]);
  });

  it('a failure undoes every step that ran, last first, the failed one included, and reports each undo', async () => {
    const { result, ran, events } = await run([step('a'), step('no-undo', { undo: false }), step('b', { failDo: true }), step('c')]);
    expect(result.outcome).toBe('failed');
    expect(ran).toEqual(['do-a', 'do-no-undo', 'do-b', 'undo-b', 'undo-a']);
    expect(undoEvents(events)).toEqual(['started b', 'succeeded b', 'started a', 'succeeded a']);
    expect(result.stopped).toMatchObject({ step: 'b', error: 'exited with code 1: b broke', output: ['b broke'], undo_failures: [] });
    // The undo's command is printed as it runs, pasteable.
    expect(events).toContainEqual({ type: 'step.command', step: 'a', command: `sh -c 'echo undo-a >> "$ROOT/log"'` });
  });

  it('an undo that fails is reported and the undos before it still run; its output is masked', async () => {
    const secret = 'Sup3rSecretUndo';
    const { result, ran, events } = await run([step('a'), step('b', { failUndo: true, echo: secret }), step('c', { failDo: true })], { secrets: [secret] });
    expect(ran).toEqual(['do-a', 'do-b', 'do-c', 'undo-c', 'undo-b', 'undo-a']);
    expect(undoEvents(events)).toEqual(['started c', 'succeeded c', 'started b', 'failed b', 'started a', 'succeeded a']);
    expect(result.stopped?.undo_failures).toEqual([{ step: 'b', title: 'step b', error: 'exited with code 4: undo of b broke with ***', output: ['undo of b broke with ***'] }]);
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(JSON.stringify(result.stopped)).not.toContain(secret);
  });

  it('a failure after the commit point is a warning: nothing is undone and the plan succeeds', async () => {
    const { result, ran, events, workingDir } = await run([step('a'), step('clean-up', { afterCommit: true, failDo: true, undo: false }), step('after', { afterCommit: true, undo: false })]);
    expect(result.outcome).toBe('succeeded');
    expect(ran).toEqual(['do-a', 'do-clean-up', 'do-after']);
    expect(result.warnings).toEqual([{ step: 'clean-up', title: 'step clean-up', error: 'exited with code 1: clean-up broke' }]);
    expect(events).toContainEqual({ type: 'step.warned', step: 'clean-up', error: 'exited with code 1: clean-up broke' });
    expect(events.some((event) => event.type === 'step.failed')).toBe(false);
    const record = await readEnvironmentRecord(workingDir, 'race');
    expect(record).toMatchObject({ state: 'running', history: [{ command: 'test setup' }, { command: 'restore --from 1', outcome: 'succeeded' }] });
  });

  it('Ctrl-C stops before the next step and undoes what ran; the steps after the commit point still run', async () => {
    const stopped = await run([step('a'), step('b'), step('c')], { stopAfter: 'a' });
    expect(stopped.result.outcome).toBe('interrupted');
    expect(stopped.result.stopped).toMatchObject({ step: 'b', undo_failures: [] });
    expect(stopped.ran).toEqual(['do-a', 'undo-a']);
    const record = await readEnvironmentRecord(stopped.workingDir, 'race');
    expect(record).toMatchObject({ state: 'running', reached: 'running', history: [{ command: 'test setup' }, { outcome: 'interrupted' }] });
    expect(record?.failure).toBeUndefined();

    const committed = await run([step('a'), step('clean-up', { afterCommit: true, undo: false })], { stopAfter: 'a' });
    expect(committed.result.outcome).toBe('succeeded');
    expect(committed.ran).toEqual(['do-a', 'do-clean-up']);
  });
});
