import { Text, useInput } from 'ink';
import { useState } from 'react';

export interface TextPromptProps {
  /** What Enter on an empty line gives; shown dimmed. */
  readonly fallback: string | undefined;
  /** Secrets: typed characters show as bullets and the fallback is never shown. */
  readonly mask?: boolean;
  readonly onSubmit: (value: string) => void;
  readonly onBack: () => void;
}

/** One line of text. Typing replaces the default; Enter on an empty line accepts it. */
export function TextPrompt({ fallback, mask = false, onSubmit, onBack }: TextPromptProps) {
  const [value, setValue] = useState('');
  useInput((input, key) => {
    if (key.return) onSubmit(value === '' ? (fallback ?? '') : value);
    else if (key.escape) onBack();
    else if (key.backspace || key.delete) setValue((current) => current.slice(0, -1));
    else if (!key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow && input !== '') {
      setValue((current) => current + input.replace(/[\u0000-\u001f\u007f]/g, ''));
    }
  });
  const placeholder = fallback === undefined || fallback === '' ? '' : mask ? '(Enter keeps the hidden default)' : fallback;
  return (
    <Text>
      <Text color="cyan">{'› '}</Text>
      {value === '' ? <Text dimColor>{placeholder}</Text> : <Text>{mask ? '•'.repeat(value.length) : value}</Text>}
      <Text inverse> </Text>
    </Text>
  );
}
