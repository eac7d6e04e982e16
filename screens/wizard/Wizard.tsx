import { Box, Text, useInput } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { defaultOf, questionById } from '../../questionnaire/questions.js';
import type { Answer, Answers, QuestionContext } from '../../questionnaire/types.js';
import { configFileExists } from '../../src/wizard/config-file.js';
import type { TokenCheck } from '../../src/wizard/hetzner.js';
import { anyProblem, writeChecks, type WriteChecks } from '../../src/wizard/pre-checks.js';
import { nextCommand, overwriteQuestion, prepareConfig, writePrepared, type PreparedConfig } from '../../src/wizard/prepare.js';
import { applicableQuestions, nextUnanswered, plannedQuestions } from '../../src/wizard/session.js';
import { fixQuestion } from '../../src/wizard/to-config.js';
import { deploysRows, isShortPathQuestion, nextShortPathQuestion, recommendedAnswers, recommendedPreparation } from '../../src/wizard/short-path.js';
import { RecommendedScreen, type RecommendedAction } from './RecommendedScreen.js';
import { ConfirmPrompt } from './ConfirmPrompt.js';
import { PreCheckScreen, type PreCheckAction } from './PreCheckScreen.js';
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
  /** Whether "Write and deploy" is offered (a terminal session to deploy in). */
  readonly canDeploy?: boolean;
  readonly onExit: (outcome: WizardOutcome) => void;
  /** Injected by tests; defaults to the real file system. */
  readonly fileExists?: (path: string) => boolean;
  readonly write?: (prepared: PreparedConfig, options: { overwrite: boolean }) => Promise<void>;
  /** What the provider says of these answers (Hetzner: the cost line, a deprecated type), shown under the summary. */
  readonly providerReview?: (answers: Answers) => Promise<string[]>;
  /** Asks Hetzner whether the token answered (empty: the one in HCLOUD_TOKEN) is valid; a refusal keeps the question. */
  readonly checkToken?: (answer: string) => Promise<TokenCheck>;
  /** Where the pre-checks look for `lxc` (PATH). */
  readonly env?: NodeJS.ProcessEnv;
  /** Injected by tests whose key lives only in the fixture; defaults to the real checks (key files, lxc on PATH). */
  readonly checkBeforeWrite?: (prepared: PreparedConfig) => WriteChecks;
}

type Phase =
  | { readonly name: 'question'; readonly id: string; /** Editing from the review: Esc returns there. */ readonly editing: boolean }
  | { readonly name: 'recommended' }
  | { readonly name: 'review' }
  | { readonly name: 'pick' }
  | { readonly name: 'checking-token' }
  /**
   * `deployNow`: chosen on the recommended screen, so the written file is deployed (or not) without asking
   * again; undefined when the write was asked for on the review, where Back returns.
   */
  | { readonly name: 'precheck'; readonly prepared: PreparedConfig; readonly checks: WriteChecks; readonly deployNow: boolean | undefined }
  | { readonly name: 'overwrite'; readonly prepared: PreparedConfig; readonly deployNow: boolean | undefined }
  | { readonly name: 'writing' }
  | { readonly name: 'done'; readonly prepared: PreparedConfig };

