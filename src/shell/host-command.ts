import { shellQuote } from '../render/quote.js';

/**
 * The exact command line a plan's remote command runs as on the host: in `sh`,
 * through `sudo -n` when it needs root. A dry run prints this same line, so what
 * it shows can be pasted into a shell on the host.
 */
export function hostCommand(command: string, sudo: boolean): string {
  return sudo ? `sudo -n sh -c ${shellQuote(command)}` : `sh -c ${shellQuote(command)}`;
}
