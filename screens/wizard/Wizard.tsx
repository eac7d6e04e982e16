import { Box, Text, useInput } from 'ink';
import { useMemo, useState } from 'react';
import { defaultOf, questionById } from '../../questionnaire/questions.js';
import type { Answer, Answers, QuestionContext } from '../../questionnaire/types.js';
import { configFileExists } from '../../src/wizard/config-file.js';
import { nextCommand, prepareConfig, writePrepared, type PreparedConfig } from '../../src/wizard/prepare.js';
import { applicableQuestions, nextUnanswered, plannedQuestions } from '../../src/wizard/session.js';
import { ConfirmPrompt } from './ConfirmPrompt.js';
import { QuestionScreen } from './QuestionScreen.js';
import { ReviewScreen, type ReviewAction } from './ReviewScreen.js';
import { SelectPrompt } from './SelectPrompt.js';

export type WizardOutcome =
  | { readonly status: 'written'; readonly prepared: PreparedConfig; readonly deployNow: boolean }
  | { readonly status: 'cancelled' }
  | { readonly status: 'interrupted' };

export interface WizardProps {
  readonly context: QuestionContext;
  /** Answers given as flags: those questions are not asked. */
  readonly given: Answers;
  readonly workingDir: string;
  readonly dryRun?: boolean;
  readonly onExit: (outcome: WizardOutcome) => void;
  /** Injected by tests; defaults to the real file system. */
  readonly fileExists?: (path: string) => boolean;
  readonly write?: (prepared: PreparedConfig, options: { overwrite: boolean }) => Promise<void>;
}

type Phase =
  | { readonly name: 'question'; readonly id: string; /** Editing from the review: Esc returns there. */ readonly editing: boolean }
  | { readonly name: 'review' }
  | { readonly name: 'pick' }
  | { readonly name: 'overwrite' }
  | { readonly name: 'writing' }
  | { readonly name: 'done'; readonly prepared: PreparedConfig };

