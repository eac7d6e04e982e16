import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARY, connect, scratchHome, structured } from './support.js';

/** `ttd mcp` with raw stdio: lines written as they are, replies read line by line. */
function rawServer(home: string) {
  const child = spawn(process.execPath, [BINARY, 'mcp'], { cwd: home, env: { PATH: process.env['PATH'] ?? '', HOME: home, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const replies: Record<string, unknown>[] = [];
  const waiting: (() => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    replies.push(JSON.parse(line) as Record<string, unknown>);
    waiting.splice(0).forEach((wake) => wake());
  });
  return {
    write: (text: string) => child.stdin.write(text),
    /** Resolves when `count` replies have arrived (vitest's timeout ends a wait that never does). */
    async replies(count: number): Promise<Record<string, unknown>[]> {
      while (replies.length < count) await new Promise<void>((wake) => waiting.push(wake));
      return replies.slice(0, count);
    },
    close: () => new Promise<number | null>((done) => {
      child.once('exit', done);
      child.stdin.end();
    }),
  };
}

describe('the stdio transport answers every line, as JSON-RPC 2.0 requires', () => {
  it('replies -32700 to a line that is not JSON, -32600 to JSON that is not JSON-RPC or a line too long, with id null, and keeps serving', async () => {
    const server = rawServer(scratchHome());
    server.write('{"jsonrpc": "2.0", "id": 1, "method": "ping"\n');
    server.write('[1, 2]\n');
    server.write('42\n');
    server.write('{"id": 2, "method": "ping"}\n');
    // Longer than any request can be (32 MiB): dropped as it streams in, answered, the next line served.
    server.write(`{"jsonrpc": "2.0", "id": 3, "method": "ping", "params": {"pad": "${'x'.repeat(33 * 1024 * 1024)}"}}\n`);
    server.write('{"jsonrpc": "2.0", "id": 4, "method": "ping"}\n');
    const replies = await server.replies(6);
    expect(replies.slice(0, 4)).toEqual([
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringContaining('Parse error') } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringContaining('Invalid Request') } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringContaining('Invalid Request') } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringContaining('Invalid Request') } },
    ]);
    expect(replies[4]).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringContaining('longer than 33554432 bytes') } });
    expect(replies[5]).toEqual({ jsonrpc: '2.0', id: 4, result: {} });
    expect(await server.close()).toBe(0);
  });
});

describe('validate {text}', () => {
  let home: string;
  let session: Awaited<ReturnType<typeof connect>>;

  beforeAll(async () => {
    home = scratchHome();
    session = await connect(home);
  });
  afterAll(async () => {
    await session?.close();
  });

  it('names a syntax error in the text "(inline text)" with its line and column', async () => {
    const result = await session.client.callTool({ name: 'validate', arguments: { text: '[environment]\nname = "demo"\n[provider\n' } });
    expect(result.isError).toBe(true);
    const { error } = structured(result);
    expect(error).toMatchObject({ code: 'config.syntax', where: '(inline text):3:10', line: 3, column: 10, file: '(inline text)' });
    expect(error['message']).toMatch(/^\(inline text\):3:10: invalid TOML/);

    const json = structured(await session.client.callTool({ name: 'validate', arguments: { text: '{\n  "environment": {"name": "demo",}\n}' } }))['error'];
    expect(json).toMatchObject({ code: 'config.syntax', where: '(inline text):2:34' });
  });

  it('refuses text larger than a config can be at once, with the limit', async () => {
    const result = await session.client.callTool({ name: 'validate', arguments: { text: `# ${'x'.repeat(10 * 1024 * 1024)}\n` } });
    expect(result.isError).toBe(true);
    expect(structured(result)['error']).toMatchObject({ code: 'usage.invalid', where: 'validate text', limit: 10 * 1024 * 1024, fix: expect.any(String) });
  });
});
