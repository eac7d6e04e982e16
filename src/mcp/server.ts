import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { VERSION } from '../cli/program.js';
import { registerCommandTools } from './command-tools.js';
import { Questionnaire } from './questionnaire.js';
import { registerQuestionnaireTools } from './questionnaire-tools.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { protocolError } from './results.js';
import type { ServerScope } from './run-command.js';
import { takeOverStdout } from './stdout.js';
import { StrictStdioServerTransport } from './strict-stdio.js';

const INSTRUCTIONS = `Torrust Tracker Deployer: from a user's request to a running BitTorrent tracker on a server they own.
Usual path (the prompt "questionnaire" starts it): questionnaire_questions → questionnaire_answer (repeat) → questionnaire_config {write: true} → validate {path} → render → deploy {target: path} (a dry run by default: show the user the plan).
Never run deploy, destroy, purge, restore or upgrade with dry_run: false, nor overwrite a config (force: true), without the user's explicit go-ahead.
Day two: status, logs {tail}, backup, backup_list, restore, upgrade; every CLI command is a tool of the same name (spaces become _).
Errors come back with isError and {"error": {code, message, where, fix}}: act on the fix. Codes: ttd://docs/reference/errors.md. Config keys: ttd://docs/user-guide/config.md. Skills (deploy, diagnose a failure, upgrade and restore, move from the Rust deployer): ttd://skills/<name>/SKILL.md.`;

export function createMcpServer(scope: ServerScope): McpServer {
  const server = new McpServer({ name: 'torrust-tracker-deployer', version: VERSION }, { instructions: INSTRUCTIONS });
  registerQuestionnaireTools(server, new Questionnaire(scope.workingDir, scope.env));
  registerCommandTools(server, scope);
  registerResources(server);
  registerPrompts(server, scope);
  // The SDK reports arguments that fail a tool's schema as plain text; every error we return is structured.
  (server as unknown as { createToolError: (message: string) => CallToolResult }).createToolError = protocolError;
  return server;
}

/** Serves on stdin/stdout until the client closes stdin; nothing else writes to stdout meanwhile. */
export async function serveStdio(scope: ServerScope): Promise<void> {
  const stdout = takeOverStdout();
  try {
    const server = createMcpServer(scope);
    const transport = new StrictStdioServerTransport(process.stdin, stdout.protocol);
    const closed = new Promise<void>((resolve) => {
      server.server.onclose = resolve;
    });
    await server.connect(transport);
    const answered = trackRequests(transport);
    // The client closing stdin ends the session, but the requests it sent before are answered first.
    process.stdin.once('end', () => void answered().then(() => server.close()));
    await closed;
  } finally {
    stdout.release();
  }
}

/** Counts requests received and not yet answered; the returned function resolves when there are none. */
function trackRequests(transport: StrictStdioServerTransport): () => Promise<void> {
  const pending = new Set<string | number>();
  let waiting: (() => void) | undefined;
  const receive = transport.onmessage;
  transport.onmessage = (...received: Parameters<NonNullable<StrictStdioServerTransport['onmessage']>>) => {
    const [message] = received;
    if ('method' in message && 'id' in message) pending.add(message.id);
    receive?.(...received);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message: JSONRPCMessage) => {
    await send(message);
    if (!('method' in message) && 'id' in message && message.id !== undefined) {
      pending.delete(message.id);
      if (pending.size === 0) waiting?.();
    }
  };
  return () => (pending.size === 0 ? Promise.resolve() : new Promise((resolve) => (waiting = resolve)));
}
