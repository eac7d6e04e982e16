/**
 * Word-wraps a line to `width` columns without cutting anything off; the lines after the first
 * start at `indent` (the value column of a summary row). A word longer than the room is split.
 */
export function wrapLine(text: string, width: number, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > indent ? space : width;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = pad + rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}
