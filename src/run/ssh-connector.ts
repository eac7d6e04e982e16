import type { EnvironmentConfig } from '../config/schema.js';
import { DeployerError } from '../domain/errors.js';
import { aptFailedError, aptFailureIn, sudoDeniedError, sudoRefusalIn } from '../ssh/errors.js';
import { isFingerprint } from '../ssh/host-key.js';
import { SshSession } from '../ssh/session.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import type { RemoteConnector, RemoteHost } from './ports.js';

/** Every exit status is an answer for the engine: the batch script reports which step failed. */
const ANY_EXIT_CODE = Array.from({ length: 256 }, (_, code) => code);

/** A new host key the user checked on the server's console and accepts (the Rust deployer's prefix). */
export const ACCEPT_HOST_KEY_VARIABLE = 'TORRUST_TD_ACCEPT_HOST_KEY';
/** How long to wait for SSH to answer, in seconds (default 300, as the Rust deployer). */
export const SSH_WAIT_VARIABLE = 'TORRUST_TD_SSH_WAIT_SECONDS';

/**
 * What the SSH connector adds to a RemoteHost: whether the user accepted a new
 * host key, and why a failed remote command failed when its output says so
 * (sudo refused, apt failed). The executor uses them when present.
 */
export interface ExplainingRemoteHost extends RemoteHost {
  /** The host key differs from the recorded one and the user accepted exactly this one. */
  readonly hostKeyReplaced?: boolean;
  /** The cause of a failed command, with its fix, from the command and its last output lines. */
  explainFailure?(command: string, outputLines: readonly string[], viaSudo: boolean): DeployerError | undefined;
}

export interface SshConnectorOptions {
  /** --accept-host-key: overrides TORRUST_TD_ACCEPT_HOST_KEY. */
  readonly acceptHostKey?: string | undefined;
  /** How long to keep trying to reach SSH, when not TORRUST_TD_SSH_WAIT_SECONDS's (a day-two command's host is up). */
  readonly connectDeadlineMs?: number;
}

/**
 * How long a refused SSH port is retried on a host that was already up when it was
 * registered (an existing host): a booting instance refuses for a while, a running
 * host with no sshd on the port does not change its mind.
 */
export const REFUSED_DEADLINE_MS = 10_000;

/** The host was not created by this deployer: it is up, so a refused port is an answer. */
export function isExistingHost(config: EnvironmentConfig, record: EnvironmentRecord): boolean {
  return config.provider.provider === 'existing' || record.instance.method === 'registered';
}

/**
 * The engine's RemoteHost over one SSH session: the environment's user, key and
 * port, the host key it trusted on first use, and uploads put in place as root
 * with the file's mode and owner.
 */
export function sshConnector(config: EnvironmentConfig, record: EnvironmentRecord, env: NodeJS.ProcessEnv = process.env, options: SshConnectorOptions = {}): RemoteConnector {
  const acceptHostKey = acceptedHostKey(options.acceptHostKey ?? env[ACCEPT_HOST_KEY_VARIABLE]);
  const connectDeadlineMs = sshWaitMs(env[SSH_WAIT_VARIABLE]) ?? options.connectDeadlineMs;
  const username = config.ssh_credentials.username;
  const refusedDeadlineMs = isExistingHost(config, record) ? REFUSED_DEADLINE_MS : undefined;
  return async (address, signal, progress = {}): Promise<ExplainingRemoteHost> => {
    const port = record.instance.ssh_port ?? config.ssh_credentials.port;
    let session: SshSession;
    try {
      session = await SshSession.open({
        host: address,
        port,
        username,
        privateKeyPath: config.ssh_credentials.private_key_path,
        knownHostKey: record.instance.ssh_host_key,
        ...(acceptHostKey === undefined ? {} : { acceptHostKey }),
        ...(connectDeadlineMs === undefined ? {} : { connectDeadlineMs }),
        ...(refusedDeadlineMs === undefined ? {} : { refusedDeadlineMs }),
        ...(progress.onAttempt ? { onAttempt: progress.onAttempt } : {}),
        ...(progress.stopRequested ? { stopRequested: progress.stopRequested } : {}),
        env,
        signal,
      });
    } catch (error) {
      throw explainConnectFailure(error);
    }
    return remoteHostOf(session);
  };
}

/** The engine's RemoteHost over an open SSH session (closing it closes the session). */
export function remoteHostOf(session: SshSession): ExplainingRemoteHost {
  return {
    hostKey: session.hostKey.fingerprint,
    hostKeyReplaced: session.hostKeyChange === 'replaced',
    exec: (script, execOptions) => session.exec(script, { signal: execOptions.signal, acceptExitCodes: ANY_EXIT_CODE, ...(execOptions.onLine ? { onLine: execOptions.onLine } : {}), ...(execOptions.stdin === undefined ? {} : { stdin: execOptions.stdin }) }),
    close: () => session.close(),
    explainFailure: (command, outputLines, viaSudo) => remoteFailureCause(session.address, session.username, command, outputLines, viaSudo),
  };
}

/** sudo's refusal first (nothing ran), then apt's own complaint; undefined when the output does not say. */
export function remoteFailureCause(address: string, username: string, command: string, outputLines: readonly string[], viaSudo: boolean): DeployerError | undefined {
  const refusal = viaSudo && username !== 'root' ? sudoRefusalIn(outputLines) : undefined;
  if (refusal !== undefined) return sudoDeniedError(address, username, refusal);
  const apt = aptFailureIn(command, outputLines);
  return apt === undefined ? undefined : aptFailedError(address, apt, outputLines);
}

/** The SSH layer's host-key error names the session's option; the commands take the accepted key from the environment. */
export function explainConnectFailure(error: unknown): unknown {
  if (!(error instanceof DeployerError) || error.code !== 'ssh.host_key_changed') return error;
  const offered = error.data?.['offered_fingerprint'];
  if (typeof offered !== 'string') return error;
  return new DeployerError(
    error.code,
    error.message,
    {
      ...(error.where === undefined ? {} : { where: error.where }),
      fix: (error.fix ?? '').replace(
        /accept it deliberately with --accept-host-key \S+$/,
        `accept it deliberately: run the same command again with --accept-host-key ${offered} (or ${ACCEPT_HOST_KEY_VARIABLE}=${offered} in its environment); the new key is recorded and the command resumes.`,
      ),
      ...(error.data === undefined ? {} : { data: error.data }),
    },
    { cause: error },
  );
}

function acceptedHostKey(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isFingerprint(value)) {
    throw new DeployerError('usage.invalid', `${ACCEPT_HOST_KEY_VARIABLE}=${value} is not a host key fingerprint`, {
      fix: 'give the fingerprint the ssh.host_key_changed error offered, as ssh-keygen -lf prints it: SHA256: and 43 base64 characters',
    });
  }
  return value;
}

function sshWaitMs(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new DeployerError('usage.invalid', `${SSH_WAIT_VARIABLE}=${value} is not a whole number of seconds`, { fix: `for example ${SSH_WAIT_VARIABLE}=600 for a host that boots slowly` });
  }
  return seconds * 1000;
}
