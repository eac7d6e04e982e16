/**
 * Every error the deployer reports carries a stable code (for scripts and agents),
 * the exit code it maps to, and a fix the user can act on.
 * Exit codes: 1 the operation failed, 2 bad usage or invalid config.
 */
export const ERROR_CODES = {
  'usage.invalid': { exit: 2, summary: 'The command line is not valid (unknown flag, missing argument).' },
  'config.file_unreadable': { exit: 2, summary: 'The config file does not exist or cannot be read.' },
  'config.empty': { exit: 2, summary: 'The config file is empty.' },
  'config.not_text': { exit: 2, summary: 'The config file is not text (binary data).' },
  'config.syntax': { exit: 2, summary: 'The config file is not valid TOML or JSON.' },
  'config.invalid': { exit: 2, summary: 'The config file breaks one or more rules; each problem is listed.' },
  'environment.exists': { exit: 1, summary: 'An environment with this name is already registered.' },
  'file.exists': { exit: 1, summary: 'The output file exists and --force was not given.' },
  'io.write_failed': { exit: 1, summary: 'A local file could not be written.' },
  'command.not_implemented': { exit: 1, summary: 'The command is registered but not built yet.' },
  'environment.not_found': { exit: 1, summary: 'No environment with this name is registered in the working directory.' },
  'environment.locked': { exit: 1, summary: 'Another command holds the environment\'s lock; the holder is named.' },
  'environment.wrong_state': { exit: 1, summary: 'The environment is not in a state this command can run from; the command that comes first is named.' },
  'environment.not_destroyed': { exit: 1, summary: 'purge refuses an environment whose infrastructure may still exist (destroy it first, or --force).' },
  'confirmation.required': { exit: 2, summary: 'The command needs confirmation and there is no terminal to ask; pass --yes.' },
  'confirmation.declined': { exit: 1, summary: 'The user answered no; nothing was changed.' },
  'state.corrupt': { exit: 1, summary: 'data/<env>/environment.json cannot be read.' },
  'state.unsupported_version': { exit: 1, summary: 'The state file was written by a newer deployer.' },
  'implementation.missing': { exit: 1, summary: 'A piece the command needs (provider, SSH host, renderer) is not available yet.' },
  'step.failed': { exit: 1, summary: 'A step of the plan failed; the environment records where, and re-running resumes.' },
  'interrupted': { exit: 1, summary: 'The command was interrupted at a safe point; re-running resumes.' },
  'internal': { exit: 1, summary: 'An unexpected error; run again with -vvv for the stack trace.' },
} as const satisfies Record<string, { exit: 1 | 2; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetails {
  /** The config key path, command step or file the error concerns. */
  readonly where?: string;
  /** What the user can do about it. */
  readonly fix?: string;
  /** Structured payload for --json (for example the list of config problems). */
  readonly data?: Record<string, unknown>;
}

export class DeployerError extends Error {
  readonly code: ErrorCode;
  readonly where: string | undefined;
  readonly fix: string | undefined;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeployerError';
    this.code = code;
    this.where = details.where;
    this.fix = details.fix;
    this.data = details.data;
  }

  get exitCode(): 1 | 2 {
    return ERROR_CODES[this.code].exit;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.where === undefined ? {} : { where: this.where }),
      ...(this.fix === undefined ? {} : { fix: this.fix }),
      ...(this.data ?? {}),
    };
  }
}
