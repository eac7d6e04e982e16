import { DeployerError } from '../domain/errors.js';
import type { CommandContext } from './context.js';
import { printable } from './printable.js';

/** Prints an error the way the user asked (text on stderr, or JSON on stdout) and returns its exit code. */
export function reportError(error: unknown, context: CommandContext): number {
  const deployerError =
    error instanceof DeployerError
      ? error
      : new DeployerError('internal', `Unexpected error: ${error instanceof Error ? error.message : String(error)}`, {
          fix: 'run again with -vvv for the stack trace, and report it if it persists',
        });
  const { output } = context;
  if (context.json) {
    process.stdout.write(`${JSON.stringify({ error: deployerError.toJSON() }, null, 2)}\n`);
  } else {
    output.error(printable(deployerError.message));
    if (deployerError.fix) output.info(printable(`  Fix: ${deployerError.fix}`));
  }
  if (context.verbosity >= 3 && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return deployerError.exitCode;
}
