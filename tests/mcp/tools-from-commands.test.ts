import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandPaths, toolNameOf } from '../../src/mcp/command-tools.js';
import { TOOL_POLICIES } from '../../src/mcp/tool-policies.js';
import { connect, scratchHome } from './support.js';

type Session = Awaited<ReturnType<typeof connect>>;

describe('the MCP tools come from the command table', () => {
  let session: Session;
  let tools: Awaited<ReturnType<Session['client']['listTools']>>['tools'];

  beforeAll(async () => {
    session = await connect(scratchHome());
    ({ tools } = await session.client.listTools());
  });
  afterAll(async () => {
    await session?.close();
  });

  it('makes every command a tool, or names why it is not one; no policy outlives its command', () => {
    const paths = commandPaths().map(({ path }) => path);
    expect(paths).toEqual(expect.arrayContaining(['validate', 'deploy', 'status', 'logs', 'backup', 'backup list', 'restore', 'upgrade', 'exists', 'mcp']));
    expect(Object.keys(TOOL_POLICIES).sort()).toEqual([...paths].sort());
    const served = tools.map((tool) => tool.name).filter((name) => !name.startsWith('questionnaire_'));
    const expected = paths.filter((path) => !('notATool' in TOOL_POLICIES[path]!)).map(toolNameOf);
    expect(served.sort()).toEqual(expected.sort());
    for (const path of paths) {
      const policy = TOOL_POLICIES[path]!;
      if ('notATool' in policy) expect(policy.notATool.length, `why ${path} is not a tool`).toBeGreaterThan(10);
    }
  });

  it('offers every option of a command, unless the policy withholds it with a reason', () => {
    for (const { path, spec } of commandPaths()) {
      const policy = TOOL_POLICIES[path]!;
      if ('notATool' in policy) continue;
      const properties = Object.keys(tools.find((tool) => tool.name === toolNameOf(path))?.inputSchema.properties ?? {});
      for (const option of (spec.options ?? []).filter((candidate) => !candidate.hidden)) {
        const long = /--([a-z0-9-]+)/.exec(option.flags)![1]!;
        const withheld = policy.withheld?.[long];
        if (withheld !== undefined) {
          expect(withheld.length, `why ${path} withholds --${long}`).toBeGreaterThan(10);
          continue;
        }
        expect(properties, `${path} --${long}`).toContain(policy.rename?.[long] ?? long.replace(/-/g, '_'));
      }
      for (const argument of spec.arguments ?? []) expect(properties, `${path} ${argument.name}`).toContain(policy.rename?.[argument.name] ?? argument.name.replace(/-/g, '_'));
      // Whatever changes something can be tried first: a dry run; whatever destroys waits for confirm.
      // (render's dry run is leaving output_dir out.)
      if (policy.readOnly !== true) expect(properties, `${path} dry_run`).toContain(path === 'render' ? 'output_dir' : 'dry_run');
      if (policy.confirm) expect(properties, `${path} confirm`).toContain('confirm');
    }
  });
});
