import type { HttpGetOptions, HttpGetResult } from '../checks/http-get.js';
import { maskSecrets } from '../domain/mask-secrets.js';
import type { ComposeContainer } from './compose-ps.js';
import { nextCronRun } from './cron-next.js';
import { hostProbeScript, parseHostProbe, type HostProbe } from './host-probe.js';
import { summarize, type BackupView, type CertificateInfo, type OffsiteView, type ServiceView, type StatusSnapshot, type TrackerReading } from './snapshot.js';
import { parseTrackerStats } from './stats.js';
import type { StatusTarget } from './target.js';

/**
 * Where a snapshot's facts come from. Every call has a timeout and answers or
 * rejects within it, so a host that stops answering makes a snapshot that says
 * so instead of a snapshot that never comes.
 */
export interface StatusSources {
  /** Runs the read-only probe script on the host over SSH; rejects when the host cannot be reached. */
  host(script: string, timeoutMs: number): Promise<string>;
  /** A GET from this machine. */
  httpGet(url: URL, options: HttpGetOptions): Promise<HttpGetResult>;
  /** A GET to address:port as seen from the host, through an SSH forward. */
  forwardedGet(address: string, port: number, pathAndQuery: string, timeoutMs: number): Promise<HttpGetResult>;
  /** The certificate `domain` is served with on the instance's port 443. */
  certificate(domain: string, address: string, options: { timeoutMs: number }): Promise<CertificateInfo>;
  now(): number;
}

export const PROBE_TIMEOUT_MS = 8_000;

export async function gatherSnapshot(target: StatusTarget, sources: StatusSources, timeoutMs = PROBE_TIMEOUT_MS): Promise<StatusSnapshot> {
  const takenAt = sources.now();
  const secrets = [target.stats.token];
  const [probe, direct, certificates] = await Promise.all([
    sources.host(hostProbeScript(), timeoutMs).then(
      (output) => ({ ok: true as const, probe: parseHostProbe(output) }),
      (error: unknown) => ({ ok: false as const, error: maskSecrets(messageOf(error), secrets) }),
    ),
    directStats(target, sources, timeoutMs),
    Promise.all(target.certificates.map((certificate) => sources.certificate(certificate.domain, target.address, { timeoutMs }).catch((error: unknown) => ({ domain: certificate.domain, error: messageOf(error) })))),
  ]);

  let tracker = direct;
  const trackerAddress = probe.ok ? probe.probe.trackerAddresses[0] : undefined;
  if (!tracker.ok && !target.stats.tokenUnset && trackerAddress !== undefined) {
    const forwarded = await readStats(() => sources.forwardedGet(trackerAddress, target.stats.containerPort, statsPath(target.stats.token), timeoutMs), 'ssh-forward', secrets);
    tracker = forwarded.ok ? forwarded : { ok: false, error: `${direct.ok ? '' : direct.error}; through SSH: ${forwarded.error}` };
  }

  const partial = {
    takenAt,
    host: probe.ok ? { reachable: true as const } : { reachable: false as const, error: probe.error },
    services: probe.ok && probe.probe.composeError === undefined ? servicesOf(target, probe.probe.containers) : undefined,
    servicesError: probe.ok ? probe.probe.composeError : undefined,
    tracker,
    backup: backupOf(target, probe.ok ? probe.probe : undefined),
    certificates,
  };
  return { ...partial, summary: summarize(partial) };
}

export function statsPath(token: string): string {
  return `/api/v1/stats?token=${encodeURIComponent(token)}`;
}

async function directStats(target: StatusTarget, sources: StatusSources, timeoutMs: number): Promise<TrackerReading> {
  if (target.stats.tokenUnset) {
    return { ok: false, error: 'the API admin token is a ${VAR} this shell does not set; export it to see the tracker\'s numbers' };
  }
  const url = new URL(`${target.stats.url}${statsPath(target.stats.token)}`);
  const options: HttpGetOptions = { timeoutMs, acceptUntrusted: target.stats.acceptUntrusted, ...(target.stats.pinnedAddress === undefined ? {} : { pinnedAddress: target.stats.pinnedAddress }) };
  return readStats(() => sources.httpGet(url, options), 'direct', [target.stats.token, encodeURIComponent(target.stats.token)]);
}

async function readStats(get: () => Promise<HttpGetResult>, source: 'direct' | 'ssh-forward', secrets: readonly string[]): Promise<TrackerReading> {
  try {
    const result = await get();
    if (!result.ok) return { ok: false, error: maskSecrets(result.message, secrets) };
    const body = result.body.toString('utf8');
    if (result.status !== 200) {
      const hint = result.status === 401 || result.status === 403 || /token/i.test(body) ? ' (is tracker.http_api.admin_token the one the tracker runs with?)' : '';
      return { ok: false, error: maskSecrets(`the stats endpoint answered HTTP ${result.status}${hint}`, secrets) };
    }
    return { ok: true, source, numbers: parseTrackerStats(body) };
  } catch (error) {
    return { ok: false, error: maskSecrets(messageOf(error), secrets) };
  }
}

function servicesOf(target: StatusTarget, containers: readonly ComposeContainer[]): ServiceView[] {
  const view = (name: string, container: ComposeContainer | undefined): ServiceView => ({
    name,
    state: container?.state ?? 'missing',
    health: container?.health ?? 'none',
    uptime: container?.uptime,
    exitCode: container?.exitCode,
    ports: container?.ports ?? [],
    urls: target.urls[name as keyof StatusTarget['urls']] ?? [],
  });
  const expected: readonly string[] = target.services;
  const services = expected.map((name) => view(name, containers.find((container) => container.service === name)));
  // Containers the config does not expect to be up (a backup run, an orphan) are shown while they exist.
  for (const container of containers) if (!expected.includes(container.service)) services.push(view(container.service, container));
  return services;
}

function backupOf(target: StatusTarget, probe: HostProbe | undefined): BackupView | undefined {
  if (target.backupSchedule === undefined) return undefined;
  let next: number | undefined;
  if (probe?.clock) next = nextCronRun(target.backupSchedule, probe.clock.at, probe.clock.utcOffsetMinutes)?.getTime();
  const view: BackupView = { schedule: target.backupSchedule, last: probe === undefined ? undefined : (probe.lastBackup ?? null), next };
  return target.offsite ? { ...view, offsite: offsiteOf(target.backupSchedule, probe) } : view;
}

/** An hour for a scheduled backup to finish its copy before it counts as missed. */
const COPY_GRACE_MS = 60 * 60 * 1000;

/**
 * The last off-host copy, and whether it is stale: two scheduled runs have passed
 * since it (by the host's clock and time zone) without a newer one.
 */
export function offsiteOf(schedule: string, probe: HostProbe | undefined): OffsiteView {
  if (probe === undefined) return { last: undefined, failed: undefined, stale: false };
  const { last, failed } = probe.offsite;
  const newerFailure = failed !== undefined && (last === undefined || failed.at > last.at) ? failed : undefined;
  let stale = false;
  if (last !== undefined && probe.clock) {
    const first = nextCronRun(schedule, last.at, probe.clock.utcOffsetMinutes);
    const second = first === undefined ? undefined : nextCronRun(schedule, first, probe.clock.utcOffsetMinutes);
    stale = second !== undefined && probe.clock.at.getTime() > second.getTime() + COPY_GRACE_MS;
  }
  return { last: last ?? null, failed: newerFailure, stale: stale || (last === undefined && newerFailure !== undefined) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
