import { Box, Text, useInput } from 'ink';
import { daysLeft } from '../../src/status/certificates.js';
import { formatBytes, formatClock, formatDuration, formatRate, formatUtc } from '../../src/status/format.js';
import { sparkline } from '../../src/status/rate.js';
import { serviceOk, type ServiceView, type StatusSnapshot } from '../../src/status/snapshot.js';
import type { StatusTarget } from '../../src/status/target.js';
import { announceRate } from '../../src/status/view.js';

export interface StatusScreenProps {
  readonly target: Pick<StatusTarget, 'environment' | 'address' | 'sshPort'>;
  /** Oldest first; the newest snapshot is shown, the older ones feed the announce rate. */
  readonly history: readonly StatusSnapshot[];
  readonly refreshing: boolean;
  /** --watch: the screen refreshes and `q` quits. */
  readonly watching: boolean;
  readonly intervalSeconds?: number;
  readonly onQuit?: () => void;
}

/** Renders a history of status snapshots; gathering them is src/status/'s job. */
export function StatusScreen({ target, history, refreshing, watching, intervalSeconds = 3, onQuit }: StatusScreenProps) {
  useInput(
    (input, key) => {
      if (input === 'q' || key.escape || (key.ctrl && input === 'c')) onQuit?.();
    },
    { isActive: watching && onQuit !== undefined },
  );
  const snapshot = history.at(-1);
  const lastReachable = [...history].reverse().find((reading) => reading.host.reachable);

  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>{target.environment}</Text>
        <Text dimColor> · {target.address} · </Text>
        {snapshot ? <SummaryBadge snapshot={snapshot} /> : <Text dimColor>reading…</Text>}
        {snapshot ? <Text dimColor> · updated {formatClock(snapshot.takenAt)}</Text> : null}
        {refreshing && snapshot ? <Text dimColor> · refreshing…</Text> : null}
      </Text>
      {snapshot ? <Body snapshot={snapshot} history={history} target={target} lastReachable={lastReachable} watching={watching} intervalSeconds={intervalSeconds} /> : null}
      {watching ? <Text dimColor>{`refreshes every ${intervalSeconds} s · q quit`}</Text> : null}
    </Box>
  );
}

function SummaryBadge({ snapshot }: { snapshot: StatusSnapshot }) {
  if (snapshot.summary === 'healthy') return <Text color="green">healthy</Text>;
  if (snapshot.summary === 'degraded') return <Text color="yellow">degraded</Text>;
  return <Text color="red">host unreachable</Text>;
}

interface BodyProps {
  readonly snapshot: StatusSnapshot;
  readonly history: readonly StatusSnapshot[];
  readonly target: StatusScreenProps['target'];
  readonly lastReachable: StatusSnapshot | undefined;
  readonly watching: boolean;
  readonly intervalSeconds: number;
}

function Body({ snapshot, history, target, lastReachable, watching, intervalSeconds }: BodyProps) {
  return (
    <Box flexDirection="column" marginTop={1}>
      {snapshot.host.reachable ? null : (
        <Box flexDirection="column" marginBottom={1}>
          <Text color="red">
            ✗ The host does not answer on SSH port {target.sshPort}: {snapshot.host.error}
          </Text>
          <Text dimColor>
            {watching ? `  still trying every ${intervalSeconds} s` : '  run again, or `status --watch` to keep trying'}
            {lastReachable ? ` · last answered at ${formatClock(lastReachable.takenAt)}` : ''}
          </Text>
        </Box>
      )}
      <Services snapshot={snapshot} />
      <Tracker snapshot={snapshot} history={history} />
      <Backups snapshot={snapshot} />
      <Certificates snapshot={snapshot} />
    </Box>
  );
}

function Services({ snapshot }: { snapshot: StatusSnapshot }) {
  if (snapshot.services === undefined) {
    return (
      <Box flexDirection="column">
        <Text bold>Services</Text>
        <Text dimColor>  {snapshot.servicesError ?? 'unknown while the host does not answer'}</Text>
      </Box>
    );
  }
  const width = Math.max(8, ...snapshot.services.map((service) => service.name.length));
  return (
    <Box flexDirection="column">
      <Text bold>Services</Text>
      {snapshot.services.map((service) => (
        <Box key={service.name} flexDirection="column">
          <Text>
            {'  '}
            {serviceOk(service) ? <Text color="green">✓</Text> : <Text color="red">✗</Text>} {service.name.padEnd(width)} <ServiceState service={service} />
            {service.uptime ? <Text dimColor> · up {service.uptime}</Text> : null}
            {service.ports.length > 0 ? <Text dimColor> · {service.ports.join(' ')}</Text> : null}
          </Text>
          {service.urls.map((url) => (
            <Text key={url} dimColor>
              {'      '}
              {url}
            </Text>
          ))}
        </Box>
      ))}
    </Box>
  );
}

