import { StringDecoder } from 'node:string_decoder';

/**
 * Turns a stream of chunks into whole lines. Chunks may end mid-line or even
 * mid-character (UTF-8 is decoded across chunk boundaries); `\r\n` and `\n` both end
 * a line, and a bare `\r` (progress bars redrawing a line) is dropped.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let end = this.pending.indexOf('\n');
    while (end !== -1) {
      this.emit(this.pending.slice(0, end));
      this.pending = this.pending.slice(end + 1);
      end = this.pending.indexOf('\n');
    }
  }

  /** Emits the last line when the stream ended without a newline. */
  end(): void {
    this.pending += this.decoder.end();
    if (this.pending !== '') this.emit(this.pending);
    this.pending = '';
  }

  private emit(line: string): void {
    const cleaned = line.endsWith('\r') ? line.slice(0, -1) : line;
    const lastRedraw = cleaned.lastIndexOf('\r');
    this.onLine(lastRedraw === -1 ? cleaned : cleaned.slice(lastRedraw + 1));
  }
}

/** The last `limit` lines seen, for error messages. */
export class LineTail {
  private readonly lines: string[] = [];

  constructor(private readonly limit: number) {}

  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.limit) this.lines.shift();
  }

  get(): readonly string[] {
    return [...this.lines];
  }
}
