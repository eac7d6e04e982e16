/** One JSON object a command reports with --json: an engine event, a plan, a log line, its result. */
export type JsonRecord = Readonly<Record<string, unknown>>;

/**
 * Where a command run under the MCP server reports, one call per record: the
 * shape of the engine's EventSink (src/plan/events.ts), so a reporter that takes
 * sinks can write to it directly. A tool call collects its records here and
 * turns them into progress notifications and its result.
 */
export type RecordSink = (record: JsonRecord) => void;

/**
 * The bridge from the reporter's stdout (one JSON object per line) to a tool
 * call's sink: each line is handed over as soon as it is complete.
 */
export class JsonTextReader {
  private pending = '';

  constructor(private readonly sink: RecordSink) {}

  readonly write = (text: string): void => {
    this.pending += text;
    for (let newline = this.pending.indexOf('\n'); newline >= 0; newline = this.pending.indexOf('\n')) {
      this.emit(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
    }
  };

  end(): void {
    this.emit(this.pending);
    this.pending = '';
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
