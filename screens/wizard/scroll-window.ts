/** How many rows of a list are shown at once: a long list scrolls so it fits 80×24 with its question. */
export const VISIBLE_ROWS = 8;

/** The rows to show so the selected one is always on screen, and how many are hidden above and below. */
export function scrollWindow(length: number, selected: number, visible = VISIBLE_ROWS): { start: number; end: number; above: number; below: number } {
  if (length <= visible) return { start: 0, end: length, above: 0, below: 0 };
  const start = Math.max(0, Math.min(selected - Math.floor(visible / 2), length - visible));
  const end = start + visible;
  return { start, end, above: start, below: length - end };
}
