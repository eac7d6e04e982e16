import type { CommandContext } from '../cli/context.js';

/**
 * How `init` asks its questions: Ink screens on a terminal, plain line prompts on one that cannot
 * draw them (TERM=dumb), or not at all (flags and defaults: no terminal, --yes, --json).
 */
export function wizardKind(context: CommandContext, options: Readonly<Record<string, unknown>>): 'screens' | 'plain' | undefined {
  if (options['yes'] === true || context.json) return undefined;
  if (context.interactive) return 'screens';
  return context.plainPrompts === true ? 'plain' : undefined;
}
