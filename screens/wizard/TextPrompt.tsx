import { Text, useInput } from 'ink';
import { useRef, useState } from 'react';
import { edit, type Line } from './line-editor.js';

export interface TextPromptProps {
  /** What Enter on an empty line gives; shown dimmed. */
  readonly fallback: string | undefined;
  /** The answer given before (back, or edit from the review): already in the line, to edit. */
  readonly initial?: string | undefined;
  /** Secrets: typed characters show as bullets and the fallback is never shown. */
  readonly mask?: boolean;
  readonly onSubmit: (value: string) => void;
  readonly onBack: () => void;
  /** Each change of the line (the screen drops a refusal once the answer is being edited). */
  readonly onChange?: (value: string) => void;
}

/** One line of text with the readline keys (line-editor.ts). Typing replaces the default; Enter on an empty line accepts it. */
export function TextPrompt({ fallback, initial, mask = false, onSubmit, onBack, onChange }: TextPromptProps) {
  const start = initial ?? '';
  const [line, setLine] = useState<Line>({ text: start, cursor: start.length });
  // Keys that arrive together are applied in order to the latest line, not to the last render's.
  const current = useRef(line);
  useInput((input, key) => {
    const result = edit(current.current, input, key);
    if (!result) return;
    if ('back' in result) return onBack();
    if (result.line.text !== current.current.text) onChange?.(result.line.text);
    current.current = result.line;
    setLine(result.line);
    if (result.submit) onSubmit(result.line.text === '' ? (fallback ?? '') : result.line.text);
  });
  const placeholder = fallback === undefined || fallback === '' ? '' : mask ? '(Enter keeps the hidden default)' : fallback;
  const shown = mask ? '•'.repeat(line.text.length) : line.text;
  return (
    <Text>
      <Text color="cyan">{'› '}</Text>
      {line.text === '' ? (
        <>
          <Text inverse> </Text>
          <Text dimColor>{placeholder}</Text>
        </>
      ) : (
        <>
          <Text>{shown.slice(0, line.cursor)}</Text>
          <Text inverse>{shown.slice(line.cursor, line.cursor + 1) || ' '}</Text>
          <Text>{shown.slice(line.cursor + 1)}</Text>
        </>
      )}
    </Text>
  );
}
