import { Text, useInput } from 'ink';
import { useState } from 'react';

export interface ShownLine {
  readonly text: string;
  readonly dim?: boolean;
}

/**
 * Lines in a window of `height` rows that PgDn/PgUp move through, with how many are hidden
 * above and below; all of them when they fit (or the height is not known).
 */
export function ScrollingLines({ lines, height }: { readonly lines: readonly ShownLine[]; readonly height: number | undefined }) {
  const [offset, setOffset] = useState(0);
  const scrolls = height !== undefined && lines.length > height;
  // A row goes to the "more" line below, and one to the line above once scrolled.
  const room = (start: number) => (scrolls ? Math.max(1, height - (start > 0 ? 2 : 1)) : lines.length);
  const last = lines.length - room(1);
  const start = Math.min(offset, last);
  const visible = Math.min(room(start), lines.length - start);
  useInput((_input, key) => {
    if (!scrolls) return;
    if (key.pageDown) setOffset(Math.min(last, start + visible - 1));
    else if (key.pageUp) setOffset(Math.max(0, start - room(1) + 1));
  });
  const below = lines.length - start - visible;
  return (
    <>
      {scrolls && start > 0 ? <Text dimColor>{`  ↑ ${start} more line${start === 1 ? '' : 's'}: PgUp`}</Text> : null}
      {lines.slice(start, start + visible).map((line, index) => (
        <Text key={start + index} {...(line.dim ? { dimColor: true } : {})}>
          {line.text}
        </Text>
      ))}
      {scrolls ? <Text dimColor>{below > 0 ? `  ↓ ${below} more line${below === 1 ? '' : 's'}: PgDn` : '  (end)'}</Text> : null}
    </>
  );
}
