import type { Health } from './compose-ps.js';
import type { BackupFile, OffsiteCopy } from './host-probe.js';
import type { TrackerNumbers } from './stats.js';

/** One reading of an environment's status; `status --watch` keeps a history of them. Times are epoch milliseconds. */
export interface StatusSnapshot {
  readonly takenAt: number;
  readonly host: { readonly reachable: true } | { readonly reachable: false; readonly error: string };
  /** Undefined when the host did not answer (the services are unknown). */
  readonly services: readonly ServiceView[] | undefined;
  /** Why the services are unknown although the host answered. */
  readonly servicesError: string | undefined;
  readonly tracker: TrackerReading;
  /** Undefined when the config has no backup section. */
  readonly backup: BackupView | undefined;
  readonly certificates: readonly CertificateInfo[];
  readonly summary: Summary;
}

export type Summary = 'healthy' | 'degraded' | 'unreachable';

export interface ServiceView {
  readonly name: string;
  /** docker's state, or 'missing' when the config deploys the service and no container exists. */
  readonly state: string;
  readonly health: Health;
  readonly uptime: string | undefined;
  readonly exitCode: number | undefined;
  readonly ports: readonly string[];
  readonly urls: readonly string[];
}

export type StatsSource = 'direct' | 'ssh-forward';

export type TrackerReading =
  | { readonly ok: true; readonly source: StatsSource; readonly numbers: TrackerNumbers }
  | { readonly ok: false; readonly error: string };

export interface BackupView {
  readonly schedule: string;
  /** null: the host answered and holds no backup yet; undefined: unknown (host unreachable). */
  readonly last: BackupFile | null | undefined;
  /** Undefined while the host's clock (its time zone) is unknown. */
  readonly next: number | undefined;
  /** With [backup.remote]: the last off-host copy. */
  readonly offsite?: OffsiteView;
}

export interface OffsiteView {
  /** null: the host answered and no copy was made yet; undefined: unknown (host unreachable). */
  readonly last: OffsiteCopy | null | undefined;
  /** The last copy that failed, when it is newer than the last one that worked. */
  readonly failed: OffsiteCopy | undefined;
  /** The last copy is older than two scheduled runs (or the first copy is that overdue): copies are not happening. */
  readonly stale: boolean;
}

export interface CertificateInfo {
  readonly domain: string;
  readonly expiresAt?: number;
  readonly issuer?: string;
  /** The chain verifies against the trusted CAs. */
  readonly trusted?: boolean;
  readonly error?: string;
}

/** A service is fine when it runs and its health check, if it has one, passes. */
export function serviceOk(service: ServiceView): boolean {
  return service.state === 'running' && (service.health === 'healthy' || service.health === 'none');
}

export function summarize(snapshot: Omit<StatusSnapshot, 'summary'>): Summary {
  if (!snapshot.host.reachable) return 'unreachable';
  if (snapshot.services === undefined || snapshot.servicesError !== undefined) return 'degraded';
  if (!snapshot.services.every(serviceOk) || !snapshot.tracker.ok) return 'degraded';
  return 'healthy';
}