/** The whole wizard: one question at a time, back and forward, review, write, and the offer to deploy. */
export function Wizard({ context, given, workingDir, dryRun = false, canDeploy = true, onExit, fileExists = configFileExists, write = writePrepared, providerReview, checkToken, env = process.env, checkBeforeWrite = (prepared) => writeChecks(prepared, env) }: WizardProps) {
  const [answers, setAnswers] = useState<Record<string, Answer>>({ ...given });
  /** Answers taken back (Esc, edit): offered again as the default. */
  const [drafts, setDrafts] = useState<Record<string, Answer>>({});
  const [history, setHistory] = useState<readonly string[]>([]);
  const [phase, setPhase] = useState<Phase>(() => firstPhase(given, context));
  const [error, setError] = useState<string | undefined>();
  /** Walking every question (Customise) rather than the short path. */
  const [customising, setCustomising] = useState(false);
  /** Why Hetzner refused the token: shown at the token question, asked again. */
  const [tokenRefusal, setTokenRefusal] = useState<string | undefined>();
  /** The token could not be checked (no network): said under the summary, never a block. */
  const [tokenWarning, setTokenWarning] = useState<string | undefined>();

  useInput((input, key) => {
    if (key.ctrl && input === 'c') onExit({ status: 'interrupted' });
  });

  // What the screen on show would write: the recommended settings on theirs, the answers as given on the others.
  const preparation = useMemo(
    () => (phase.name === 'question' ? undefined : phase.name === 'recommended' ? recommendedPreparation(answers, context, workingDir) : prepareConfig(answers, context, workingDir)),
    [phase.name, answers, context, workingDir],
  );
  const reviewLines = useProviderLines(providerReview, phase.name === 'recommended' ? recommendedAnswers(answers, context) : phase.name === 'review' ? answers : undefined);

  const providerLines = tokenWarning ? [tokenWarning, ...reviewLines] : reviewLines;

  const goTo = (nextAnswers: Record<string, Answer>, walkAll = customising) => {
    const next = nextUnanswered(nextAnswers, context);
    if (!next) return setPhase({ name: 'review' });
    const short = walkAll ? next : nextShortPathQuestion(nextAnswers, context);
    return setPhase(short ? { name: 'question', id: short.id, editing: false } : { name: 'recommended' });
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
    if (id !== 'hetzner_token' || !checkToken) return accept(id, value);
    const editing = phase.name === 'question' && phase.editing;
    setPhase({ name: 'checking-token' });
    return checkToken(String(value)).then((check) => {
      if (check.status === 'refused') {
        setTokenRefusal(`The token was refused: ${check.message}${check.fix ? ` Fix: ${check.fix}.` : ''}`);
        return setPhase({ name: 'question', id, editing });
      }
      setTokenWarning(check.status === 'unchecked' ? `⚠ The Hetzner token could not be checked: ${check.message} Deploy checks it again.` : undefined);
      return accept(id, value);
    });
  };

  const accept = (id: string, value: Answer) => {
    setTokenRefusal(undefined);
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

  const writeNow = (prepared: PreparedConfig, overwrite: boolean, deployNow: boolean | undefined) => {
    const written = () => (deployNow === undefined ? setPhase({ name: 'done', prepared }) : onExit({ status: 'written', prepared, deployNow: deployNow && !dryRun }));
    if (dryRun) return written();
    setPhase({ name: 'writing' });
    return write(prepared, { overwrite }).then(
      written,
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
      const question = fixQuestion(preparation.conflicts);
      return question ? edit(question.id) : setPhase({ name: 'pick' });
    }
    return startWrite(preparation.prepared, undefined);
  };

  /** The pre-checks (a missing key, no lxc), then the overwrite question, then the write. */
  const startWrite = (prepared: PreparedConfig, deployNow: boolean | undefined, checked = false) => {
    if (!dryRun && !checked) {
      const checks = checkBeforeWrite(prepared);
      if (anyProblem(checks)) return setPhase({ name: 'precheck', prepared, checks, deployNow });
    }
    if (!dryRun && fileExists(prepared.path)) return setPhase({ name: 'overwrite', prepared, deployNow });
    return writeNow(prepared, false, deployNow);
  };

  /** Where Back goes from the pre-checks and the overwrite question: the screen the write was asked on. */
  const backFromWrite = (deployNow: boolean | undefined) => setPhase(deployNow === undefined ? { name: 'review' } : { name: 'recommended' });

  const preCheck = (action: PreCheckAction, prepared: PreparedConfig, checks: WriteChecks, deployNow: boolean | undefined) => {
    if (action === 'back') return backFromWrite(deployNow);
    if (action === 'choose-key') return edit('ssh_key');
    const keyToGenerate = action === 'generate-key' ? checks.missingKey?.path : prepared.keyToGenerate;
    return startWrite({ ...prepared, keyToGenerate }, deployNow, true);
  };

  const recommended = (action: RecommendedAction) => {
    if (action === 'cancel') return onExit({ status: 'cancelled' });
    const prepared = preparation;
    if (action === 'customise' || !prepared?.ok) {
      setCustomising(true);
      return goTo(answers, true);
    }
    const deployNow = action === 'write-and-deploy';
    setAnswers(recommendedAnswers(answers, context));
    return startWrite(prepared.prepared, deployNow);
  };

  switch (phase.name) {
    case 'question': {
      const question = questionById(phase.id);
      const planned = plannedQuestions(answers, context).filter((item) => given[item.id] === undefined && (customising || isShortPathQuestion(item.id)));
      const position = planned.findIndex((item) => item.id === question.id) + 1;
      return (
        <QuestionScreen
          key={question.id}
          question={question}
          answers={answers}
          context={context}
          fallback={drafts[question.id] ?? defaultOf(question, answers, context)}
          previous={drafts[question.id]}
          position={position}
          total={planned.length}
          refusal={question.id === 'hetzner_token' ? tokenRefusal : undefined}
          onAnswer={(value) => answer(question.id, value)}
          onBack={back}
        />
      );
    }
    case 'recommended':
      return preparation ? <RecommendedScreen preparation={preparation} rows={deploysRows(preparation, { answers: typedAnswers(answers, given, history), context })} providerLines={providerLines} dryRun={dryRun} canDeploy={canDeploy} onAction={recommended} onBack={back} /> : null;
    case 'review':
      return preparation ? <ReviewScreen preparation={preparation} providerLines={providerLines} dryRun={dryRun} error={error} onAction={review} onBack={back} /> : null;
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
    case 'checking-token':
      return <Text dimColor>Checking the token with Hetzner (GET /locations)…</Text>;
    case 'precheck':
      return <PreCheckScreen shownPath={phase.prepared.shownPath} checks={phase.checks} onAction={(action) => preCheck(action, phase.prepared, phase.checks, phase.deployNow)} />;
    case 'overwrite':
      return (
        <Box flexDirection="column">
          <Text color="yellow">⚠ {overwriteQuestion(phase.prepared)}</Text>
          <ConfirmPrompt initial={false} onSubmit={(yes) => (yes ? writeNow(phase.prepared, true, phase.deployNow) : backFromWrite(phase.deployNow))} onBack={() => backFromWrite(phase.deployNow)} />
        </Box>
      );
    case 'writing':
      // Nothing: the frame left on the terminal would stand above the "Wrote" line printed once after.
      return null;
    case 'done':
      // The written file and the next command are printed once, after the wizard closes.
      return (
        <Box flexDirection="column">
          <Text bold>
            Deploy now? <Text dimColor>({dryRun ? `dry run: ${phase.prepared.shownPath} was not written` : nextCommand(phase.prepared)})</Text>
          </Text>
          <ConfirmPrompt initial={false} onSubmit={(deployNow) => onExit({ status: 'written', prepared: phase.prepared, deployNow: deployNow && canDeploy && !dryRun })} onBack={() => onExit({ status: 'written', prepared: phase.prepared, deployNow: false })} />
        </Box>
      );
  }
}

/** The answers the user gave (flags, or at a question): not the defaults the recommended settings filled in once written or deployed. */
function typedAnswers(answers: Answers, given: Answers, history: readonly string[]): Answers {
  return Object.fromEntries(Object.entries(answers).filter(([id]) => given[id] !== undefined || history.includes(id)));
}

function firstPhase(given: Answers, context: QuestionContext): Phase {
  if (!nextUnanswered(given, context)) return { name: 'review' };
  const short = nextShortPathQuestion(given, context);
  return short ? { name: 'question', id: short.id, editing: false } : { name: 'recommended' };
}

function shown(type: string, value: Answer | undefined): string {
  if (type === 'secret') return value === '' ? '(from the environment)' : '********';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value === '' ? '(empty)' : String(value);
}

/** The provider's lines for the answers on screen, asked once per answer set (a network call for Hetzner). */
function useProviderLines(providerReview: WizardProps['providerReview'], answers: Answers | undefined): readonly string[] {
  const [lines, setLines] = useState<readonly string[]>([]);
  const key = answers === undefined ? undefined : JSON.stringify(answers);
  useEffect(() => {
    if (!providerReview || answers === undefined) return;
    let current = true;
    providerReview(answers).then((found) => current && setLines(found), () => undefined);
    return () => {
      current = false;
    };
    // The answers object is rebuilt on every render; its content (key) is what matters.
  }, [providerReview, key]);
  return answers === undefined ? [] : lines;
}
