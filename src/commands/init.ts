import type { CommandContext, CommandHandler } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';
import { flagName, QUESTIONS, type WizardQuestion } from '../../questionnaire/questions.js';
import type { Answer } from '../../questionnaire/types.js';
import type { Answers, QuestionContext } from '../../questionnaire/types.js';
import { existingConfigFiles, maskSecrets, shownConfigPath } from '../wizard/config-file.js';
import { questionContext } from '../wizard/context.js';
import { withHetznerServerTypes } from '../wizard/hetzner.js';
import { answersFromOptions } from '../wizard/flags.js';
import { nextCommand, prepareConfig, shownFiles, writePrepared, type PreparedConfig } from '../wizard/prepare.js';
import { nextSteps, preChecks } from '../wizard/next-steps.js';
import { resolveAnswers } from '../wizard/session.js';
import { wizardKind } from '../wizard/wizard-start.js';

/** Exit code of a wizard stopped by Ctrl-C or Cancel (128 + SIGINT, as shells report it). */
export const INTERRUPTED = 130;

/**
 * `init`: the wizard on a terminal; with --non-interactive (or no terminal, or
 * --yes) the same questions are answered by flags and defaults, never by a prompt.
 */
const init: CommandHandler = async (context, input) => {
  const given = answersFromOptions(input.options);
  const questions = questionContext(context.env);
  const acceptDefaults = input.options['yes'] === true;
  rejectInvalidFlags(given, questions);
  rejectContradictoryFlags(given, questions);

  const kind = wizardKind(context, input.options);
  if (kind) {
    // Ink and React load only here, so --help, --version and scripts never pay for them.
    const wizard = { given, context: await withHetznerServerTypes(questions, context.env), workingDir: context.workingDir, dryRun: context.dryRun, env: context.env, color: context.output.color.enabled };
    const outcome = kind === 'plain' ? await (await import('../../screens/wizard/plain-wizard.js')).runPlainWizard(wizard) : await (await import('../../screens/wizard/run-wizard.js')).runWizard(wizard);
    if (outcome.status !== 'written') {
      context.output.info(outcome.status === 'interrupted' ? 'Interrupted: nothing was written.' : 'Cancelled: nothing was written.');
      return INTERRUPTED;
    }
    reportWritten(context, outcome.prepared, { dryRun: context.dryRun, next: !outcome.deployNow });
    if (outcome.deployNow) return deployInThisSession(context, outcome.prepared);
    return 0;
  }

  const prepared = answeredWithoutPrompts(given, questions, context, acceptDefaults);
  const force = input.options['force'] === true;
  const existing = existingConfigFiles(prepared.path);
  if (existing.length > 0 && !force) {
    const shown = existing.map((file) => shownConfigPath(context.workingDir, file)).join(' and ');
    throw new DeployerError('file.exists', `${shown} already exist${existing.length === 1 ? 's' : ''}`, { where: existing[0]!, fix: `pass --force to overwrite ${existing.length === 1 ? 'it' : 'both'} (the secrets are replaced too), or choose another --name` });
  }
  if (context.dryRun) {
    context.output.resultJson({ dry_run: true, would_write: prepared.path, ...(prepared.secrets ? { would_write_secrets: prepared.secrets.path } : {}), next_command: nextCommand(prepared) });
    context.output.result(maskSecrets(prepared.text, prepared.config));
    context.output.info(`Dry run: would write ${shownFiles(prepared)} (mode 0600); nothing was written.`);
    return 0;
  }
  await writePrepared(prepared, { overwrite: force });
  reportWritten(context, prepared, { dryRun: false });
  return 0;
};

function rejectInvalidFlags(given: Answers, questions: QuestionContext): void {
  const { invalid } = resolveAnswers(given, questions, { acceptDefaults: true });
  const first = invalid.find(({ question }) => given[question.id] !== undefined);
  if (first) {
    throw new DeployerError('usage.invalid', `${flagName(first.question)}: ${first.problem}`, {
      where: flagName(first.question),
      fix: `${first.question.help}`,
    });
  }
}

/**
 * A flag whose question another flag makes moot (--grafana with --no-prometheus) would be
 * dropped without a word: exit 2 naming both. A "no" to a moot question agrees with it.
 */
function rejectContradictoryFlags(given: Answers, questions: QuestionContext): void {
  const applies = (answers: Answers, question: WizardQuestion) => question.id in resolveAnswers(answers, questions, { acceptDefaults: true }).answers;
  for (const question of QUESTIONS) {
    const value = given[question.id];
    if (value === undefined || value === false || applies(given, question)) continue;
    const flag = givenFlag(question, value);
    const culprit = QUESTIONS.find((other) => other.id !== question.id && given[other.id] !== undefined && alternativesOf(given, other).some((answers) => applies(answers, question)));
    const against = culprit === undefined ? undefined : givenFlag(culprit, given[culprit.id]!);
    throw new DeployerError('usage.invalid', against === undefined ? `${flag} does not apply with the other flags given and their defaults: it would be ignored` : `${flag} contradicts ${against}: with ${against} the ${flag} answer would be ignored`, {
      where: flag,
      fix: against === undefined ? `drop ${flag}, or change the flags it depends on` : `drop one of ${flag} and ${against}`,
      data: { flags: against === undefined ? [flag] : [flag, against] },
    });
  }
}

