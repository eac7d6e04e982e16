import type { ProviderNotice } from '../plan/types.js';

export type { ProviderNotice };

/**
 * What the executor needs from the outside world. The real implementations
 * come with their own issues (SSH: 6, LXD and Hetzner: 7); tests use doubles.
 */

export interface ProviderInstance {
  /** Provider resource id (LXD instance name, Hetzner server id). */
  readonly id: string;
  readonly name: string;
  readonly kind: string;
}

export interface Provider {
  readonly name: string;
  /** The instance with this name, if the provider has one. */
  find(instanceName: string, signal: AbortSignal): Promise<ProviderInstance | undefined>;
  create(instanceName: string, signal: AbortSignal): Promise<ProviderInstance>;
  /** The public address of the instance, once it has one. */
  address(instance: ProviderInstance, signal: AbortSignal): Promise<string | undefined>;
  /** Deletes the instance and the given resources; what is already gone is not an error. */
  destroy(instanceName: string, resourceIds: readonly string[], signal: AbortSignal): Promise<void>;
  /**
   * Checks the order at the provider before create (read only; throws what create
   * would refuse) and says what the user should know: for --dry-run and before the
   * real create. Providers without anything to say leave it out.
   */
  review?(instanceName: string, signal: AbortSignal): Promise<readonly ProviderNotice[]>;
  /** The API requests a call would make, for --dry-run and the log; destroy's include one per recorded resource id. */
  plan(action: 'create' | 'address' | 'destroy', instanceName: string, resourceIds?: readonly string[]): readonly string[];
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly signal: AbortSignal;
  /** Each line as it arrives. */
  readonly onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Sent to the script's standard input (file contents and secrets stay off command lines). */
  readonly stdin?: string;
}

/** One connection to the instance. */
export interface RemoteHost {
  /** Runs a shell script; a non-zero exit is a result, not an exception. */
  exec(script: string, options: ExecOptions): Promise<ExecResult>;
  /** The host key seen on connect (recorded on first use, compared afterwards). */
  readonly hostKey: string | undefined;
  close(): Promise<void>;
}

/** One failed attempt to reach the host, while the connector keeps trying. */
export interface ConnectAttemptReport {
  readonly attempt: number;
  readonly elapsedMs: number;
  readonly error: string;
  /** Undefined when this was the last attempt. */
  readonly retryInMs: number | undefined;
}

/** How the executor follows a connection that takes attempts, and stops it between two. */
export interface ConnectProgress {
  readonly onAttempt?: (attempt: ConnectAttemptReport) => void;
  /** The first Ctrl-C: the connector stops before its next attempt. */
  readonly stopRequested?: () => boolean;
}

/** Opens the remote host once its address is known; the executor calls it lazily. */
export type RemoteConnector = (address: string, signal: AbortSignal, progress?: ConnectProgress) => Promise<RemoteHost>;
