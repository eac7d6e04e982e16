import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUESTIONS } from '../../questionnaire/questions.js';
import { shippedSkills } from '../../src/commands/skills-install.js';
import { connect, scratchHome, structured } from './support.js';

/** What `ttd mcp` offers besides tools, through the SDK's own client over stdio. */
describe('MCP prompts and skill resources', () => {
  let session: Awaited<ReturnType<typeof connect>>;

  beforeAll(async () => {
    session = await connect(scratchHome());
  }, 60_000);
  afterAll(async () => {
    await session?.close();
  });

  it('prompts/list offers the questionnaire, with an optional request argument', async () => {
    const { prompts } = await session.client.listPrompts();
    const questionnaire = prompts.find((prompt) => prompt.name === 'questionnaire');
    expect(questionnaire, JSON.stringify(prompts)).toBeDefined();
    expect(questionnaire!.description).toMatch(/questions/);
    expect(questionnaire!.arguments).toEqual([expect.objectContaining({ name: 'request', required: false })]);
  });

  it('prompts/get returns the questionnaire: the questions questionnaire_questions gives, the request, and how to answer', async () => {
    const result = await session.client.getPrompt({ name: 'questionnaire', arguments: { request: 'a public tracker on Hetzner with HTTPS on example.org' } });
    expect(result.messages).toHaveLength(1);
    const [message] = result.messages;
    expect(message!.role).toBe('user');
    expect(message!.content.type).toBe('text');
    const text = (message!.content as { text: string }).text;
    expect(text).toContain('What I want: a public tracker on Hetzner with HTTPS on example.org');
    expect(text).toContain('questionnaire_answer');
    const listed = JSON.parse(text.slice(text.indexOf('\n{') + 1)) as { questions: { id: string }[] };
    const fromTool = structured(await session.client.callTool({ name: 'questionnaire_questions', arguments: {} }));
    expect(listed.questions).toEqual(fromTool['questions']);
    for (const id of ['name', 'provider', 'database', 'prometheus', 'grafana', 'https', 'backup']) {
      expect(listed.questions.map((question) => question.id), id).toContain(id);
    }
    for (const question of listed.questions) expect(QUESTIONS.map((known) => known.id)).toContain(question.id);
    // No secret leaves the server: a generated token is only described.
    const token = listed.questions.find((question) => question.id === 'api_token') as Record<string, unknown>;
    expect(token['default']).toBeUndefined();
    expect(token['default_note']).toMatch(/never shown/);
  });

  it('prompts/get without a request still works; an unknown prompt is a protocol error', async () => {
    const result = await session.client.getPrompt({ name: 'questionnaire', arguments: {} });
    expect((result.messages[0]!.content as { text: string }).text).not.toContain('What I want');
    await expect(session.client.getPrompt({ name: 'nope', arguments: {} })).rejects.toThrow(/nope/);
  });

  it('every shipped skill is a resource, ttd://skills/<name>/SKILL.md, with the file\'s text', async () => {
    const { resources } = await session.client.listResources();
    const skills = shippedSkills();
    expect(skills.length).toBeGreaterThanOrEqual(4);
    for (const skill of skills) {
      const uri = `ttd://skills/${skill}/SKILL.md`;
      expect(resources.map((resource) => resource.uri), uri).toContain(uri);
      const read = await session.client.readResource({ uri });
      expect((read.contents[0] as { text: string }).text).toContain(`name: ${skill}\n`);
    }
  });
});
