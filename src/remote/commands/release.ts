import type { EnvironmentConfig } from '../../config/schema.js';
import { topologyOf } from '../../domain/topology.js';
import { shellQuote } from '../../render/quote.js';
import { DEPLOY_DIR, GRAFANA_UID, MYSQL_UID, TRACKER_UID, type HostStep } from './step.js';

/** A rendered file and where it goes on the host. */
export interface HostFile {
  /** Path relative to the render output (or the upload staging directory). */
  readonly source: string;
  /** Absolute path on the host. */
  readonly target: string;
  readonly mode: number;
  /** user:group (names or ids). */
  readonly owner: string;
}

export const BACKUP_CRON_PATH = '/etc/cron.d/tracker-backup';
export const BACKUP_LOG_PATH = '/var/log/tracker-backup.log';
export const SQLITE_DIR = `${DEPLOY_DIR}/storage/tracker/lib/database`;

/**
 * `release`: storage directories owned by the containers that write them, the
 * rendered files installed with their modes, the SQLite file when SQLite is the
 * database, and the backup cron installed or removed as the config says.
 * `sourceDir` is a shell word naming where the rendered files are on the host.
 */
export function releaseSteps(config: EnvironmentConfig, files: readonly HostFile[], sourceDir: string): HostStep[] {
  const { beforeFiles, afterFiles } = releaseStepsAroundFiles(config);
  return [...beforeFiles, installFiles(files, sourceDir), ...afterFiles];
}

/**
 * The release steps other than putting the files in place, split where the files
 * go: release.sh installs them from a staging directory, the pipeline uploads them.
 */
export function releaseStepsAroundFiles(config: EnvironmentConfig): { beforeFiles: HostStep[]; afterFiles: HostStep[] } {
  const afterFiles: HostStep[] = [];
  const database = config.tracker.core.database;
  if (database.driver === 'sqlite3') afterFiles.push(initSqliteDatabase(database.database_name));
  afterFiles.push(config.backup ? backupLog() : removeBackupCron());
  return { beforeFiles: [storageDirectories(config)], afterFiles };
}

export function storageDirectories(config: EnvironmentConfig): HostStep {
  const user = shellQuote(config.ssh_credentials.username);
  const services = topologyOf(config).services;
  const storage = `${DEPLOY_DIR}/storage`;
  const make = (owner: string, mode: string, paths: string[]) => `install -d -m ${mode} -o ${owner} -g ${owner} ${paths.join(' ')}`;
  const commands = [
    make(user, '0755', [DEPLOY_DIR, storage]),
    make(String(TRACKER_UID), '0755', [`${storage}/tracker`, `${storage}/tracker/etc`, `${storage}/tracker/lib`, SQLITE_DIR, `${storage}/tracker/log`]),
  ];
  if (services.includes('mysql')) commands.push(make(String(MYSQL_UID), '0750', [`${storage}/mysql`, `${storage}/mysql/data`]));
  if (services.includes('prometheus')) commands.push(make(user, '0755', [`${storage}/prometheus`, `${storage}/prometheus/etc`]));
  if (services.includes('grafana')) {
    commands.push(make(GRAFANA_UID.toString(), '0755', [`${storage}/grafana`, `${storage}/grafana/data`]));
    commands.push(make(user, '0755', [`${storage}/grafana/provisioning`, `${storage}/grafana/provisioning/datasources`, `${storage}/grafana/provisioning/dashboards`, `${storage}/grafana/provisioning/dashboards/torrust`]));
  }
  if (services.includes('caddy')) commands.push(make(user, '0755', [`${storage}/caddy`, `${storage}/caddy/etc`, `${storage}/caddy/data`, `${storage}/caddy/config`]));
  if (services.includes('backup')) commands.push(make('root', '0750', [`${storage}/backup`]), make(user, '0755', [`${storage}/backup/etc`]));
  return { id: 'storage-directories', title: 'Create the storage directories', commands };
}

export function installFiles(files: readonly HostFile[], sourceDir: string): HostStep {
  return {
    id: 'install-files',
    title: 'Install the configuration files',
    commands: files.map((file) => {
      const [user = 'root', group = user] = file.owner.split(':');
      const mode = file.mode.toString(8).padStart(4, '0');
      return `install -D -m ${mode} -o ${shellQuote(user)} -g ${shellQuote(group)} ${sourceDir}/${shellQuote(file.source)} ${shellQuote(file.target)}`;
    }),
  };
}

/** The tracker opens an existing SQLite file; only SQLite gets one, named as the config says. */
export function initSqliteDatabase(databaseName: string): HostStep {
  const path = shellQuote(`${SQLITE_DIR}/${databaseName}`);
  return {
    id: 'init-database',
    title: `Create the SQLite database file ${databaseName}`,
    doneWhen: `test -e ${path}`,
    commands: [`install -m 0644 -o ${TRACKER_UID} -g ${TRACKER_UID} /dev/null ${path}`],
  };
}

export function backupLog(): HostStep {
  return {
    id: 'backup-log',
    title: 'Create the backup log',
    doneWhen: `test -e ${BACKUP_LOG_PATH}`,
    commands: [`install -m 0640 -o root -g adm /dev/null ${BACKUP_LOG_PATH}`],
  };
}

export function removeBackupCron(): HostStep {
  return {
    id: 'remove-backup-cron',
    title: 'Remove the backup schedule (backups are off)',
    doneWhen: `test ! -e ${BACKUP_CRON_PATH}`,
    commands: [`rm -f ${BACKUP_CRON_PATH}`],
  };
}
