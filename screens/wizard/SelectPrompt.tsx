import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import type { Choice } from '../../questionnaire/types.js';
import { scrollWindow } from './scroll-window.js';

export interface SelectPromptProps {
  readonly choices: readonly Choice[];
  readonly initial: string | undefined;
  readonly onSubmit: (value: string) => void;
  readonly onBack: () => void;
}

/** Pick one with ↑/↓ and Enter; the default starts selected. */
export function SelectPrompt({ choices, initial, onSubmit, onBack }: SelectPromptProps) {
  const [index, setIndex] = useState(Math.max(0, choices.findIndex((choice) => choice.value === initial)));
  useInput((input, key) => {
    if (key.upArrow || input === 'k') setIndex((current) => (current + choices.length - 1) % choices.length);
    else if (key.downArrow || input === 'j') setIndex((current) => (current + 1) % choices.length);
    else if (key.return) {
      const choice = choices[index];
      if (choice) onSubmit(choice.value);
    } else if (key.escape) onBack();
  });
  const shown = scrollWindow(choices.length, index);
  return (
    <Box flexDirection="column">
      {shown.above > 0 ? <Text dimColor>  ↑ {shown.above} more</Text> : null}
      {choices.slice(shown.start, shown.end).map((choice, offset) => ({ choice, position: shown.start + offset })).map(({ choice, position }) => (
        <Text key={choice.value} {...(position === index ? { color: 'cyan' } : {})}>
          {position === index ? '❯ ' : '  '}
          {choice.label}
        </Text>
      ))}
      {shown.below > 0 ? <Text dimColor>  ↓ {shown.below} more</Text> : null}
    </Box>
  );
}
