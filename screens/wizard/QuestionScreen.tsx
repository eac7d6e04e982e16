import { Box, Text } from 'ink';
import { useState } from 'react';
import { choicesOf, listOf, type WizardQuestion } from '../../questionnaire/questions.js';
import type { Answer, Answers, QuestionContext } from '../../questionnaire/types.js';
import { answerProblem } from '../../src/wizard/validate-answer.js';
import { ConfirmPrompt } from './ConfirmPrompt.js';
import { MultiSelectPrompt } from './MultiSelectPrompt.js';
import { SelectPrompt } from './SelectPrompt.js';
import { TextPrompt } from './TextPrompt.js';

export interface QuestionScreenProps {
  readonly question: WizardQuestion;
  readonly answers: Answers;
  readonly context: QuestionContext;
  /** The previous answer, else the question's default. */
  readonly fallback: Answer | undefined;
  /** The answer given before (back, or edit from the review): a text answer starts as it, to edit. */
  readonly previous?: Answer | undefined;
  /** 1-based position and total, for the progress line. */
  readonly position: number;
  readonly total: number;
  /** Why the last answer was refused after it was given (Hetzner refused the token). */
  readonly refusal?: string | undefined;
  readonly onAnswer: (value: Answer) => void;
  readonly onBack: () => void;
}

const KEYS: Record<WizardQuestion['type'], string> = {
  choice: '↑/↓ choose · Enter accept · Esc back',
  'multi-choice': '↑/↓ move · Space toggle · Enter accept · Esc back',
  confirm: 'y/n · Enter accept the default · Esc back',
  text: 'Enter accept · Esc back',
  number: 'Enter accept · Esc back',
  secret: 'Enter accept · Esc back · typing is hidden',
};

/** One question: progress, text, help, the prompt for its type, and the reason an answer was refused. */
export function QuestionScreen({ question, answers, context, fallback, previous, position, total, refusal, onAnswer, onBack }: QuestionScreenProps) {
  const [problem, setProblem] = useState<string | undefined>(refusal);
  const submit = (value: Answer) => {
    const found = answerProblem(question, value, answers, context);
    if (found) setProblem(found);
    else onAnswer(value);
  };
  const submitText = (raw: string) => {
    if (question.type !== 'number') return submit(raw);
    if (!/^-?[0-9]+$/.test(raw.trim())) return setProblem('write a whole number');
    return submit(Number(raw.trim()));
  };

  return (
    <Box flexDirection="column">
      <Text dimColor>
        Torrust Tracker Deployer · {question.section} · question {position} of {total}
      </Text>
      <Box marginTop={1}>
        <Text bold>{question.text}</Text>
      </Box>
      <Text dimColor>{question.help}</Text>
      <Box marginTop={1} flexDirection="column">
        {question.type === 'choice' ? (
          <SelectPrompt choices={choicesOf(question, answers, context)} initial={typeof fallback === 'string' ? fallback : undefined} onSubmit={submit} onBack={onBack} />
        ) : question.type === 'multi-choice' ? (
          <MultiSelectPrompt choices={choicesOf(question, answers, context)} initial={listOf(fallback)} onSubmit={submit} onBack={onBack} />
        ) : question.type === 'confirm' ? (
          <ConfirmPrompt initial={fallback === true} onSubmit={submit} onBack={onBack} />
        ) : (
          <TextPrompt
            fallback={fallback === undefined ? undefined : String(fallback)}
            initial={previous === undefined || question.type === 'secret' ? undefined : String(previous)}
            mask={question.type === 'secret'}
            onSubmit={submitText}
            onBack={onBack}
            onChange={() => setProblem(undefined)}
          />
        )}
      </Box>
      {problem ? <Text color="red">✗ {problem}</Text> : null}
      <Box marginTop={1}>
        <Text dimColor>{KEYS[question.type]} · Ctrl-C quit</Text>
      </Box>
    </Box>
  );
}
