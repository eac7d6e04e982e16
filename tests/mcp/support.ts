import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { BINARY } from '../support/cli.js';

export { BINARY };

/** A working directory that is also HOME, with an SSH key pair in ~/.ssh (the questionnaire offers it). */
export function scratchHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'ttd-mcp-'));
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  writeFileSync(join(home, '.ssh', 'id_ed25519'), 'not a real key\n', { mode: 0o600 });
  writeFileSync(join(home, '.ssh', 'id_ed25519.pub'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrokenButParseable test@ttd\n');
  return home;
}

/** The SDK's own client, talking to `ttd mcp` over stdio as an agent host does. */
export async function connect(home: string): Promise<{ client: Client; stderr: () => string; close: () => Promise<void> }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BINARY, 'mcp'],
    cwd: home,
    env: { PATH: process.env['PATH'] ?? '', HOME: home, NO_COLOR: '1' },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'ttd-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

export type Structured = Record<string, any>;

/** The structured content of a tool result, checking it agrees with the text content. */
export function structured(result: Awaited<ReturnType<Client['callTool']>>): Structured {
  const call = result as CallToolResult;
  const text = call.content.find((item) => item.type === 'text');
  expectDefined(text, 'a text content item');
  const content = call.structuredContent as Structured;
  if (JSON.stringify(JSON.parse((text as { text: string }).text)) !== JSON.stringify(content)) throw new Error('text and structured content differ');
  return content;
}

function expectDefined<T>(value: T | undefined, what: string): asserts value is T {
  if (value === undefined) throw new Error(`expected ${what}`);
}
