import { choicesOf, defaultOf, flagName, listOf, QUESTIONS, type WizardQuestion } from '../../questionnaire/questions.js';
import type { Answer, Answers, QuestionContext } from '../../questionnaire/types.js';
import { DeployerError } from '../domain/errors.js';
import { existingConfigFiles, maskSecrets, shownConfigPath } from '../wizard/config-file.js';
import { questionContext } from '../wizard/context.js';
import { nextCommand, prepareConfig, writePrepared } from '../wizard/prepare.js';
import { plannedQuestions, resolveAnswers } from '../wizard/session.js';

/**
 * The wizard's questionnaire for an agent: the same questions, checks and
 * config writer as `init`, with the answers kept on the server between calls
 * (one questionnaire per server, that is per agent connection). Secrets the
 * server generated never leave it; answers to secret questions are masked.
 */
export class Questionnaire {
  private answers: Record<string, Answer> = {};
  private readonly context: QuestionContext;

  constructor(
    private readonly workingDir: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.context = questionContext(env);
  }

  reset(): Record<string, unknown> {
    this.answers = {};
    return this.state();
  }

  /** The questions that apply to the answers so far (defaults assumed for the others), and what is missing. */
  state(): Record<string, unknown> {
    const planned = plannedQuestions(this.answers, this.context);
    const assumed = this.assumedAnswers();
    const resolved = resolveAnswers(this.answers, this.context, { acceptDefaults: false });
    const next = planned.find((question) => this.answers[question.id] === undefined);
    return {
      answers: Object.fromEntries(Object.entries(this.answers).map(([id, value]) => [id, shown(questionOf(id), value)])),
      questions: planned.map((question) => this.describe(question, assumed)),
      next_question: next?.id ?? null,
      unanswered_without_default: resolved.unanswered.filter((item) => item.fallback === undefined).map((item) => item.question.id),
      complete: resolved.unanswered.length === 0,
    };
  }

  /** Checks each answer as the wizard does; valid ones are kept, the others come back with the reason. */
  answer(given: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const rejected: { id: string; problem: string; help?: string }[] = [];
    const candidate: Record<string, Answer> = { ...this.answers };
    for (const [id, raw] of Object.entries(given)) {
      const question = QUESTIONS.find((item) => item.id === id);
      if (!question) {
        rejected.push({ id, problem: 'no question has this id', help: `the ids are: ${QUESTIONS.map((item) => item.id).join(', ')}` });
        continue;
      }
      candidate[id] = coerce(question, raw);
    }
    const resolved = resolveAnswers(candidate, this.context, { acceptDefaults: false });
    const dropped: { id: string; reason: string }[] = [];
    for (const { question, problem } of resolved.invalid) {
      if (given[question.id] !== undefined) rejected.push({ id: question.id, problem, help: question.help });
      else dropped.push({ id: question.id, reason: `no longer valid with the new answers: ${problem}` });
    }
    const invalid = new Set(resolved.invalid.map((item) => item.question.id));
    for (const id of Object.keys(candidate)) {
      if (resolved.answers[id] !== undefined || invalid.has(id) || rejected.some((item) => item.id === id)) continue;
      if (given[id] !== undefined) rejected.push({ id, problem: 'this question does not apply to the answers so far', help: 'questionnaire_questions lists the questions that apply' });
      else dropped.push({ id, reason: 'no longer applies to the answers' });
    }
    this.answers = Object.fromEntries(Object.entries(resolved.answers).filter(([id]) => !invalid.has(id)));
    const accepted = Object.keys(given).filter((id) => this.answers[id] !== undefined);
    return { accepted, rejected, dropped, ...this.state() };
  }

