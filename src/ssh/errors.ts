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