function ServiceState({ service }: { service: ServiceView }) {
  if (service.state !== 'running') {
    const detail = service.state === 'missing' ? 'no container' : `${service.state}${service.exitCode === undefined ? '' : ` (exit ${service.exitCode})`}`;
    return <Text color="red">{detail}</Text>;
  }
  if (service.health === 'healthy') return <Text color="green">running, healthy</Text>;
  if (service.health === 'unhealthy') return <Text color="red">running, unhealthy</Text>;
  if (service.health === 'starting') return <Text color="yellow">running, health starting</Text>;
  return <Text>running</Text>;
}

function Tracker({ snapshot, history }: { snapshot: StatusSnapshot; history: readonly StatusSnapshot[] }) {
  const { tracker } = snapshot;
  if (!tracker.ok) {
    return (
      <Box flexDirection="column" marginTop={1}>
        <Text bold>Tracker</Text>
        <Text color="yellow">  ⚠ stats unavailable: {tracker.error}</Text>
      </Box>
    );
  }
  const { numbers } = tracker;
  const rate = announceRate(history);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>
        <Text bold>Tracker</Text>
        <Text dimColor>{tracker.source === 'ssh-forward' ? ' (stats through SSH)' : ''}</Text>
      </Text>
      <Text>
        {'  '}torrents {numbers.torrents} · seeders {numbers.seeders} · leechers {numbers.leechers} · completed {numbers.completed}
      </Text>
      <Text>
        {'  '}announces/s {rate.perSecond === undefined ? <Text dimColor>measuring…</Text> : formatRate(rate.perSecond)}
        {rate.series.length > 0 ? <Text color="cyan"> {sparkline(rate.series)}</Text> : null}
        <Text dimColor> (last minute; {numbers.announces} since start)</Text>
      </Text>
    </Box>
  );
}

function Backups({ snapshot }: { snapshot: StatusSnapshot }) {
  const { backup } = snapshot;
  if (!backup) return null;
  const last =
    backup.last === undefined ? 'unknown while the host does not answer'
    : backup.last === null ? 'none yet'
    : `${formatUtc(backup.last.at.getTime())} (${formatDuration(snapshot.takenAt - backup.last.at.getTime())} ago, ${formatBytes(backup.last.sizeBytes)}, ${backup.last.path})`;
  const next = backup.next === undefined ? 'unknown until the host answers' : `${formatUtc(backup.next)} (in ${formatDuration(backup.next - snapshot.takenAt)})`;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>Backups <Text dimColor>({backup.schedule})</Text></Text>
      <Text>  last {last}</Text>
      <Text>  next {next}</Text>
      {backup.offsite ? <Offsite snapshot={snapshot} offsite={backup.offsite} /> : null}
    </Box>
  );
}

function Offsite({ snapshot, offsite }: { snapshot: StatusSnapshot; offsite: NonNullable<NonNullable<StatusSnapshot['backup']>['offsite']> }) {
  const last =
    offsite.last === undefined ? 'unknown while the host does not answer'
    : offsite.last === null ? 'none yet'
    : `${formatUtc(offsite.last.at.getTime())} (${formatDuration(snapshot.takenAt - offsite.last.at.getTime())} ago, backup ${offsite.last.id})`;
  return (
    <>
      <Text>  off-host {last}</Text>
      {offsite.failed ? <Text color="yellow">  ⚠ the off-host copy of backup {offsite.failed.id} failed at {formatUtc(offsite.failed.at.getTime())} (see /var/log/tracker-backup.log on the host)</Text> : null}
      {offsite.stale ? <Text color="yellow">  ⚠ the last off-host copy is older than two scheduled backups: copies are not reaching the repository</Text> : null}
    </>
  );
}

function Certificates({ snapshot }: { snapshot: StatusSnapshot }) {
  if (snapshot.certificates.length === 0) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>Certificates</Text>
      {snapshot.certificates.map((certificate) => {
        if (certificate.expiresAt === undefined) {
          return (
            <Text key={certificate.domain} color="yellow">
              {'  '}⚠ {certificate.domain}: {certificate.error ?? 'no expiry date'}
            </Text>
          );
        }
        const days = daysLeft(certificate.expiresAt, snapshot.takenAt);
        const color = days < 0 ? 'red' : days < 14 ? 'yellow' : 'green';
        return (
          <Text key={certificate.domain}>
            {'  '}
            {certificate.domain} <Text color={color}>{days < 0 ? `expired ${-days} days ago` : `expires in ${days} days`}</Text>
            <Text dimColor>
              {' '}
              ({formatUtc(certificate.expiresAt)}
              {certificate.issuer ? `, ${certificate.issuer}` : ''}
              {certificate.trusted === false ? ', not trusted here' : ''})
            </Text>
          </Text>
        );
      })}
    </Box>
  );
}
