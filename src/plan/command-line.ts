import { shellQuote } from '../shell/quote.js';

/**
 * A remote command exactly as the executor sends it to the host: what a dry
 * run and the events print, so it can be pasted into a shell there.
 */
export function remoteCommandLine(command: string, sudo: boolean): string {
  return sudo ? `sudo -n sh -c ${shellQuote(command)}` : `sh -c ${shellQuote(command)}`;
}
