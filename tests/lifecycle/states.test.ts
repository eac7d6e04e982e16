import { describe, expect, it } from 'vitest';
import { admit, afterSuccess, remainingStages, SETTLED_STATES, STAGES, type Position, type SettledState } from '../../src/domain/states.js';
import { migrateRecord } from '../../src/state/migrations.js';

const at = (state: Position['state'], reached: SettledState = state as SettledState): Position => ({ state, reached });

describe('stage admission', () => {
  for (const stage of STAGES) {
    for (const reached of SETTLED_STATES) {
      const allowed = SETTLED_STATES.indexOf(reached) >= STAGES.indexOf(stage);
      it(`${stage} from ${reached}: ${allowed ? 'runs' : 'refused'}`, () => {
        const admission = admit(stage, at(reached), 'demo');
        expect(admission.ok).toBe(allowed);
        if (!admission.ok) expect(admission.next).toMatch(new RegExp(`^ttd ${STAGES[SETTLED_STATES.indexOf(reached)]} demo first`));
      });
    }
  }

  it("resumes a failed or interrupted stage, and a later stage's failure does not block an earlier one", () => {
    expect(admit('configure', at('configure_failed', 'provisioned'), 'demo').ok).toBe(true);
    expect(admit('configure', at('configuring', 'provisioned'), 'demo').ok).toBe(true);
    expect(admit('provision', at('provision_failed', 'created'), 'demo').ok).toBe(true);
    expect(admit('configure', at('run_failed', 'released'), 'demo').ok).toBe(true);
    expect(admit('release', at('configure_failed', 'provisioned'), 'demo')).toMatchObject({ ok: false, next: expect.stringContaining('ttd configure demo first') });
  });

  it('a destroyed environment can only be provisioned again; one being destroyed only destroyed', () => {
    expect(admit('provision', at('destroyed', 'created'), 'demo').ok).toBe(true);
    expect(admit('configure', at('destroyed', 'created'), 'demo')).toMatchObject({ ok: false, next: expect.stringContaining('ttd provision demo') });
    expect(admit('provision', at('destroy_failed', 'running'), 'demo')).toMatchObject({ ok: false, next: expect.stringContaining('ttd destroy demo') });
    expect(admit('destroy', at('destroy_failed', 'running'), 'demo').ok).toBe(true);
  });

  it('never moves an environment backwards; destroy resets it to the start', () => {
    expect(afterSuccess('configure', 'provisioned')).toEqual({ state: 'configured', reached: 'configured' });
    expect(afterSuccess('configure', 'running')).toEqual({ state: 'running', reached: 'running' });
    expect(afterSuccess('destroy', 'running')).toEqual({ state: 'destroyed', reached: 'created' });
  });

  it('deploy runs what is left from where the environment stands', () => {
    expect(remainingStages(at('created'))).toEqual(['provision', 'configure', 'release', 'run']);
    expect(remainingStages(at('release_failed', 'configured'))).toEqual(['release', 'run']);
    expect(remainingStages(at('running'))).toEqual([]);
    expect(remainingStages(at('destroyed', 'created'))).toEqual(['provision', 'configure', 'release', 'run']);
    expect(remainingStages(at('destroying', 'running'))).toEqual([]);
  });
});

describe('state file migrations', () => {
  it('reads the version 1 format of issue 2 as version 2', () => {
    const migrated = migrateRecord({ format_version: 1, name: 'demo', state: 'created', created_at: '2026-01-01T00:00:00.000Z', config: { source_file: 'x', format: 'toml', snapshot: {} }, history: [{ command: 'create environment', at: '2026-01-01T00:00:00.000Z', outcome: 'succeeded' }] }, 'f');
    expect(migrated).toMatchObject({ format_version: 2, state: 'created', reached: 'created', resources: [], instance: {}, history: [{ command: 'create environment', started_at: '2026-01-01T00:00:00.000Z', outcome: 'succeeded' }] });
  });

  it('refuses a newer format and a broken one, saying what to do', () => {
    expect(() => migrateRecord({ format_version: 99, name: 'x' }, 'f')).toThrow(/format version 99.*reads up to 2/);
    expect(() => migrateRecord({ format_version: 2, name: 'x', state: 'flying', reached: 'created' }, 'f')).toThrow(/state/);
    expect(() => migrateRecord([], 'f')).toThrow(/not a JSON object/);
  });
});
