import { describe, expect, it } from 'vitest';
import { JsonTextReader, type JsonRecord } from '../../src/mcp/sink.js';

describe('a tool call\'s sink, fed from text a command prints', () => {
  it('hands over each NDJSON line as soon as it is complete, across chunks, skipping what is not an object', () => {
    const records: JsonRecord[] = [];
    const reader = new JsonTextReader((record) => records.push(record));
    reader.write('{"type":"plan.started"}\n{"type":"step.');
    expect(records).toEqual([{ type: 'plan.started' }]);
    reader.write('started"}\nnot json\n[1]\n');
    reader.write('{"type":"result","ok":true}');
    expect(records).toHaveLength(2);
    reader.end();
    expect(records).toEqual([{ type: 'plan.started' }, { type: 'step.started' }, { type: 'result', ok: true }]);
  });
});
