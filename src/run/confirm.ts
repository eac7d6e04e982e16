import type { RunContext } from './context.js';
import { DeployerError } from '../domain/errors.js';
import { PROMPT_STREAM } from '../output/console.js';

/** Asks yes/no on the terminal (on stderr); without a terminal the flag that skips the question is required. */
export async function confirmOrRefuse(context: RunContext, question: string, skipFlag: string): Promise<void> {
  if (!context.interactive) {
    throw new DeployerError('confirmation.required', `${question} There is no terminal to ask on.`, { fix: `pass ${skipFlag} to confirm` });
  }
  const { confirm } = await import('@inquirer/prompts');
  const yes = await confirm({ message: question, default: false }, { output: PROMPT_STREAM });
  if (!yes) throw new DeployerError('confirmation.declined', 'Nothing was changed.', { fix: `run it again and answer yes, or pass ${skipFlag}` });
}
