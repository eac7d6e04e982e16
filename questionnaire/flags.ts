import { QUESTIONS, flagName } from './questions.js';

/** One `init` option per question (confirm questions get --x and --no-x), as the command table wants them. */
export function questionOptions(): { flags: string; description: string }[] {
  return QUESTIONS.flatMap((question) => {
    const described = `${question.text.replace(/\?$/, '')}${question.type === 'multi-choice' ? ' (comma-separated)' : ''}`;
    if (question.type !== 'confirm') return [{ flags: question.flag, description: described }];
    const name = flagName(question).replace(/^--/, '');
    return [
      { flags: `--${name}`, description: `${described}: yes` },
      { flags: `--no-${name}`, description: `${described}: no` },
    ];
  });
}
