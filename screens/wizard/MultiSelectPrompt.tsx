import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import type { Choice } from '../../questionnaire/types.js';
import { scrollWindow } from './scroll-window.js';

export interface MultiSelectPromptProps {
  readonly choices: readonly Choice[];
  readonly initial: readonly string[];
  readonly onSubmit: (values: string[]) => void;
  readonly onBack: () => void;
}

/** Toggle any number with Space, move with ↑/↓, Enter accepts; the defaults start checked. */
export function MultiSelectPrompt({ choices, initial, onSubmit, onBack }: MultiSelectPromptProps) {
  const [index, setIndex] = useState(0);
  const [checked, setChecked] = useState<readonly string[]>(initial);
  useInput((input, key) => {
    if (key.upArrow || input === 'k') setIndex((current) => (current + choices.length - 1) % choices.length);
    else if (key.downArrow || input === 'j') setIndex((current) => (current + 1) % choices.length);
    else if (input === ' ') {
      const value = choices[index]?.value;
      if (value !== undefined) setChecked((current) => (current.includes(value) ? current.filter((item) => item !== value) : [...current, value]));
    } else if (key.return) onSubmit(choices.map((choice) => choice.value).filter((value) => checked.includes(value)));
    else if (key.escape) onBack();
  });
  const shown = scrollWindow(choices.length, index);
  return (
    <Box flexDirection="column">
      {shown.above > 0 ? <Text dimColor>  ↑ {shown.above} more</Text> : null}
      {choices.slice(shown.start, shown.end).map((choice, offset) => ({ choice, position: shown.start + offset })).map(({ choice, position }) => (
        <Text key={choice.value} {...(position === index ? { color: 'cyan' } : {})}>
          {position === index ? '❯ ' : '  '}
          {checked.includes(choice.value) ? '◉ ' : '◯ '}
          {choice.label}
        </Text>
      ))}
      {shown.below > 0 ? <Text dimColor>  ↓ {shown.below} more</Text> : null}
    </Box>
  );
}
