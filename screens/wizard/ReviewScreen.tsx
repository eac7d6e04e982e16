import { Box, Text, useInput, useStdout } from 'ink';
import { useState } from 'react';
import type { Choice } from '../../questionnaire/types.js';
import { maskSecrets } from '../../src/wizard/config-file.js';
import type { Preparation } from '../../src/wizard/prepare.js';
import { fixQuestion } from '../../src/wizard/to-config.js';
import { deploysRows } from '../../src/wizard/short-path.js';
import { ScrollingLines } from './ScrollingLines.js';
import { SummaryLines } from './SummaryLines.js';
import { SelectPrompt } from './SelectPrompt.js';

export type ReviewAction = 'write' | 'edit' | 'fix' | 'cancel';

export interface ReviewScreenProps {
  readonly preparation: Preparation;
  /** The provider's lines under the summary (Hetzner: the cost line, a deprecated type's warning). */
  readonly providerLines?: readonly string[];
  readonly dryRun: boolean;
  /** Why the last write failed. */
  readonly error: string | undefined;
  readonly onAction: (action: ReviewAction) => void;
  readonly onBack: () => void;
}

/**
 * What the answers deploy (validate's summary, readable at 80×24) with the file itself one key
 * away (t: comments left out; the secrets are in the .secrets file it names), or the conflicts that stop it, and what to do next.
 */
export function ReviewScreen({ preparation, providerLines = [], dryRun, error, onAction, onBack }: ReviewScreenProps) {
  const [showToml, setShowToml] = useState(false);
  useInput((input) => {
    if (input === 't') setShowToml((shown) => !shown);
  });
  const { stdout } = useStdout();
  const choices: Choice[] = preparation.ok
    ? [{ value: 'write', label: dryRun ? `Show it (dry run: nothing is written)` : `Write ${preparation.prepared.shownPath}` }]
    : [{ value: 'fix', label: `Fix: ${fixQuestion(preparation.conflicts)?.text ?? 'edit an answer'}` }];
  choices.push({ value: 'edit', label: 'Edit an answer' }, { value: 'cancel', label: 'Cancel (write nothing)' });
  // Besides the summary or the file: the title, its heading, two blank lines, an error, the choices and the keys.
  const reservedRows = 5 + (error ? 1 : 0) + choices.length;

  return (
    <Box flexDirection="column">
      <Text dimColor>Torrust Tracker Deployer · Review</Text>
      {preparation.ok && showToml ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>{preparation.prepared.shownPath} (comments left out{preparation.prepared.secrets ? `; secrets in ${preparation.prepared.secrets.shownPath}` : ''}):</Text>
          <Box borderStyle="round" paddingX={1} flexDirection="column">
            <ScrollingLines
              lines={tomlWithoutComments(maskSecrets(preparation.prepared.text, preparation.prepared.config)).split('\n').map((text) => ({ text }))}
              // The frame's two borders, and a spare row so Ink redraws in place.
              height={stdout.rows > 0 ? stdout.rows - reservedRows - 3 : undefined}
            />
          </Box>
        </Box>
      ) : preparation.ok ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>What it deploys ({preparation.prepared.shownPath}; t shows the file):</Text>
          <SummaryLines rows={deploysRows(preparation)} providerLines={providerLines} reservedRows={reservedRows} />
        </Box>
      ) : (
        <Box flexDirection="column" marginTop={1}>
          <Text bold color="red">These answers do not make a valid config:</Text>
          {preparation.conflicts.map((conflict, index) => (
            <Text key={index} color="red">
              ✗ {conflict.question ? `${conflict.question.text}: ` : `${conflict.path}: `}
              {conflict.message}
            </Text>
          ))}
        </Box>
      )}
      {error ? <Text color="red">✗ {error}</Text> : null}
      <Box marginTop={1} flexDirection="column">
        <SelectPrompt choices={choices} initial={choices[0]?.value} onSubmit={(value) => onAction(value as ReviewAction)} onBack={onBack} />
      </Box>
      <Text dimColor>↑/↓ choose · Enter accept · {preparation.ok ? (showToml ? 't summary · ' : 't the TOML file · ') : ''}Esc back · Ctrl-C quit</Text>
    </Box>
  );
}

function tomlWithoutComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
