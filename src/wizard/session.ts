import { defaultOf, QUESTIONS, type WizardQuestion } from '../../questionnaire/questions.js';
import type { Answer, Answers, QuestionContext } from '../../questionnaire/types.js';
import { answerProblem } from './validate-answer.js';

/**
 * The questionnaire's flow, without any screen: which questions apply to the
 * answers so far, and what remains unanswered.
 */

/** The questions that apply, in order; a question's condition sees only the answers before it. */
export function applicableQuestions(answers: Answers, context: QuestionContext): WizardQuestion[] {
  return QUESTIONS.filter((question) => question.when === undefined || question.when(answers, context));
}

/** Answers restricted to the questions that apply (answers to questions a later change made moot are dropped). */
export function applicableAnswers(answers: Answers, context: QuestionContext): Record<string, Answer> {
  const kept: Record<string, Answer> = {};
  for (const question of applicableQuestions(answers, context)) {
    const answer = answers[question.id];
    if (answer !== undefined) kept[question.id] = answer;
  }
  return kept;
}

export interface UnansweredQuestion {
  readonly question: WizardQuestion;
  /** The default it would take with --yes; undefined when it has none. */
  readonly fallback: Answer | undefined;
}

export interface ResolvedAnswers {
  readonly answers: Record<string, Answer>;
  /** Applicable questions without an answer (and, unless defaults were accepted, those with a default too). */
  readonly unanswered: UnansweredQuestion[];
  /** Answers given but not usable. */
  readonly invalid: { readonly question: WizardQuestion; readonly problem: string }[];
}

/**
 * Completes the given answers without asking: each applicable question takes its
 * given answer, or its default when `acceptDefaults`. Walks in order so that
 * conditions and defaults see the answers before them.
 */
export function resolveAnswers(given: Answers, context: QuestionContext, options: { acceptDefaults: boolean }): ResolvedAnswers {
  const answers: Record<string, Answer> = {};
  const unanswered: UnansweredQuestion[] = [];
  const invalid: { question: WizardQuestion; problem: string }[] = [];
  // Conditions of later questions see the defaults of unanswered ones, so one run lists every flag that is needed.
  const assumed: Record<string, Answer> = {};
  for (const question of QUESTIONS) {
    if (question.when && !question.when(assumed, context)) continue;
    const fallback = defaultOf(question, assumed, context);
    const value = given[question.id] ?? (options.acceptDefaults ? fallback : undefined);
    if (value === undefined) {
      unanswered.push({ question, fallback });
      if (fallback !== undefined) assumed[question.id] = fallback;
      continue;
    }
    const problem = answerProblem(question, value, assumed, context);
    if (problem) invalid.push({ question, problem });
    answers[question.id] = value;
    assumed[question.id] = value;
  }
  return { answers, unanswered, invalid };
}

/**
 * The questions the session will ask, assuming defaults for those not answered
 * yet: what "question k of n" counts.
 */
export function plannedQuestions(answers: Answers, context: QuestionContext): WizardQuestion[] {
  const assumed: Record<string, Answer> = {};
  const planned: WizardQuestion[] = [];
  for (const question of QUESTIONS) {
    if (question.when && !question.when(assumed, context)) continue;
    planned.push(question);
    const value = answers[question.id] ?? defaultOf(question, assumed, context);
    if (value !== undefined) assumed[question.id] = value;
  }
  return planned;
}

/** The first question that applies and has no answer yet; undefined when all are answered. */
export function nextUnanswered(answers: Answers, context: QuestionContext): WizardQuestion | undefined {
  return applicableQuestions(answers, context).find((question) => answers[question.id] === undefined);
}
