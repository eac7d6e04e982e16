import type { Key } from 'ink';

/** A line being edited: its text and where the cursor is (0 = before the first character). */
export interface Line {
  readonly text: string;
  readonly cursor: number;
}

/** What a key does to the line; `submit` when Enter (or a paste ending in a newline) ends it. */
export type Edit = { readonly line: Line; readonly submit?: true } | { readonly back: true };

const DELETE_BEFORE = /^[\u007f\b]+$/;

/**
 * The readline keys a shell user expects: ←/→, Home/End and Ctrl-A/E, Backspace (several at once
 * when they arrive together), Ctrl-D (the character under the cursor), Ctrl-U/K (to the start/end), Ctrl-W (the word
 * before the cursor); typed or pasted text goes in at the cursor, and a paste that ends with a
 * newline submits, as it does in a shell.
 */
export function edit(line: Line, input: string, key: Key): Edit | undefined {
  const { text, cursor } = line;
  const at = (next: string, position: number): Edit => ({ line: { text: next, cursor: Math.max(0, Math.min(position, next.length)) } });
  if (key.escape) return { back: true };
  if (key.return) return { line, submit: true };
  if (key.leftArrow) return at(text, cursor - 1);
  if (key.rightArrow) return at(text, cursor + 1);
  if (key.home || (key.ctrl && input === 'a')) return at(text, 0);
  if (key.end || (key.ctrl && input === 'e')) return at(text, text.length);
  if (key.ctrl && input === 'u') return at(text.slice(cursor), 0);
  if (key.ctrl && input === 'k') return at(text.slice(0, cursor), cursor);
  if (key.ctrl && input === 'w') {
    const start = text.slice(0, cursor).replace(/\S+\s*$/, '').length;
    return at(text.slice(0, start) + text.slice(cursor), start);
  }
  // Terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`: both delete before the cursor.
  if (key.backspace || key.delete || DELETE_BEFORE.test(input)) {
    const count = DELETE_BEFORE.test(input) ? input.length : 1;
    const start = Math.max(0, cursor - count);
    return at(text.slice(0, start) + text.slice(cursor), start);
  }
  if (key.ctrl && input === 'd') return at(text.slice(0, cursor) + text.slice(cursor + 1), cursor);
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || input === '') return undefined;
  const newline = input.search(/[\r\n]/);
  const typed = (newline === -1 ? input : input.slice(0, newline)).replace(/[\u0000-\u001f\u007f]/g, '');
  const next = at(text.slice(0, cursor) + typed + text.slice(cursor), cursor + typed.length);
  return newline === -1 ? next : { ...next, submit: true };
}
