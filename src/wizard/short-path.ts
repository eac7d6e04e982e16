import { questionById, type WizardQuestion } from '../../questionnaire/questions.js';
import type { Answer, Answers, QuestionContext } from '../../questionnaire/types.js';
import { summarize, summaryLines } from '../config/summary.js';
import { prepareConfig, type Preparation } from './prepare.js';
import { applicableQuestions, resolveAnswers } from './session.js';

/**
 * The short path: what only the user can say (the name, where it runs and how to reach
 * it); everything else takes the recommended setting, shown as a summary first.
 */
const SHORT_PATH = ['name', 'provider', 'host', 'hetzner_token'] as const;

export function isShortPathQuestion(id: string): boolean {
  return (SHORT_PATH as readonly string[]).includes(id);
}

/** The next short-path question that applies and has no answer yet. */
export function nextShortPathQuestion(answers: Answers, context: QuestionContext): WizardQuestion | undefined {
  const applicable = new Set(applicableQuestions(answers, context).map((question) => question.id));
  const id = SHORT_PATH.find((candidate) => applicable.has(candidate) && answers[candidate] === undefined);
  return id === undefined ? undefined : questionById(id);
}

/** The answers given, every other question at its recommended (default) setting. */
export function recommendedAnswers(answers: Answers, context: QuestionContext): Record<string, Answer> {
  return resolveAnswers(answers, context, { acceptDefaults: true }).answers;
}

/** The recommended config, prepared as it would be written. */
export function recommendedPreparation(answers: Answers, context: QuestionContext, workingDir: string): Preparation {
  return prepareConfig(recommendedAnswers(answers, context), context, workingDir);
}

/** The same lines as `validate`'s "What it deploys". */
export function deploysLines(preparation: Preparation): string[] {
  return preparation.ok ? summaryLines(summarize(preparation.prepared.config)) : [];
}
