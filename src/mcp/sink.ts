import { Writable } from 'node:stream';

/** One JSON object a command reports with --json: an engine event, a plan, a log line, its result. */
export type JsonRecord = Readonly<Record<string, unknown>>;

/**
 * Where a command run under the MCP server reports, one call per record: the
 * shape of the engine's EventSink (src/run/events.ts), so a reporter that takes
 * sinks can write to it directly. A tool call collects its records here and
 * turns them into progress notifications and its result.
 */
export type RecordSink = (record: JsonRecord) => void;

/**
 * The bridge for commands that print their records as text (today every command
 * does): NDJSON is handed to the sink line by line as it arrives; text that is
 * one multi-line document (pretty-printed) is handed over whole at the end,
 * as the last record.
 */
export class JsonTextReader {
  private pending = '';
  private whole = '';

  constructor(private readonly sink: RecordSink) {}

  readonly write = (text: string): void => {
    this.whole += text;
    this.pending += text;
    for (let newline = this.pending.indexOf('\n'); newline >= 0; newline = this.pending.indexOf('\n')) {
      this.emit(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
    }
  };

  end(): void {
    this.emit(this.pending);
    this.pending = '';
    if (this.whole.trim().includes('\n')) this.emit(this.whole);
  }

  /** A stream for code that takes one (the commands' Output), writing here. */
  stream(): Writable {
    return new Writable({
      decodeStrings: false,
      write: (chunk: string | Buffer, _encoding, done) => {
        this.write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
        done();
      },
    });
  }

  private emit(text: string): void {
    const record = objectOf(text);
    if (record) this.sink(record);
  }
}

function objectOf(text: string): JsonRecord | undefined {
  if (text.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonRecord) : undefined;
  } catch {
    return undefined;
  }
}
