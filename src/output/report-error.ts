import { DeployerError } from '../domain/errors.js';
import type { Output } from './console.js';
import { printable } from './printable.js';

/**
 * Reports a command's failure the way the user asked (the result line with the
 * error on stdout with --json, text on stderr otherwise) and returns its exit code.
 */
export function reportError(output: Output, error: unknown): number {
  const deployerError =
    error instanceof DeployerError
      ? error
      : new DeployerError('internal', `Unexpected error: ${error instanceof Error ? error.message : String(error)}`, {
          fix: 'run again with -vvv for the stack trace, and report it if it persists',
        });
  if (output.json) {
    if (!output.ended) output.resultJson({ error: deployerError.toJSON() }, deployerError.exitCode);
  } else {
    output.error(printable(deployerError.message));
    if (deployerError.fix) output.info(printable(`  Fix: ${deployerError.fix}`));
  }
  // The stack trace is for a bug report: the log file has it at -vvv; the screen keeps one headline and one fix.
  if (output.verbosity >= 3 && error instanceof Error && error.stack) output.log.write({ type: 'output', level: 'debug', text: error.stack });
  return deployerError.exitCode;
}

/** With --json, the result line of a command that printed none itself. */
export function endOutput(output: Output, exitCode: number): void {
  if (output.json && !output.ended) output.resultJson({}, exitCode);
}
