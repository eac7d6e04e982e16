import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DeployerError } from '../domain/errors.js';
import { asDeployerError } from './run-command.js';

/**
 * Tool results: the JSON document as structured content and as text (for
 * clients that read only text). Errors are the same objects `--json` prints
 * under "error" (code, message, where, fix, data), with isError set.
 */
export function toolResult(document: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(document, null, 2) }], structuredContent: document };
}

export function toolError(error: Record<string, unknown>, extra: Record<string, unknown> = {}): CallToolResult {
  const document = { error, ...extra };
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(document, null, 2) }], structuredContent: document };
}

/** Runs a tool body; a thrown error becomes a structured error result. */
export async function guarded(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    return toolError(asDeployerError(error).toJSON());
  }
}

/** The SDK's own errors (an input that fails its schema, an unknown tool) as a usage error. */
export function protocolError(message: string): CallToolResult {
  return toolError(
    new DeployerError('usage.invalid', message.replace(/^MCP error -?\d+: /, ''), {
      fix: 'call the tool with arguments that match its input schema (tools/list shows it)',
    }).toJSON(),
  );
}
