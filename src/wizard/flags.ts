import { flagName, listOf, optionKey, QUESTIONS } from '../../questionnaire/questions.js';
import type { Answer } from '../../questionnaire/types.js';
import { DeployerError } from '../domain/errors.js';

/** The answers given as `init` flags, typed the way the questions expect. */
export function answersFromOptions(options: Readonly<Record<string, unknown>>): Record<string, Answer> {
  const answers: Record<string, Answer> = {};
  for (const question of QUESTIONS) {
    const raw = options[optionKey(question)];
    if (raw === undefined) continue;
    switch (question.type) {
      case 'confirm':
        answers[question.id] = raw === true;
        break;
      case 'number': {
        const value = String(raw).trim();
        if (!/^-?[0-9]+$/.test(value)) {
          throw new DeployerError('usage.invalid', `${flagName(question)} '${value}' is not a whole number`, {
            where: flagName(question),
            fix: `pass a number, for example ${flagName(question)} ${typeof question.default === 'number' ? question.default : 1}`,
          });
        }
        answers[question.id] = Number(value);
        break;
      }
      case 'multi-choice':
        answers[question.id] = listOf(String(raw));
        break;
      default:
        answers[question.id] = String(raw);
    }
  }
  return answers;
}
