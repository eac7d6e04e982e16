/**
 * Every error the deployer reports carries a stable code (for scripts and agents),
 * the exit code it maps to, and a fix the user can act on.
 * Exit codes: 1 the operation failed, 2 bad usage or invalid config, 130 interrupted by Ctrl-C.
 */
export const ERROR_CODES = {
  'usage.invalid': { exit: 2, summary: 'The command line is not valid (unknown flag, missing argument).' },
  'config.file_unreadable': { exit: 2, summary: 'The config file does not exist or cannot be read.' },
  'config.not_regular_file': { exit: 2, summary: 'The config path is not a regular file (a FIFO, a device, a directory, a socket).' },
  'config.too_large': { exit: 2, summary: 'The config file is larger than 10 MiB.' },
  'config.too_deep': { exit: 2, summary: 'The config nests tables or lists more than 32 levels deep.' },
  'config.too_many_entries': { exit: 2, summary: 'A list or table of the config holds more than 1000 entries.' },
  'config.empty': { exit: 2, summary: 'The config file is empty.' },
  'config.not_text': { exit: 2, summary: 'The config file is not text (binary data).' },
  'config.syntax': { exit: 2, summary: 'The config file is not valid TOML or JSON.' },
  'config.secrets_syntax': { exit: 2, summary: 'A line of the secrets file beside the config (envs/<name>.secrets) is not NAME=value; file:line is given.' },
  'config.secrets_exposed': { exit: 2, summary: 'The secrets file beside the config may be read or changed by others than its owner (not mode 0600).' },
  'config.invalid': { exit: 2, summary: 'The config file breaks one or more rules; each problem is listed.' },
  'environment.exists': { exit: 1, summary: 'An environment with this name is already registered.' },
  'file.exists': { exit: 1, summary: 'The output file exists and --force was not given.' },
  'io.write_failed': { exit: 1, summary: 'A local file could not be written.' },
  'command.not_implemented': { exit: 1, summary: 'The command is registered but not built yet.' },
  'environment.not_found': { exit: 1, summary: 'No environment with this name is registered in the working directory.' },
  'environment.locked': { exit: 1, summary: 'Another command holds the environment\'s lock; the holder is named.' },
  'environment.wrong_state': { exit: 1, summary: 'The environment is not in a state this command can run from; the command that comes first is named.' },
  'config.needs_new_instance': { exit: 1, summary: 'An edited config changes what only a new instance can apply (provider settings, the deploy user); nothing was changed.' },
  'environment.not_destroyed': { exit: 1, summary: 'purge refuses an environment whose infrastructure may still exist (destroy it first, or --force).' },
  'confirmation.required': { exit: 2, summary: 'The command needs confirmation and there is no terminal to ask; pass --yes.' },
  'confirmation.declined': { exit: 1, summary: 'The user answered no; nothing was changed.' },
  'state.corrupt': { exit: 1, summary: 'data/<env>/environment.json cannot be read.' },
  'state.unsupported_version': { exit: 1, summary: 'The state file was written by a newer deployer.' },
  'state.rust_deployer': { exit: 1, summary: 'data/<env>/environment.json was written by the Rust deployer; the fix gives the commands that adopt its instance.' },
  'implementation.missing': { exit: 1, summary: 'A piece the command needs (provider, SSH host, renderer) is not available yet.' },
  'dns.not_ready': { exit: 1, summary: 'An HTTPS domain does not resolve to the instance at the configured resolvers; each one is named with what it resolves to, and the records to create are in the fix.' },
  'step.failed': { exit: 1, summary: 'A step of the plan failed; the environment records where, and re-running resumes.' },
  'interrupted': { exit: 130, summary: 'The command was interrupted (Ctrl-C, SIGTERM) at a safe point; re-running resumes. Exit 130, as a shell reports a process stopped by SIGINT.' },
  'hetzner.unauthorized': { exit: 2, summary: 'The Hetzner Cloud API rejected the token (wrong, revoked or from another project).' },
  'hetzner.token_readonly': { exit: 2, summary: 'The Hetzner Cloud token is read-only; a read & write token is needed.' },
  'hetzner.invalid_input': { exit: 2, summary: 'The Hetzner Cloud API rejected a request\'s input; the fields are listed.' },
  'hetzner.server_type_unavailable': { exit: 2, summary: 'The configured Hetzner server type does not exist, is deprecated, or is not offered in the location.' },
  'hetzner.location_unknown': { exit: 2, summary: 'The configured Hetzner location does not exist.' },
  'hetzner.image_unknown': { exit: 2, summary: 'The configured Hetzner image does not exist for the server type\'s architecture.' },
  'hetzner.user_data_too_large': { exit: 2, summary: 'The cloud-init user data is larger than the 32 KiB Hetzner accepts.' },
  'hetzner.name_taken': { exit: 1, summary: 'A Hetzner resource with the name the deployer needs exists and was not created for this environment.' },
  'hetzner.quota_exceeded': { exit: 1, summary: 'The Hetzner Cloud project reached a resource limit (servers, firewalls, ...).' },
  'hetzner.action_failed': { exit: 1, summary: 'A Hetzner Cloud action (create, delete, ...) ended in error or did not finish in time.' },
  'hetzner.api_error': { exit: 1, summary: 'The Hetzner Cloud API answered with an error the deployer cannot fix itself (after retries where they apply).' },
  'hetzner.unreachable': { exit: 1, summary: 'The Hetzner Cloud API could not be reached (network error or timeout, after retries).' },
  'lxd.cli_missing': { exit: 1, summary: 'The `lxc` command is not installed on this machine.' },
  'lxd.permission_denied': { exit: 1, summary: 'The user may not use the LXD socket (not in the lxd group).' },
  'lxd.daemon_unavailable': { exit: 1, summary: 'The LXD daemon is not running or not initialised.' },
  'lxd.image_unavailable': { exit: 2, summary: 'The configured LXD image is neither a local alias nor reachable on its remote.' },
  'lxd.instance_type_unsupported': { exit: 2, summary: 'This LXD host cannot run the configured instance type (virtual machines need KVM and vhost_vsock).' },
  'lxd.command_failed': { exit: 1, summary: 'An `lxc` command failed; the command and LXD\'s message are given.' },
  'lxd.timeout': { exit: 1, summary: 'The LXD instance did not get an address or finish cloud-init before the deadline.' },
  'lxd.cloud_init_failed': { exit: 1, summary: 'cloud-init reported an error (or is disabled) in the LXD instance.' },
  'ssh.unreachable': { exit: 1, summary: 'SSH did not answer on the host before the connect deadline; each attempt was reported.' },
  'ssh.handshake_failed': { exit: 1, summary: 'The SSH handshake failed for a reason retrying cannot fix (not an SSH server, no common algorithm).' },
  'ssh.auth_failed': { exit: 1, summary: 'The host refused the SSH user with the configured key (or the keys in the SSH agent).' },
  'ssh.host_key_changed': { exit: 1, summary: 'The host key differs from the one stored for the environment; it must be accepted deliberately.' },
  'ssh.key_unreadable': { exit: 1, summary: 'The SSH private key file is missing, unreadable or not a private key.' },
  'ssh.key_encrypted': { exit: 1, summary: 'The SSH private key has a passphrase and no SSH agent is running to hold it.' },
  'ssh.command_failed': { exit: 1, summary: 'A remote command exited with a non-zero status; the command and its last stderr lines are given.' },
  'ssh.sudo_denied': { exit: 1, summary: 'The SSH user cannot run sudo without a password on the host.' },
  'ssh.upload_failed': { exit: 1, summary: 'A file or directory could not be uploaded over SFTP.' },
  'ssh.channel_refused': { exit: 1, summary: 'The host refused a new SSH channel (sshd MaxSessions is lower than the session uses).' },
  'ssh.connection_lost': { exit: 1, summary: 'The SSH connection dropped while a command was running.' },
  'apt.failed': { exit: 1, summary: 'apt on the host failed (mirror unreachable, broken sources list, dpkg lock held or interrupted); apt\'s last lines and the fix for the case are given.' },
  'smoke.failed': { exit: 1, summary: 'One or more smoke checks of `test` failed; each failed check is listed with a fix.' },
  'backup.not_configured': { exit: 1, summary: 'The environment has no [backup] section, so there is no backup job to run or restore with.' },
  'backup.failed': { exit: 1, summary: 'The backup job on the host failed; its last lines are given.' },
  'backup.remote_failed': { exit: 1, summary: 'The off-host repository ([backup.remote]) could not be read, checked or restored from; restic\'s last lines are given.' },
  'backup.not_found': { exit: 2, summary: 'No backup with the given id is on the host; the ids that are there are listed.' },
  'restore.failed': { exit: 1, summary: 'A restore failed; the data from before it is back in place and the tracker was started again.' },
  'restore.rollback_failed': { exit: 1, summary: 'A restore failed and putting the previous data back failed too; where the previous data is kept is named.' },
  'upgrade.no_image_change': { exit: 2, summary: 'upgrade was given a config whose images are the ones the environment runs (or belong to services it does not deploy); nothing was changed.' },
  'upgrade.other_changes': { exit: 2, summary: 'upgrade was given a config that changes more than image tags; the keys are listed and deploy is the command for them. Nothing was changed.' },
  'upgrade.failed': { exit: 1, summary: 'An upgrade failed (an image did not pull, or a service was not healthy on its new image); the previous images run again and the previous config stays recorded.' },
  'upgrade.rollback_failed': { exit: 1, summary: 'An upgrade failed and going back to the previous images failed too; where the previous docker-compose.yml is kept is named.' },
  'internal': { exit: 1, summary: 'An unexpected error; run again with -vvv for the stack trace.' },
} as const satisfies Record<string, { exit: 1 | 2 | 130; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

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

  get exitCode(): 1 | 2 | 130 {
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

/** A command refused because of where the environment stands; `next` names the command that comes first. */
export function wrongStateError(environment: string, reason: string, next: string): DeployerError {
  return new DeployerError('environment.wrong_state', reason.charAt(0).toUpperCase() + reason.slice(1), { where: `data/${environment}/environment.json`, fix: next });
}
