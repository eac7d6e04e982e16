import type { ResultRecord } from '../output/ndjson-sink.js';
import { daysLeft } from './certificates.js';
import { averageRate, recentRates, type CounterSample } from './rate.js';
import type { StatusSnapshot } from './snapshot.js';
import type { StatusTarget } from './target.js';

/** The announce counter over a history of snapshots (only the readings that have it). */
export function announceSamples(history: readonly StatusSnapshot[]): CounterSample[] {
  return history.flatMap((snapshot) => (snapshot.tracker.ok ? [{ at: snapshot.takenAt, value: snapshot.tracker.numbers.announces }] : []));
}

export interface AnnounceRate {
  /** Average over the last minute; undefined until two readings exist. */
  readonly perSecond: number | undefined;
  /** One rate per refresh over the last minute (null where the tracker restarted). */
  readonly series: readonly (number | null)[];
}

export function announceRate(history: readonly StatusSnapshot[]): AnnounceRate {
  const samples = announceSamples(history);
  return { perSecond: averageRate(samples), series: recentRates(samples).map((point) => point.perSecond) };
}

const iso = (time: number | undefined) => (time === undefined ? null : new Date(time).toISOString());

/** The snapshot as `status --json` prints it: one object; exit_code 0 only when healthy. */
export function snapshotJson(target: Pick<StatusTarget, 'environment' | 'address'>, snapshot: StatusSnapshot, history: readonly StatusSnapshot[] = [snapshot]): ResultRecord {
  const exitCode = snapshot.summary === 'healthy' ? 0 : 1;
  const rate = announceRate(history);
  const { tracker, backup } = snapshot;
  return {
    type: 'result',
    ok: exitCode === 0,
    exit_code: exitCode,
    command: 'status',
    environment: target.environment,
    address: target.address,
    taken_at: iso(snapshot.takenAt),
    summary: snapshot.summary,
    host: snapshot.host.reachable ? { reachable: true } : { reachable: false, error: snapshot.host.error },
    services: snapshot.services?.map((service) => ({
      name: service.name,
      state: service.state,
      health: service.health,
      uptime: service.uptime ?? null,
      exit_code: service.exitCode ?? null,
      ports: service.ports,
      urls: service.urls,
    })) ?? null,
    services_error: snapshot.servicesError ?? null,
    tracker: tracker.ok
      ? {
          source: tracker.source,
          torrents: tracker.numbers.torrents,
          seeders: tracker.numbers.seeders,
          leechers: tracker.numbers.leechers,
          completed: tracker.numbers.completed,
          announces_handled: tracker.numbers.announces,
          announces_per_second: rate.perSecond ?? null,
        }
      : { error: tracker.error },
    backup: backup
      ? {
          schedule: backup.schedule,
          last: backup.last ? { at: iso(backup.last.at.getTime()), path: backup.last.path, size_bytes: backup.last.sizeBytes } : null,
          last_known: backup.last !== undefined,
          next: iso(backup.next),
          ...(backup.offsite
            ? {
                offsite: {
                  last: backup.offsite.last ? { at: iso(backup.offsite.last.at.getTime()), id: backup.offsite.last.id, age_seconds: Math.max(0, Math.round((snapshot.takenAt - backup.offsite.last.at.getTime()) / 1000)) } : null,
                  last_known: backup.offsite.last !== undefined,
                  failed: backup.offsite.failed ? { at: iso(backup.offsite.failed.at.getTime()), id: backup.offsite.failed.id } : null,
                  stale: backup.offsite.stale,
                },
              }
            : {}),
        }
      : null,
    certificates: snapshot.certificates.map((certificate) => ({
      domain: certificate.domain,
      expires_at: iso(certificate.expiresAt),
      days_left: certificate.expiresAt === undefined ? null : daysLeft(certificate.expiresAt, snapshot.takenAt),
      issuer: certificate.issuer ?? null,
      trusted: certificate.trusted ?? null,
      error: certificate.error ?? null,
    })),
  };
}
