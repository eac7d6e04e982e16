import { z } from 'zod';
import { cronScheduleProblem } from '../config/cron.js';
import { validated } from '../config/schema-parts.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { APT_INSTALL, APT_UPDATE, type HostStep } from '../remote/steps/step.js';
import { BackupRemoteSection } from './backup-remote.js';
import { databaseModule } from './databases.js';
import type { StackService } from './types.js';
import { DEFAULT_BACKUP_RETENTION_DAYS, DEFAULT_BACKUP_SCHEDULE } from './backup-defaults.js';

export const BACKUP_CRON_PATH = '/etc/cron.d/tracker-backup';
export const BACKUP_LOG_PATH = '/var/log/tracker-backup.log';

export const BackupSection = z.strictObject({
  schedule: validated(cronScheduleProblem, 'backup schedule', `write 5 cron fields, for example "${DEFAULT_BACKUP_SCHEDULE}" (03:00 daily), or @daily`)
    .default(DEFAULT_BACKUP_SCHEDULE)
    .describe('When backups run, as a cron schedule on the host.'),
  retention_days: z.number().int().min(1, 'retention_days must be at least 1').default(DEFAULT_BACKUP_RETENTION_DAYS).describe('Days to keep backups.'),
  remote: BackupRemoteSection.optional(),
});

/** The one-shot backup job the host cron starts (profile "backup"); never runs with `up`. */
const section = { key: 'backup', schema: BackupSection, description: 'Scheduled backups of the database and config. Present = enabled.' } as const;

export const backup: StackService<'backup', typeof section> = {
  name: 'backup',
  section,
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
  configureSteps: (config: EnvironmentConfig) => (config.backup?.remote ? [installRestic()] : []),
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

/** restic from the distribution (Debian and Ubuntu package it): copies backups off the host ([backup.remote]). See docs/decisions/offsite-backups-restic.md. */
function installRestic(): HostStep {
  return {
    id: 'install-restic',
    title: 'Install restic (off-host backups)',
    doneWhen: 'command -v restic >/dev/null 2>&1 && command -v ssh >/dev/null 2>&1',
    commands: [APT_UPDATE, `${APT_INSTALL} restic openssh-client ca-certificates`, 'restic version'],
  };
}
