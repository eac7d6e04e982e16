import type { CommandInput } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';
import type { DnsGateOptions } from '../plan/types.js';

/** On a terminal someone watches the countdown and creates the records meanwhile. */
const TERMINAL_DNS_WAIT_SECONDS = 900;

/** --dns-wait and --skip-dns-wait of deploy and run, as the plan's DNS gate takes them. */
export function dnsGateOf(input: CommandInput, interactive: boolean): DnsGateOptions {
  const raw = input.options['dnsWait'];
  const skip = input.options['skipDnsWait'] === true;
  if (raw !== undefined && skip) throw new DeployerError('usage.invalid', '--dns-wait and --skip-dns-wait contradict each other', { fix: 'pass one of them' });
  if (raw === undefined) return { waitSeconds: interactive ? TERMINAL_DNS_WAIT_SECONDS : 0, skip };
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0) throw new DeployerError('usage.invalid', `--dns-wait must be a whole number of seconds, not '${String(raw)}'`, { fix: 'pass for example --dns-wait 600' });
  return { waitSeconds: seconds, skip };
}
