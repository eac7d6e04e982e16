import { describe, expect, it } from 'vitest';
import { JsonTextReader, type JsonRecord } from '../../src/mcp/sink.js';

describe('a tool call\'s sink, fed from text a command prints', () => {
  it('hands over each NDJSON line as soon as it is complete, across chunks, skipping what is not an object', () => {
    const records: JsonRecord[] = [];
    const reader = new JsonTextReader((record) => records.push(record));
    reader.write('{"type":"plan.started"}\n{"type":"step.');
    expect(records).toEqual([{ type: 'plan.started' }]);
    reader.write('started"}\nnot json\n[1]\n');
    reader.stream().write('{"type":"result","ok":true}');
    expect(records).toHaveLength(2);
    reader.end();
    expect(records).toEqual([{ type: 'plan.started' }, { type: 'step.started' }, { type: 'result', ok: true }]);
  });

  it('hands over a pretty-printed document whole, at the end', () => {
    const records: JsonRecord[] = [];
    const reader = new JsonTextReader((record) => records.push(record));
    reader.write(`${JSON.stringify({ schema: { type: 'object' }, list: [{ a: 1 }] }, null, 2)}\n`);
    reader.end();
    expect(records.at(-1)).toEqual({ schema: { type: 'object' }, list: [{ a: 1 }] });
  });
});
