import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Questionnaire } from './questionnaire.js';
import { guarded, toolResult } from './results.js';

const answerValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

/** The wizard's questions as four tools: list, answer, get the config, start over. */
export function registerQuestionnaireTools(server: McpServer, questionnaire: Questionnaire): void {
  server.registerTool(
    'questionnaire_questions',
    {
      title: 'Questionnaire: questions that apply',
      description:
        'The wizard\'s questions that apply to the answers given so far (defaults assumed for the rest), in order, each with id, text, help, type, choices, default (or required), and the answer given. next_question is the first unanswered one; complete is true when every question has an answer.',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    async () => guarded(async () => toolResult(questionnaire.state())),
  );

  server.registerTool(
    'questionnaire_answer',
    {
      title: 'Questionnaire: answer questions',
      description:
        'Answer one or several questions by id, for example {"name": "demo", "provider": "hetzner", "udp_ports": "6969"}. Each answer is checked as the wizard checks it: valid ones are kept, invalid ones come back in rejected with the problem (nothing is thrown). Answers that a new answer makes moot are dropped and listed. Returns the questions that apply now.',
      inputSchema: { answers: z.record(z.string(), answerValue).describe('question id → answer (text, number, yes/no as boolean, or a list for multi-choice)') },
    },
    async ({ answers }) => guarded(async () => toolResult(questionnaire.answer(answers))),
  );

  server.registerTool(
    'questionnaire_config',
    {
      title: 'Questionnaire: the resulting config',
      description:
        'The config the answers make, as the commented TOML the wizard writes, with secrets masked. With write: true it is written to envs/<name>.toml, and the secrets it names as ${VAR} to envs/<name>.secrets (mode 0600, read automatically; the .toml holds no secret). An SSH key pair is generated if "generate" was chosen. Unanswered questions or answers that conflict come back as a usage.invalid error listing them.',
      inputSchema: {
        accept_defaults: z.boolean().default(true).describe('take the default of every unanswered question that has one'),
        write: z.boolean().default(false).describe('write envs/<name>.toml'),
        force: z.boolean().default(false).describe('overwrite an existing envs/<name>.toml (ask the user first)'),
      },
    },
    async ({ accept_defaults: acceptDefaults, write, force }) => guarded(async () => toolResult(await questionnaire.config({ acceptDefaults, write, force }))),
  );

  server.registerTool(
    'questionnaire_reset',
    { title: 'Questionnaire: start over', description: 'Forget every answer given so far.', inputSchema: {} },
    async () => guarded(async () => toolResult(questionnaire.reset())),
  );
}
