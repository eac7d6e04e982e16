import { Text, useInput } from 'ink';

export interface ConfirmPromptProps {
  readonly initial: boolean;
  readonly onSubmit: (value: boolean) => void;
  readonly onBack: () => void;
}

/** Yes or no: y or n answers at once, Enter takes the default (the capital letter). */
export function ConfirmPrompt({ initial, onSubmit, onBack }: ConfirmPromptProps) {
  useInput((input, key) => {
    if (input.toLowerCase() === 'y') onSubmit(true);
    else if (input.toLowerCase() === 'n') onSubmit(false);
    else if (key.return) onSubmit(initial);
    else if (key.escape) onBack();
  });
  return (
    <Text>
      <Text color="cyan">{'› '}</Text>
      <Text dimColor>{initial ? 'Y/n' : 'y/N'}</Text>
    </Text>
  );
}