/** The whole wizard: one question at a time, back and forward, review, write, and the offer to deploy. */
export function Wizard({ context, given, workingDir, dryRun = false, onExit, fileExists = configFileExists, write = writePrepared }: WizardProps) {
  const [answers, setAnswers] = useState<Record<string, Answer>>({ ...given });
  /** Answers taken back (Esc, edit): offered again as the default. */
  const [drafts, setDrafts] = useState<Record<string, Answer>>({});
  const [history, setHistory] = useState<readonly string[]>([]);
  const [phase, setPhase] = useState<Phase>(() => firstPhase(given, context));
  const [error, setError] = useState<string | undefined>();

  useInput((input, key) => {
    if (key.ctrl && input === 'c') onExit({ status: 'interrupted' });
  });

  const preparation = useMemo(() => (phase.name === 'question' ? undefined : prepareConfig(answers, context, workingDir)), [phase.name, answers, context, workingDir]);

  const goTo = (nextAnswers: Record<string, Answer>) => {
    const next = nextUnanswered(nextAnswers, context);
    setPhase(next ? { name: 'question', id: next.id, editing: false } : { name: 'review' });
  };

  const takeBack = (id: string): Record<string, Answer> => {
    const { [id]: previous, ...rest } = answers;
    if (previous !== undefined) setDrafts((current) => ({ ...current, [id]: previous }));
    setAnswers(rest);
    return rest;
  };

  const back = () => {
    if (phase.name === 'question' && phase.editing) {
      const draft = drafts[phase.id];
      if (draft !== undefined) setAnswers((current) => ({ ...current, [phase.id]: draft }));
      setPhase({ name: 'review' });
      return;
    }
    const previous = history[history.length - 1];
    if (previous === undefined) return;
    setHistory(history.slice(0, -1));
    takeBack(previous);
    setPhase({ name: 'question', id: previous, editing: false });
  };

  const answer = (id: string, value: Answer) => {
    const nextAnswers = { ...answers, [id]: value };
    setAnswers(nextAnswers);
    setHistory([...history.filter((item) => item !== id), id]);
    setError(undefined);
    goTo(nextAnswers);
  };

  const edit = (id: string) => {
    takeBack(id);
    setPhase({ name: 'question', id, editing: true });
  };

  const writeNow = (prepared: PreparedConfig, overwrite: boolean) => {
    if (dryRun) {
      setPhase({ name: 'done', prepared });
      return;
    }
    setPhase({ name: 'writing' });
    write(prepared, { overwrite }).then(
      () => setPhase({ name: 'done', prepared }),
      (failure: unknown) => {
        setError(failure instanceof Error ? failure.message : String(failure));
        setPhase({ name: 'review' });
      },
    );
  };

  const review = (action: ReviewAction) => {
    if (action === 'cancel') return onExit({ status: 'cancelled' });
    if (action === 'edit') return setPhase({ name: 'pick' });
    if (!preparation) return undefined;
    if (!preparation.ok) {
      const question = preparation.conflicts.find((conflict) => conflict.question)?.question;
      return question ? edit(question.id) : setPhase({ name: 'pick' });
    }
    if (!dryRun && fileExists(preparation.prepared.path)) return setPhase({ name: 'overwrite' });
    return writeNow(preparation.prepared, false);
  };

  switch (phase.name) {
    case 'question': {
      const question = questionById(phase.id);
      const planned = plannedQuestions(answers, context).filter((item) => given[item.id] === undefined);
      const position = planned.findIndex((item) => item.id === question.id) + 1;
      return (
        <QuestionScreen
          key={question.id}
          question={question}
          answers={answers}
          context={context}
          fallback={drafts[question.id] ?? defaultOf(question, answers, context)}
          position={position}
          total={planned.length}
          onAnswer={(value) => answer(question.id, value)}
          onBack={back}
        />
      );
    }
    case 'review':
      return preparation ? <ReviewScreen preparation={preparation} dryRun={dryRun} error={error} onAction={review} onBack={back} /> : null;
    case 'pick': {
      const choices = applicableQuestions(answers, context)
        .filter((question) => answers[question.id] !== undefined)
        .map((question) => ({ value: question.id, label: `${question.text}: ${shown(question.type, answers[question.id])}` }));
      return (
        <Box flexDirection="column">
          <Text dimColor>Torrust Tracker Deployer · Edit an answer</Text>
          <Box marginTop={1}>
            <SelectPrompt choices={choices} initial={choices[0]?.value} onSubmit={edit} onBack={() => setPhase({ name: 'review' })} />
          </Box>
          <Text dimColor>↑/↓ choose · Enter edit · Esc back to the review</Text>
        </Box>
      );
    }
    case 'overwrite':
      return preparation?.ok ? (
        <Box flexDirection="column">
          <Text color="yellow">⚠ {preparation.prepared.shownPath} already exists. Overwrite it?</Text>
          <ConfirmPrompt initial={false} onSubmit={(yes) => (yes ? writeNow(preparation.prepared, true) : setPhase({ name: 'review' }))} onBack={() => setPhase({ name: 'review' })} />
        </Box>
      ) : null;
    case 'writing':
      return <Text>Writing…</Text>;
    case 'done':
      return (
        <Box flexDirection="column">
          <Text color="green">
            ✓ {dryRun ? `Dry run: ${phase.prepared.shownPath} was not written` : `Wrote ${phase.prepared.shownPath} (readable only by you: it holds secrets)`}
          </Text>
          <Text>Next: {nextCommand(phase.prepared)}</Text>
          <Box marginTop={1} flexDirection="column">
            <Text bold>Deploy now?</Text>
            <ConfirmPrompt initial={false} onSubmit={(deployNow) => onExit({ status: 'written', prepared: phase.prepared, deployNow })} onBack={() => onExit({ status: 'written', prepared: phase.prepared, deployNow: false })} />
          </Box>
        </Box>
      );
  }
}

function firstPhase(given: Answers, context: QuestionContext): Phase {
  const next = nextUnanswered(given, context);
  return next ? { name: 'question', id: next.id, editing: false } : { name: 'review' };
}

function shown(type: string, value: Answer | undefined): string {
  if (type === 'secret') return value === '' ? '(from the environment)' : '********';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value === '' ? '(empty)' : String(value);
}
