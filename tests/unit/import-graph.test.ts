import { describe, expect, it } from 'vitest';
import { circles, importEdges } from '../support/import-graph.js';

/**
 * The house: no module of src/, screens/ or questionnaire/ takes part in an import circle,
 * and the lower rooms do not import the rooms that use them.
 *
 * Type-only imports are left out of the circle checks: the compiler erases them, and one
 * such loop is by design (the stack's modules take the config's type, which is inferred
 * from the schema their sections make). The command table's lazy loaders
 * (`load: () => import('../commands/…')` in src/cli/commands.ts) are left out too: the
 * table names every handler, some handlers (mcp, docs) read the table, and a loader runs
 * only when its command does.
 */
const edges = importEdges();
const runtime = edges.filter((edge) => !edge.typeOnly);
const isTableLoader = (edge: { from: string; dynamic: boolean }) => edge.dynamic && edge.from === 'src/cli/commands.ts';

/** Rooms and the rooms they must not import (not even a type): what sits below does not know what uses it. */
const BELOW: Readonly<Record<string, readonly string[]>> = {
  'src/run/': ['src/cli/', 'src/commands/', 'src/mcp/'],
  'src/plan/': ['src/run/', 'src/output/', 'src/cli/', 'src/commands/', 'src/mcp/'],
  'src/output/': ['src/run/', 'src/cli/', 'src/commands/', 'src/mcp/'],
  'src/state/': ['src/run/', 'src/output/', 'src/cli/', 'src/commands/', 'src/mcp/'],
  'src/domain/': ['src/run/', 'src/output/', 'src/cli/', 'src/commands/', 'src/mcp/'],
  'src/ssh/': ['src/run/', 'src/output/', 'src/cli/', 'src/commands/', 'src/mcp/', 'src/render/'],
  'src/remote/': ['src/run/', 'src/output/', 'src/cli/', 'src/commands/', 'src/mcp/', 'src/render/'],
};

describe('the import graph', () => {
  it('is read from the sources: the modules the CLI starts from are in it', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges).toContainEqual({ from: 'src/cli/main.ts', to: 'src/cli/program.ts', typeOnly: false, dynamic: true });
  });

  it('the circle finder finds a circle, and only a circle', () => {
    expect(circles([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }, { from: 'c', to: 'd' }])).toEqual([['a', 'b', 'c']]);
    expect(circles([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }])).toEqual([]);
  });

  it('has no circle of the imports that load with a module', () => {
    expect(circles(runtime.filter((edge) => !edge.dynamic))).toEqual([]);
  });

  it('has no circle through a dynamic import but the command table\'s loaders', () => {
    expect(circles(runtime.filter((edge) => !isTableLoader(edge)))).toEqual([]);
  });

  it('has no import from a lower room into a room that uses it', () => {
    const upward = edges.filter((edge) => Object.entries(BELOW).some(([room, above]) => edge.from.startsWith(room) && above.some((upper) => edge.to.startsWith(upper))));
    expect(upward.map((edge) => `${edge.from} → ${edge.to}`)).toEqual([]);
  });
});
