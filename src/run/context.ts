import type { Output } from '../output/console.js';

/**
 * What running a plan needs from the command that asked for it: where to report,
 * where the environments live, and whether it may ask the user. The CLI's
 * CommandContext has these and more; run/ knows nothing else of the CLI.
 */
export interface RunContext {
  readonly output: Output;
  readonly workingDir: string;
  readonly json: boolean;
  readonly interactive: boolean;
}
