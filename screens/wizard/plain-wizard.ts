import { createInterface, type Interface } from 'node:readline/promises';
import { choicesOf, defaultOf, type WizardQuestion } from '../../questionnaire/questions.js';
import type { Answer, Answers, QuestionContext } from '../../questionnaire/types.js';
import { SUMMARY_VALUE_COLUMN } from '../../src/config/summary.js';
import { configFileExists } from '../../src/wizard/config-file.js';
import { writeChecks } from '../../src/wizard/pre-checks.js';
import { overwriteQuestion, writePrepared } from '../../src/wizard/prepare.js';
import { deploysRows, nextShortPathQuestion, recommendedPreparation } from '../../src/wizard/short-path.js';
import { answerProblem } from '../../src/wizard/validate-answer.js';
import type { WizardOutcome } from './Wizard.js';

export interface PlainWizardOptions {
  readonly given: Answers;
  readonly context: QuestionContext;
  readonly workingDir: string;
  readonly dryRun: boolean;
  /** Where the pre-checks look for `lxc` (PATH). */
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: NodeJS.ReadableStream;
  readonly output?: NodeJS.WritableStream;
}

/**
 * The short path in plain lines, for a terminal that cannot draw screens (TERM=dumb): each
 * question with its help and default, the recommended settings as validate summarizes them,
 * then Write and deploy / Write only / Cancel, and the pre-checks (a missing key offered to
 * ssh-keygen, no lxc). Nothing is redrawn, so any terminal shows it.
 */
export async function runPlainWizard(options: PlainWizardOptions): Promise<WizardOutcome> {
  const output = options.output ?? process.stderr;
  const say = (text: string) => void output.write(`${text}\n`);
  const lines = createInterface({ input: options.input ?? process.stdin, output, terminal: false });
  let closed = false;
  lines.on('close', () => (closed = true));
  try {
    const answers: Record<string, Answer> = { ...options.given };
    for (let question = nextShortPathQuestion(answers, options.context); question; question = nextShortPathQuestion(answers, options.context)) {
      const value = await ask(lines, say, question, answers, options.context);
      if (value === undefined) return { status: closed ? 'interrupted' : 'cancelled' };
      answers[question.id] = value;
    }
    const preparation = recommendedPreparation(answers, options.context, options.workingDir);
    if (!preparation.ok) {
      say('These answers do not make a valid config:');
      for (const conflict of preparation.conflicts) say(`  ✗ ${conflict.question ? conflict.question.text : conflict.path}: ${conflict.message}`);
      return { status: 'cancelled' };
    }
    say('\nWhat it deploys:');
    for (const row of deploysRows(preparation, { answers, context: options.context })) {
      say(row.line);
      for (const reason of row.reasons) say(`${' '.repeat(SUMMARY_VALUE_COLUMN)}↳ ${reason}`);
    }
    say(`\n  1) Write and deploy (${preparation.prepared.shownPath}, then ttd deploy here)\n  2) Write only\n  3) Cancel (write nothing)`);
    const choice = await lines.question('Choose [1]: ').catch(() => undefined);
    if (choice === undefined || choice.trim() === '3') return { status: choice === undefined ? 'interrupted' : 'cancelled' };
    const deployNow = choice.trim() !== '2' && !options.dryRun;
    let prepared = preparation.prepared;
    if (!options.dryRun) {
      const checks = writeChecks(prepared, options.env ?? process.env);
      for (const warning of checks.warnings) say(`⚠ ${warning}`);
      const key = checks.missingKey;
      if (key) {
        const offer = key.missing === 'pair' ? `The SSH key ${key.path} does not exist. Generate it now (ssh-keygen -t ed25519, no passphrase)? [Y/n] ` : `The SSH key ${key.path} has no public key beside it. Write it from the private key (ssh-keygen -y)? [Y/n] `;
        const generate = await lines.question(offer).catch(() => undefined);
        if (generate === undefined) return { status: 'interrupted' };
        if (!/^n(o)?$/i.test(generate.trim())) prepared = { ...prepared, keyToGenerate: key.path };
      }
      const exists = configFileExists(prepared.path);
      if (exists) {
        const overwrite = await lines.question(`${overwriteQuestion(prepared)} [y/N] `).catch(() => undefined);
        if (!/^y(es)?$/i.test(overwrite?.trim() ?? '')) return { status: 'cancelled' };
      }
      await writePrepared(prepared, { overwrite: exists });
    }
    return { status: 'written', prepared, deployNow };
  } finally {
    lines.close();
  }
}

/** One question until an answer passes its checks; undefined when the input ends. */
async function ask(lines: Interface, say: (text: string) => void, question: WizardQuestion, answers: Answers, context: QuestionContext): Promise<Answer | undefined> {
  const fallback = defaultOf(question, answers, context);
  const choices = question.type === 'choice' ? choicesOf(question, answers, context) : [];
  say(`\n${question.text}\n${question.help}`);
  choices.forEach((choice, index) => say(`  ${index + 1}) ${choice.label}${choice.value === fallback ? ' (default)' : ''}`));
  if (question.type === 'secret') say('(this terminal shows what you type; leave it empty to use the default)');
  for (;;) {
    const shown = question.type === 'secret' || fallback === undefined || fallback === '' ? '' : ` [${String(fallback)}]`;
    const raw = await lines.question(`› ${shown.trimStart()}${shown ? ' ' : ''}`).catch(() => undefined);
    if (raw === undefined) return undefined;
    const typed = raw.trim();
    let value: Answer = typed === '' ? (fallback ?? '') : typed;
    if (question.type === 'choice' && /^[0-9]+$/.test(typed)) value = choices[Number(typed) - 1]?.value ?? typed;
    if (question.type === 'number' && typed !== '') value = Number(typed);
    const problem = answerProblem(question, value, answers, context);
    if (!problem) return value;
    say(`✗ ${problem}`);
  }
}
