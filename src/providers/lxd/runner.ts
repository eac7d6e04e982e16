import { execFile } from 'node:child_process';
import { DeployerError } from '../../domain/errors.js';
import { displayLine, type LxcCommand } from './commands.js';

export interface LxcResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one `lxc` command; a non-zero exit is a result (the caller decides), a missing `lxc` is an error. */
export type LxcRunner = (command: LxcCommand, signal: AbortSignal) => Promise<LxcResult>;

export interface LxcRunnerOptions {
  /** The client to run (default `lxc` from PATH). */
  readonly binary?: string;
  /** Environment of the client, for example LXD_DIR or LXD_CONF; default the process's own. */
  readonly env?: NodeJS.ProcessEnv;
}

const MAX_OUTPUT = 64 * 1024 * 1024;

/** The one place that starts `lxc`: execFile with an argv, never a shell. */
export function lxcRunner(options: LxcRunnerOptions = {}): LxcRunner {
  const binary = options.binary ?? 'lxc';
  return (command, signal) =>
    new Promise((resolve, reject) => {
      const child = execFile(binary, command.args, { signal, env: options.env ?? process.env, maxBuffer: MAX_OUTPUT, encoding: 'utf8' }, (error, stdout, stderr) => {
        if (error === null) return resolve({ exitCode: 0, stdout, stderr });
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(cliMissing(binary));
        if (code === 'ABORT_ERR' || signal.aborted) return reject(new DeployerError('interrupted', `interrupted while running ${displayLine(command)}`));
        if (typeof code === 'number') return resolve({ exitCode: code, stdout, stderr });
        reject(new DeployerError('lxd.command_failed', `${displayLine(command)} could not run: ${error.message}`, { data: { command: displayLine(command) } }));
      });
      // Without input the client must not wait for a terminal that is not there. A client that
      // exits before reading its input closes the pipe: its exit status says why, not EPIPE.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(command.input ?? '');
    });
}

function cliMissing(binary: string): DeployerError {
  return new DeployerError('lxd.cli_missing', `The LXD client \`${binary}\` is not installed (or not on PATH).`, {
    fix: 'install LXD: on Debian 12 `sudo apt install lxd`, elsewhere `sudo snap install lxd`; then run `sudo lxd init` once and add yourself to the lxd group',
  });
}
