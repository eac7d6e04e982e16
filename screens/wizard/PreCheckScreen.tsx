import { Box, Text } from 'ink';
import type { Choice } from '../../questionnaire/types.js';
import type { WriteChecks } from '../../src/wizard/pre-checks.js';
import { SelectPrompt } from './SelectPrompt.js';

export type PreCheckAction = 'generate-key' | 'choose-key' | 'write-anyway' | 'back';

export interface PreCheckScreenProps {
  readonly shownPath: string;
  readonly checks: WriteChecks;
  readonly onAction: (action: PreCheckAction) => void;
}

/** What the deploy would trip on, found before the file is written: a missing key (offered to generate), no `lxc`. */
export function PreCheckScreen({ shownPath, checks, onAction }: PreCheckScreenProps) {
  const { missingKey } = checks;
  const choices: Choice[] = [];
  if (missingKey) {
    choices.push(
      missingKey.missing === 'pair'
        ? { value: 'generate-key', label: `Generate it now (ssh-keygen -t ed25519, no passphrase)` }
        : { value: 'generate-key', label: `Write its public key beside it (ssh-keygen -y)` },
      { value: 'choose-key', label: 'Choose another key' },
    );
  }
  choices.push({ value: 'write-anyway', label: `Write ${shownPath} anyway` }, { value: 'back', label: 'Back' });
  return (
    <Box flexDirection="column">
      <Text dimColor>Torrust Tracker Deployer · Before writing {shownPath}</Text>
      <Box marginTop={1} flexDirection="column">
        {missingKey ? (
          <Text color="red">
            ✗ {missingKey.missing === 'pair' ? `The SSH key ${missingKey.path} does not exist.` : `The SSH key ${missingKey.path} has no public key beside it (${missingKey.path}.pub).`}
          </Text>
        ) : null}
        {checks.warnings.map((warning) => (
          <Text key={warning} color="yellow">
            ⚠ {warning}
          </Text>
        ))}
      </Box>
      <Box marginTop={1} flexDirection="column">
        <SelectPrompt choices={choices} initial={choices[0]?.value} onSubmit={(value) => onAction(value as PreCheckAction)} onBack={() => onAction('back')} />
      </Box>
      <Text dimColor>↑/↓ choose · Enter accept · Esc back · Ctrl-C quit</Text>
    </Box>
  );
}