/** The flag as the user typed it: --no-x for a confirm answered no. */
function givenFlag(question: WizardQuestion, value: Answer): string {
  return question.type === 'confirm' && value === false ? flagName(question).replace(/^--/, '--no-') : flagName(question);
}

/** The answers without the one to `question`, and for a yes/no question with it turned round. */
function alternativesOf(answers: Answers, question: WizardQuestion): Answers[] {
  const without = Object.fromEntries(Object.entries(answers).filter(([key]) => key !== question.id));
  const answer = answers[question.id];
  return typeof answer === 'boolean' ? [without, { ...without, [question.id]: !answer }] : [without];
}

function answeredWithoutPrompts(given: Answers, questions: QuestionContext, context: CommandContext, acceptDefaults: boolean): PreparedConfig {
  const resolved = resolveAnswers(given, questions, { acceptDefaults });
  if (resolved.unanswered.length > 0) {
    const required = resolved.unanswered.filter((item) => item.fallback === undefined).map((item) => flagName(item.question));
    const defaulted = resolved.unanswered.filter((item) => item.fallback !== undefined).map((item) => flagName(item.question));
    const needed = [...required, ...defaulted];
    throw new DeployerError('usage.invalid', `init without prompts needs an answer for ${needed.join(', ')}`, {
      where: needed[0] ?? 'init',
      fix: [
        required.length > 0 ? `pass ${required.join(', ')} (no default)` : undefined,
        // A long list is already in the message: repeating it would push the line past what the terminal shows.
        defaulted.length > 0 ? `pass ${defaulted.length > 12 ? 'the flags above' : defaulted.join(', ')}, or --yes to accept their defaults` : undefined,
      ]
        .filter(Boolean)
        .join('; '),
      data: { missing_flags: needed, without_default: required },
    });
  }
  const preparation = prepareConfig(resolved.answers, questions, context.workingDir);
  if (!preparation.ok) {
    const lines = preparation.conflicts.map((conflict) => `${conflict.question ? flagName(conflict.question) : conflict.path}: ${conflict.message}`);
    throw new DeployerError('usage.invalid', `The answers do not make a valid config:\n  ${lines.join('\n  ')}`, {
      where: preparation.conflicts[0]?.question ? flagName(preparation.conflicts[0].question) : 'init',
      fix: 'change the flags named above',
      data: { conflicts: preparation.conflicts.map((conflict) => ({ path: conflict.path, message: conflict.message, flag: conflict.question ? flagName(conflict.question) : undefined })) },
    });
  }
  return preparation.prepared;
}

function reportWritten(context: CommandContext, prepared: PreparedConfig, options: { dryRun: boolean; next?: boolean }): void {
  const next = nextCommand(prepared);
  const secretsFile = prepared.secrets?.path ?? null;
  context.output.resultJson({ ...(options.dryRun ? { dry_run: true, would_write: prepared.path, would_write_secrets: secretsFile } : { config_file: prepared.path, secrets_file: secretsFile }), environment: prepared.config.environment.name, next_command: next });
  if (!options.dryRun) {
    context.output.success(`Wrote ${prepared.shownPath}${prepared.secrets ? ` and its secrets, ${prepared.secrets.shownPath} (0600, read automatically)` : ' (0600)'}`);
    if (prepared.secrets) context.output.info(`${prepared.shownPath} holds no secret and can be committed; ${prepared.secrets.shownPath} must not be (add *.secrets to your .gitignore)`);
  }
  if (prepared.keyToGenerate && !options.dryRun) context.output.info(`SSH key pair: ${prepared.keyToGenerate} (+ .pub)`);
  for (const problem of preChecks(prepared.config, context.env, prepared.keyToGenerate)) context.output.warn(problem);
  const steps = nextSteps(prepared.config);
  if (steps.length > 0) context.output.info(['Before deploying:', ...steps.map((step) => (step.startsWith('  ') ? `  ${step}` : `  • ${step}`))].join('\n'));
  if (options.next !== false) context.output.result(`Next: ${next}`);
}

/**
 * "Write and deploy": the deploy's task tree in this terminal, then the live status screen
 * of the running environment (q quits). Only reached on a terminal: without one the wizard
 * never runs, so it never deploys.
 */
async function deployInThisSession(context: CommandContext, prepared: PreparedConfig): Promise<number> {
  const { default: deploy } = await import('./deploy.js');
  const deployed = await deploy(context, { command: 'deploy', args: { 'env-or-file': prepared.path }, options: {} });
  if (typeof deployed === 'number' && deployed !== 0) return deployed;
  const { default: status } = await import('./status.js');
  await status(context, { command: 'status', args: { env: prepared.config.environment.name }, options: { watch: true } });
  return 0;
}

export default init;
