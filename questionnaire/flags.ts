import { QUESTIONS, flagName } from './questions.js';
import type { Choice } from './types.js';

/** One `init` option per question (confirm questions get --x and --no-x), as the command table wants them. */
export function questionOptions(): { flags: string; description: string }[] {
  return QUESTIONS.flatMap((question) => {
    const values = Array.isArray(question.choices) && !question.openChoice ? (question.choices as readonly Choice[]).map((choice) => choice.value) : undefined;
    const accepted = values === undefined ? '' : question.type === 'multi-choice' ? `: any of ${values.join(', ')}` : `: ${values.join(', ')}`;
    const described = `${question.text.replace(/\?$/, '')}${question.type === 'multi-choice' ? ' (comma-separated)' : ''}${accepted}`;
    if (question.type !== 'confirm') return [{ flags: question.flag, description: described }];
    const name = flagName(question).replace(/^--/, '');
    return [
      { flags: `--${name}`, description: `${described}: yes` },
      { flags: `--no-${name}`, description: `${described}: no` },
    ];
  });
}
