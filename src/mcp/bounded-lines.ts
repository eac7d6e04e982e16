import { Transform } from 'node:stream';

/**
 * Splits a byte stream into lines, passed on one chunk per line (newline
 * included), in time linear in the input: the SDK's read buffer joins and
 * rescans everything unread on every chunk, which takes seconds for a line of
 * a few MiB. A line longer than `maxBytes` is dropped as it streams in;
 * `onTooLong` is called when its end arrives.
 */
export function boundedLines(maxBytes: number, onTooLong: () => void): Transform {
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  const keep = (piece: Buffer) => {
    if (tooLong) return;
    if (length + piece.length > maxBytes) {
      tooLong = true;
      parts = [];
      return;
    }
    parts.push(piece);
    length += piece.length;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let start = 0;
      for (let newline = chunk.indexOf(0x0a); newline >= 0; newline = chunk.indexOf(0x0a, start)) {
        keep(chunk.subarray(start, newline));
        if (tooLong) onTooLong();
        else this.push(Buffer.concat([...parts, Buffer.from('\n')]));
        parts = [];
        length = 0;
        tooLong = false;
        start = newline + 1;
      }
      if (start < chunk.length) keep(chunk.subarray(start));
      done();
    },
  });
}