  /** The config the answers make, as commented TOML (secrets are ${VAR} of envs/<name>.secrets); written when asked. */
  async config(options: { acceptDefaults: boolean; write: boolean; force: boolean }): Promise<Record<string, unknown>> {
    const resolved = resolveAnswers(this.answers, this.context, { acceptDefaults: options.acceptDefaults });
    if (resolved.unanswered.length > 0) {
      const ids = resolved.unanswered.map((item) => item.question.id);
      throw new DeployerError('usage.invalid', `The questionnaire is not complete: ${ids.join(', ')} ${ids.length === 1 ? 'has' : 'have'} no answer`, {
        where: ids[0] ?? 'questionnaire',
        fix: options.acceptDefaults
          ? 'answer them with questionnaire_answer (they have no default)'
          : 'answer them with questionnaire_answer, or pass accept_defaults: true to take the defaults of those that have one',
        data: { unanswered: resolved.unanswered.map((item) => ({ id: item.question.id, text: item.question.text, has_default: item.fallback !== undefined })) },
      });
    }
    const preparation = prepareConfig(resolved.answers, this.context, this.workingDir);
    if (!preparation.ok) {
      throw new DeployerError('usage.invalid', `The answers do not make a valid config: ${preparation.conflicts.map((conflict) => `${conflict.path}: ${conflict.message}`).join('; ')}`, {
        where: preparation.conflicts[0]?.question?.id ?? preparation.conflicts[0]?.path ?? 'questionnaire',
        fix: 'change the answers to the questions named, with questionnaire_answer',
        data: { conflicts: preparation.conflicts.map((conflict) => ({ path: conflict.path, message: conflict.message, question: conflict.question?.id ?? null })) },
      });
    }
    const { prepared } = preparation;
    if (options.write) {
      const existing = existingConfigFiles(prepared.path);
      if (existing.length > 0 && !options.force) {
        throw new DeployerError('file.exists', `${existing.map((file) => shownConfigPath(this.workingDir, file)).join(' and ')} already exist${existing.length === 1 ? 's' : ''}`, {
          where: existing[0]!,
          fix: 'ask the user whether to overwrite (then pass force: true; the secrets file is replaced too), or answer "name" with another environment name',
        });
      }
      await writePrepared(prepared, { overwrite: options.force });
    }
    return {
      environment: prepared.config.environment.name,
      config_file: prepared.path,
      // The secrets (never shown) are in this file, 0600; the config names them as ${VAR} and can be committed.
      secrets_file: prepared.secrets?.path ?? null,
      written: options.write,
      mode: '0600',
      toml: maskSecrets(prepared.text, prepared.config),
      ssh_key_generated: options.write ? (prepared.keyToGenerate ?? null) : null,
      ...(options.write ? {} : { ssh_key_to_generate: prepared.keyToGenerate ?? null }),
      next_command: nextCommand(prepared),
    };
  }

  /** Answers with the defaults of unanswered questions filled in, in order: what conditions and defaults see. */
  private assumedAnswers(): Answers {
    const assumed: Record<string, Answer> = {};
    for (const question of plannedQuestions(this.answers, this.context)) {
      const value = this.answers[question.id] ?? defaultOf(question, assumed, this.context);
      if (value !== undefined) assumed[question.id] = value;
    }
    return assumed;
  }

  private describe(question: WizardQuestion, assumed: Answers): Record<string, unknown> {
    const fallback = defaultOf(question, assumed, this.context);
    const answer = this.answers[question.id];
    const choices = choicesOf(question, assumed, this.context);
    return {
      id: question.id,
      section: question.section,
      text: question.text,
      help: question.help,
      type: question.type,
      ...(choices.length > 0 ? { choices, open_choice: question.openChoice === true } : {}),
      ...(fallback === undefined
        ? { required: true }
        : question.type === 'secret' && fallback !== ''
          ? { default_note: 'a random secret generated by the server (never shown); answer only to choose your own' }
          : { default: fallback }),
      config_keys: question.keys,
      cli_flag: flagName(question),
      answered: answer !== undefined,
      ...(answer === undefined ? {} : { answer: shown(question, answer) }),
    };
  }
}

function questionOf(id: string): WizardQuestion | undefined {
  return QUESTIONS.find((question) => question.id === id);
}

function shown(question: WizardQuestion | undefined, value: Answer): Answer {
  return question?.type === 'secret' && value !== '' && !/^\$\{[^}]+\}$/.test(String(value)) ? '********' : value;
}

/** Agents send numbers and yes/no as text now and then: take them as the question's type when unambiguous. */
function coerce(question: WizardQuestion, raw: unknown): Answer {
  if (question.type === 'number' && typeof raw === 'string' && /^-?[0-9]+$/.test(raw.trim())) return Number(raw.trim());
  if (question.type === 'confirm' && typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (['yes', 'true', 'y'].includes(word)) return true;
    if (['no', 'false', 'n'].includes(word)) return false;
  }
  if (question.type === 'multi-choice' && typeof raw === 'string') return listOf(raw);
  if (question.type !== 'number' && question.type !== 'confirm' && question.type !== 'multi-choice' && typeof raw === 'number') return String(raw);
  return raw as Answer;
}
