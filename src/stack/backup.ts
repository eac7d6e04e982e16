import type { EnvironmentConfig } from '../config/schema.js';
import type { HostStep } from '../remote/commands/step.js';
import { databaseModule } from './databases.js';
import type { StackService } from './types.js';

/** The one default schedule (03:00 daily): the schema's default, the starter config, the wizard and the TOML template read it. */
export const DEFAULT_BACKUP_SCHEDULE = '0 3 * * *';
export const DEFAULT_BACKUP_RETENTION_DAYS = 7;

export const BACKUP_CRON_PATH = '/etc/cron.d/tracker-backup';
export const BACKUP_LOG_PATH = '/var/log/tracker-backup.log';

/** The one-shot backup job the host cron starts (profile "backup"); never runs with `up`. */
export const backup: StackService<'backup'> = {
  name: 'backup',
  title: 'Backup',
  image: 'torrust/tracker-backup:latest',
  longRunning: false,
  deployed: (config) => config.backup !== undefined,
  compose: {
    order: 50,
    build: ({ config, databaseService }) => {
      const passwordVariable = databaseModule(config.tracker.core.database.driver).passwordVariable;
      return {
        name: 'backup',
        comment: 'One-shot backup job, started by the host cron (backup); never runs with `up`',
        image: config.images.backup,
        restartNever: true,
        profiles: ['backup'],
        command: ['bash', '/etc/backup/backup.sh'],
        ports: [],
        environment: passwordVariable === undefined ? [] : [['DB_PASSWORD', `\${${passwordVariable}}`]],
        volumes: ['./storage/backup/etc:/etc/backup:ro', './storage:/data/storage:ro', './storage/backup:/backups'],
        networks: databaseService === undefined ? [] : ['database_network'],
        dependsOn: databaseService === undefined ? [] : [[databaseService, 'service_healthy']],
      };
    },
  },
  storage: () => [
    { owner: 'root', mode: '0750', paths: ['backup'] },
    { owner: 'deploy-user', mode: '0755', paths: ['backup/etc'] },
  ],
  releaseSteps: (config: EnvironmentConfig) => [config.backup ? backupLog() : removeBackupCron()],
  backupPaths: () => ['/data/storage/backup/etc/backup.conf'],
};

function backupLog(): HostStep {
  return {
    id: 'backup-log',
    title: 'Create the backup log',
    doneWhen: `test -e ${BACKUP_LOG_PATH}`,
    commands: [`install -m 0640 -o root -g adm /dev/null ${BACKUP_LOG_PATH}`],
  };
}

function removeBackupCron(): HostStep {
  return {
    id: 'remove-backup-cron',
    title: 'Remove the backup schedule (backups are off)',
    doneWhen: `test ! -e ${BACKUP_CRON_PATH}`,
    commands: [`rm -f ${BACKUP_CRON_PATH}`],
  };
}
