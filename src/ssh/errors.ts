import { DeployerError } from '../domain/errors.js';
import { maskSecrets } from '../domain/mask-secrets.js';

/** How many lines of stderr a failed command's error carries. */
export const STDERR_TAIL_LINES = 20;

export interface CommandFailure {
  readonly address: string;
  readonly command: string;
  readonly exitStatus: number | null;
  readonly signal: string | null;
  readonly stderrTail: readonly string[];
  readonly secrets: readonly string[];
}

/**
 * A remote command that ended with an exit status it was not allowed to. Carries the
 * command, the status (or the signal that killed it) and the last lines of stderr,
 * every one of them with the session's secrets masked.
 */
export class RemoteCommandError extends DeployerError {
  readonly command: string;
  readonly exitStatus: number | null;
  readonly signal: string | null;
  readonly stderrTail: readonly string[];

  constructor(failure: CommandFailure) {
    const command = maskSecrets(failure.command, failure.secrets);
    const stderrTail = failure.stderrTail.map((line) => maskSecrets(line, failure.secrets));
    const ending = failure.exitStatus === null ? `was killed by signal ${failure.signal ?? 'unknown'}` : `exited with status ${failure.exitStatus}`;
    const lastLine = stderrTail.at(-1);
    super('ssh.command_failed', `Remote command on ${failure.address} ${ending}: ${firstLineOf(command)}${lastLine === undefined ? '' : `\n  ${lastLine}`}`, {
      where: failure.address,
      fix: 'read the command output above (-vv shows all of it); fix the cause on the host and run the command again: it resumes where it stopped',
      data: { command, exit_status: failure.exitStatus, signal: failure.signal, stderr_tail: stderrTail },
    });
    this.name = 'RemoteCommandError';
    this.command = command;
    this.exitStatus = failure.exitStatus;
    this.signal = failure.signal;
    this.stderrTail = stderrTail;
  }
}

function firstLineOf(command: string): string {
  const lines = command.trim().split('\n');
  return lines.length > 1 ? `${lines[0]} …` : (lines[0] ?? '');
}

/** sudo's own refusals, as opposed to the command run under it failing. */
const SUDO_REFUSALS = [/^sudo: a (terminal|password) is required/, /is not in the sudoers file/, /is not allowed to (run sudo|execute)/, /may not run sudo/];

export function sudoRefusalIn(stderrLines: readonly string[]): string | undefined {
  return stderrLines.find((line) => SUDO_REFUSALS.some((pattern) => pattern.test(line)));
}

export function sudoDeniedError(address: string, username: string, refusal: string): DeployerError {
  return new DeployerError('ssh.sudo_denied', `${username} on ${address} cannot run commands with sudo without a password: ${refusal}`, {
    where: address,
    fix: `give ${username} passwordless sudo on the host, for example as root: echo '${username} ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/${username} && chmod 0440 /etc/sudoers.d/${username}`,
  });
}

/** apt's own complaints, each with what the user does about it; the first that matches decides. */
const APT_CASES: readonly { readonly pattern: RegExp; readonly cause: string; readonly fix: string }[] = [
  {
    pattern: /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock (the )?(directory|administration)/,
    cause: 'another apt or dpkg holds the package lock (on a new host, usually unattended-upgrades)',
    fix: 'wait for it to finish (ps aux | grep -E "apt|dpkg" on the host shows it), then run the command again: it resumes',
  },
  {
    pattern: /dpkg was interrupted/,
    cause: 'an earlier dpkg run was interrupted',
    fix: 'run sudo dpkg --configure -a on the host, then run the command again: it resumes',
  },
  {
    pattern: /Malformed (entry|line|stanza)|list of sources could not be read|is not known on line|Conflicting values set for option/,
    cause: 'a line in the host\'s apt sources list is broken',
    fix: 'fix the line apt names in /etc/apt/sources.list or /etc/apt/sources.list.d/ on the host (sudo apt-get update there shows the same error), then run the command again: it resumes',
  },
  {
    pattern: /Could not connect|Could not resolve|Temporary failure resolving|Unable to connect|Failed to fetch|Connection (refused|timed out)|Network is unreachable|does not have a Release file|Some index files failed to download|Unable to locate package/,
    cause: 'the host could not download from its package mirror',
    fix: 'check the host\'s network, DNS and proxy, and the mirror URLs in /etc/apt/sources.list and /etc/apt/sources.list.d/ (sudo apt-get update on the host shows the same error); then run the command again: it resumes',
  },
];

/**
 * Why a remote command that runs apt failed, when apt's output says so: the
 * failing apt line and the fix for its case (mirror, sources list, lock, dpkg).
 */
export function aptFailureIn(command: string, outputLines: readonly string[]): { readonly cause: string; readonly line: string; readonly fix: string } | undefined {
  if (!/\bapt(-get|-cache)?\b/.test(command)) return undefined;
  for (const known of APT_CASES) {
    const line = outputLines.find((candidate) => known.pattern.test(candidate));
    if (line !== undefined) return { cause: known.cause, line: line.trim(), fix: known.fix };
  }
  const line = outputLines.find((candidate) => /^(E|Err):/.test(candidate.trim()));
  return line === undefined ? undefined : { cause: 'apt reported an error', line: line.trim(), fix: 'run sudo apt-get update on the host to see apt\'s whole message, fix what it names, then run the command again: it resumes' };
}

export function aptFailedError(address: string, failure: NonNullable<ReturnType<typeof aptFailureIn>>, outputLines: readonly string[]): DeployerError {
  return new DeployerError('apt.failed', `apt on ${address} failed: ${failure.cause}: ${failure.line}`, {
    where: address,
    fix: failure.fix,
    data: { stderr_tail: outputLines.slice(-STDERR_TAIL_LINES) },
  });
}
