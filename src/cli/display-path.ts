import { isAbsolute, relative } from 'node:path';

/** A path as the user would type it: relative to the current directory when inside it, else absolute. */
export function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === '' ? '.' : shown.startsWith('..') || isAbsolute(shown) ? path : shown;
}
