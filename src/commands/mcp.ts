import type { CommandHandler } from '../cli/context.js';
import { serveStdio } from '../mcp/server.js';

/** `mcp`: the deployer as a Model Context Protocol server on stdio, until the client disconnects. */
const mcp: CommandHandler = async (context) => {
  context.output.detail(`MCP server on stdio, working directory ${context.workingDir}`);
  await serveStdio({ workingDir: context.workingDir, env: context.env });
  return 0;
};

export default mcp;
