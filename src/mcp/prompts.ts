import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { Questionnaire } from './questionnaire.js';
import type { ServerScope } from './run-command.js';

export const QUESTIONNAIRE_PROMPT = 'questionnaire';

/**
 * The wizard's questionnaire as an MCP prompt: a host that lists prompts (a slash command,
 * a menu) can start the conversation that builds a config. The questions are the ones
 * questionnaire_questions gives on a fresh start; the tools then take the answers.
 */
export function registerPrompts(server: McpServer, scope: ServerScope): void {
  server.registerPrompt(
    QUESTIONNAIRE_PROMPT,
    {
      title: 'New tracker: the questionnaire',
      description: 'Build a Torrust tracker environment config with the user, with the wizard\'s questions and checks, then validate it and show the deploy plan (a dry run).',
      argsSchema: { request: z.string().optional().describe('what the user asked for, for example "a public tracker on Hetzner with HTTPS on example.org"') },
    },
    ({ request }) => ({
      description: 'The wizard\'s questions, and how to answer them with the questionnaire tools',
      messages: [{ role: 'user', content: { type: 'text', text: questionnaireText(scope, request) } }],
    }),
  );
}

function questionnaireText(scope: ServerScope, request: string | undefined): string {
  const questions = new Questionnaire(scope.workingDir, scope.env).state();
  return [
    'Help me set up a Torrust BitTorrent tracker with the torrust-tracker-deployer questionnaire.',
    ...(request?.trim() ? [`What I want: ${request.trim()}`] : []),
    '',
    'How to go about it:',
    '1. Infer what you can from what I said; ask me only what you cannot infer and what has no sensible default. Never ask me to paste a secret: answer "${VAR}" to read it from the environment, or keep the generated one.',
    '2. Give the answers with questionnaire_answer {"answers": {...}}; fix every entry in rejected using its problem and help. Later questions depend on earlier answers: questionnaire_questions lists the ones that apply now.',
    '3. Show me questionnaire_config (secrets masked) and write it with write: true once I agree; force: true only if I say to overwrite.',
    '4. validate {"path": "envs/NAME.toml"}, then deploy {"target": "envs/NAME.toml"} (a dry run): summarise the plan for me, and deploy for real only when I say so.',
    '',
    'The questions that apply on a fresh start (defaults assumed), as questionnaire_questions gives them:',
    JSON.stringify(questions, null, 2),
  ].join('\n');
}
