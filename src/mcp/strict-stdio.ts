import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { boundedLines } from './bounded-lines.js';

/**
 * The longest line taken: room for a `validate {text}` of 10 MiB, which JSON
 * escaping can make a few times longer. A longer one is answered and dropped.
 */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

interface ErrorReply {
  readonly code: number;
  readonly message: string;
}

/**
 * The SDK's stdio transport, with the replies JSON-RPC 2.0 requires for lines it
 * cannot take: the SDK reports a line that is not JSON (a SyntaxError) or not a
 * JSON-RPC message (a ZodError) to `onerror` and drops it, leaving the client
 * waiting. Here each gets -32700 (Parse error) or -32600 (Invalid Request), with
 * id null: the SDK hands over no part of the line, so its id is unknown. The
 * server's own `onerror` is chained after ours when it connects (Protocol.connect).
 * stdin reaches the SDK one whole line at a time (bounded-lines.ts).
 */
export class StrictStdioServerTransport extends StdioServerTransport {
  constructor(stdin: Readable, stdout: Writable) {
    let tooLong = () => {};
    const lines = stdin.pipe(boundedLines(MAX_MESSAGE_BYTES, () => tooLong()));
    stdin.on('error', (error) => lines.emit('error', error));
    super(lines, stdout, { maxBufferSize: MAX_MESSAGE_BYTES + 1 });
    tooLong = () => this.answer({ code: ErrorCode.InvalidRequest, message: `Invalid Request: a message longer than ${MAX_MESSAGE_BYTES} bytes, ignored` });
    this.onerror = (error) => {
      const reply = replyTo(error);
      if (reply) this.answer(reply);
    };
  }

  private answer(error: ErrorReply): void {
    // The SDK types ids as string | number; JSON-RPC's reply to a line without a usable id has null.
    void this.send({ jsonrpc: '2.0', id: null, error } as unknown as JSONRPCMessage);
  }
}

function replyTo(error: Error): ErrorReply | undefined {
  if (error instanceof SyntaxError) return { code: ErrorCode.ParseError, message: `Parse error: the line is not JSON (${error.message})` };
  if (error instanceof z.ZodError) {
    return { code: ErrorCode.InvalidRequest, message: 'Invalid Request: not a JSON-RPC 2.0 message (an object with "jsonrpc": "2.0" and a method, or a result or error with an id)' };
  }
  return undefined;
}
