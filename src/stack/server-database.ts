import { shellQuote } from '../render/quote.js';
import { DIAGNOSIS_MARKER, type HostStep } from '../remote/steps/step.js';
import type { DatabasePlacement, DatabaseWarning } from './types.js';

/** The settings every server database (MySQL, PostgreSQL) has in tracker.core.database. */
export interface ServerSettings {
  readonly host: string;
  readonly port: number;
  readonly database_name: string;
  readonly username: string;
  readonly password: string;
}

/**
 * The rule for server databases: a host equal to the managed service's name
 * ("mysql", "postgresql") means the deployer runs that database in the stack;
 * any other host is an existing server the tracker connects to.
 */
export function placementOf(settings: Pick<ServerSettings, 'host'>, serviceName: string): DatabasePlacement {
  return settings.host === serviceName ? 'managed' : 'external';
}

/** validate's Database row for a server database. */
export function describeServer(title: string, settings: ServerSettings, serviceName: string): string {
  const where = placementOf(settings, serviceName) === 'managed' ? `the "${serviceName}" container the deployer runs` : `an existing server (external; no ${title} container)`;
  return `${title} (database ${settings.database_name} on ${settings.host}:${settings.port}, ${where}, user ${settings.username})`;
}

/** An external server is legal; the warning says what it means, so a typo in host does not pass unnoticed. */
export function externalWarnings(title: string, settings: ServerSettings, serviceName: string): DatabaseWarning[] {
  if (placementOf(settings, serviceName) === 'managed') return [];
  return [{
    path: ['host'],
    code: 'config.external_database',
    message: `${title} host "${settings.host}" is not the "${serviceName}" container the deployer runs: the tracker and the backups connect to an existing server at ${settings.host}:${settings.port}, and no ${title} container is deployed`,
    fix: `set host = "${serviceName}" to have the deployer run ${title}, or keep it if the server exists and the instance can reach it`,
  }];
}

/**
 * The tracker's connection URL: user and password percent-encoded (a password
 * with @ / : % stays one password), the host as written (an IPv6 address in brackets).
 */
export function connectionUrl(scheme: string, settings: ServerSettings): string {
  const host = settings.host.includes(':') && !settings.host.startsWith('[') ? `[${settings.host}]` : settings.host;
  return `${scheme}://${encodeURIComponent(settings.username)}:${encodeURIComponent(settings.password)}@${host}:${settings.port}/${encodeURIComponent(settings.database_name)}`;
}

/**
 * For an external server, before the stack starts: the instance opens a TCP
 * connection to host:port (bash's /dev/tcp, 10 s), so an unreachable server is
 * an error naming them rather than a tracker that never becomes healthy.
 */
export function externalServerChecks(title: string, settings: ServerSettings, serviceName: string): HostStep[] {
  if (placementOf(settings, serviceName) === 'managed') return [];
  const where = `${settings.host}:${settings.port}`;
  const diagnosis = `${DIAGNOSIS_MARKER} the ${title} server at ${where} (tracker.core.database.host and port) does not answer from the instance: connection refused or timed out. Check that it runs and listens on that address, and that its firewall lets this instance in.`;
  return [{
    id: 'check-database',
    title: `Check that the ${title} server at ${where} answers`,
    commands: [`timeout 10 bash -c ${shellQuote(`exec 3<>${shellQuote(`/dev/tcp/${settings.host}/${settings.port}`)}`)} 2>/dev/null || { echo ${shellQuote(diagnosis)} >&2; exit 1; }`],
  }];
}
