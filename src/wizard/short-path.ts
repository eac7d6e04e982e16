import { homedir } from 'node:os';
import { questionById, type WizardQuestion } from '../../questionnaire/questions.js';
import { resolveDynamic, type Answer, type Answers, type QuestionContext } from '../../questionnaire/types.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { summarize, summaryLine, summaryRows } from '../config/summary.js';
import { DATABASE_QUESTION } from '../stack/database-questions.js';
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

/** One row of "What it deploys" and, when its setting took the recommended default, why. */
export interface SummaryRow {
  readonly line: string;
  readonly reasons: readonly string[];
}

/** The rows of the summary and the questions whose defaults each one shows. */
const ROW_QUESTIONS: Readonly<Record<string, readonly string[]>> = {
  Provider: ['lxd_instance_type', 'hetzner_server_type', 'hetzner_location', 'hetzner_image'],
  SSH: ['ssh_key', 'ssh_user', 'ssh_port'],
  Tracker: ['private'],
  Database: [DATABASE_QUESTION],
  'UDP trackers': ['protocols', 'udp_ports'],
  'HTTP trackers': ['http_ports'],
  'HTTP API': ['api_port'],
  HTTPS: ['https'],
  Prometheus: ['prometheus'],
  Grafana: ['grafana'],
  Backups: ['backup'],
};

/**
 * `validate`'s "What it deploys" with the SSH login the deployer will use after the provider;
 * given the answers the user typed, each setting they left to its default carries the
 * question's reason for it.
 */
export function deploysRows(preparation: Preparation, typed?: { readonly answers: Answers; readonly context: QuestionContext }): SummaryRow[] {
  if (!preparation.ok) return [];
  const { config } = preparation.prepared;
  const rows = summaryRows(summarize(config));
  rows.splice(rows.findIndex(([label]) => label === 'Provider') + 1, 0, ['SSH', sshLogin(config, typed?.context.home ?? homedir())]);
  const recommended = typed && recommendedAnswers(typed.answers, typed.context);
  const defaulted = typed && recommended ? applicableQuestions(recommended, typed.context).filter((question) => typed.answers[question.id] === undefined) : [];
  return rows.map(([label, value]) => ({
    line: summaryLine(label, value),
    reasons: (ROW_QUESTIONS[label] ?? [])
      .map((id) => defaulted.find((question) => question.id === id))
      .map((question) => question && recommended && typed && resolveDynamic(question.reason, recommended, typed.context))
      .filter((reason): reason is string => reason !== undefined),
  }));
}

function sshLogin(config: EnvironmentConfig, home: string): string {
  const { username, port, private_key_path: key } = config.ssh_credentials;
  const host = config.provider.provider === 'existing' ? (config.provider.host ?? '<host>') : '<instance>';
  const shownKey = key.startsWith(`${home}/`) ? `~${key.slice(home.length)}` : key;
  return `${username}@${host}, port ${port}, key ${shownKey}`;
}
