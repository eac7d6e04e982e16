import { Box, Text } from 'ink';
import type { Choice } from '../../questionnaire/types.js';
import type { Preparation } from '../../src/wizard/prepare.js';
import type { SummaryRow } from '../../src/wizard/short-path.js';
import { SummaryLines } from './SummaryLines.js';
import { SelectPrompt } from './SelectPrompt.js';

export type RecommendedAction = 'write-and-deploy' | 'customise' | 'write-only' | 'cancel';

export interface RecommendedScreenProps {
  readonly preparation: Preparation;
  /** What it deploys, each default with its reason. */
  readonly rows: readonly SummaryRow[];
  /** The provider's lines under the summary (Hetzner: the cost line, a deprecated type's warning). */
  readonly providerLines?: readonly string[];
  readonly dryRun: boolean;
  /** No terminal session to deploy in: the wizard never deploys. */
  readonly canDeploy: boolean;
  readonly onAction: (action: RecommendedAction) => void;
  readonly onBack: () => void;
}

/** The recommended settings as `validate` summarizes a config, each default with its reason, and the three ways on. */
export function RecommendedScreen({ preparation, rows, providerLines = [], dryRun, canDeploy, onAction, onBack }: RecommendedScreenProps) {
  const choices: Choice[] = [];
  if (preparation.ok) {
    if (canDeploy && !dryRun) choices.push({ value: 'write-and-deploy', label: `Write and deploy (${preparation.prepared.shownPath}, then ttd deploy in this terminal)` });
  }
  choices.push({ value: 'customise', label: 'Customise (walk every setting)' });
  if (preparation.ok) choices.push({ value: 'write-only', label: dryRun ? 'Show it (dry run: nothing is written)' : `Write only (${preparation.prepared.shownPath})` });
  choices.push({ value: 'cancel', label: 'Cancel (write nothing)' });
  return (
    <Box flexDirection="column">
      <Text dimColor>Torrust Tracker Deployer · Recommended settings</Text>
      {preparation.ok ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>What it deploys:</Text>
          {/* Besides the summary: the title, "What it deploys", two blank lines, the choices and the keys. */}
          <SummaryLines rows={rows} providerLines={providerLines} reservedRows={5 + choices.length} />
        </Box>
      ) : (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>The recommended settings do not make a valid config with these answers:</Text>
          {preparation.conflicts.map((conflict, index) => (
            <Text key={index}>✗ {conflict.question ? `${conflict.question.text}: ` : `${conflict.path}: `}{conflict.message}</Text>
          ))}
        </Box>
      )}
      <Box marginTop={1} flexDirection="column">
        <SelectPrompt choices={choices} initial={choices[0]?.value} onSubmit={(value) => onAction(value as RecommendedAction)} onBack={onBack} />
      </Box>
      <Text dimColor>↑/↓ choose · Enter accept · Esc back · Ctrl-C quit</Text>
    </Box>
  );
}
