import { z } from 'zod';
import { nonEmpty, port } from '../config/schema-parts.js';
import { MYSQL_UID } from '../remote/steps/step.js';
import { mysqlQuestions } from './mysql-questions.js';
import { mysqlRestore } from './mysql-restore.js';
import { connectionUrl, describeServer, externalServerChecks, externalWarnings, placementOf } from './server-database.js';
import { TRACKER_DSN_VARIABLE } from './tracker.js';
import type { DatabaseModule, StackService } from './types.js';

const fromEnv = (...names: string[]) => names.map((name) => [name, `\${${name}}`] as const);

/** The MySQL container (tracker.core.database.driver = "mysql" with host = "mysql"); not published, reached on database_network. Any other host is an existing server. */
export const mysql: StackService<'mysql', never> = {
  name: 'mysql',
  title: 'MySQL',
  image: 'mysql:8.4',
  longRunning: true,
  deployed: (config) => config.tracker.core.database.driver === 'mysql' && config.tracker.core.database.host === 'mysql',
  compose: {
    order: 40,
    build: ({ config }) => ({
      name: 'mysql',
      comment: 'The tracker database (tracker.core.database.driver = "mysql"); not published',
      image: config.images.mysql,
      command: ['--mysql-native-password=ON'],
      ports: [],
      environment: fromEnv('MYSQL_ROOT_PASSWORD', 'MYSQL_DATABASE', 'MYSQL_USER', 'MYSQL_PASSWORD'),
      volumes: ['./storage/mysql/data:/var/lib/mysql'],
      networks: ['database_network'],
      dependsOn: [],
      healthcheck: { test: ['CMD-SHELL', 'mysqladmin ping -h localhost -u root -p"$$MYSQL_ROOT_PASSWORD" --silent'], interval: '10s', timeout: '5s', retries: 10, startPeriod: '30s' },
    }),
  },
  storage: () => [{ owner: MYSQL_UID, mode: '0750', paths: ['mysql', 'mysql/data'] }],
};

export const MysqlDatabase = z.strictObject({
  driver: z.literal('mysql'),
  host: nonEmpty('host').describe('MySQL host. "mysql" is the container the deployer runs.'),
  port: port('database port').describe('MySQL port.'),
  database_name: nonEmpty('database_name').describe('MySQL database name.'),
  username: nonEmpty('username')
    .refine((name) => name !== 'root', {
      message: 'MySQL username "root" is reserved for the administrator',
      params: { code: 'config.invalid_value', fix: 'choose another user name, for example "tracker_user"' },
    })
    .describe('MySQL user the tracker connects as (not root).'),
  password: nonEmpty('password').describe('Password of the MySQL user.'),
  root_password: nonEmpty('root_password')
    .optional()
    .describe('MySQL root password. Generated when left out.'),
});

/**
 * The MySQL root password when the config leaves it out: an HMAC of the tracker
 * user's password and the environment name. The same config always renders the
 * same password (render stays deterministic), it is as secret as the user password,
 * and two environments never share it. See docs/decisions/mysql-root-password.md.
 */
export function mysqlRootPassword(settings: z.output<typeof MysqlDatabase>, environmentName: string): string {
  if (settings.root_password !== undefined) return settings.root_password;
  // node:crypto taken when needed: this module is part of the config reader's chunk, which validate loads.
  return process
    .getBuiltinModule('node:crypto')
    .createHmac('sha256', settings.password)
    .update(`torrust-tracker-deployer/mysql-root-password/${environmentName}`)
    .digest('base64url')
    .slice(0, 32);
}

export const mysqlDatabase: DatabaseModule<typeof MysqlDatabase> = {
  driver: 'mysql',
  schema: MysqlDatabase,
  title: 'MySQL',
  dump: { kind: 'mysql', extension: 'sql.gz' },
  service: mysql,
  passwordVariable: 'MYSQL_PASSWORD',
  configComments: { host: '"mysql": the container the deployer runs; else an existing server.' },
  placement: (settings) => placementOf(settings, mysql.name),
  runChecks: (settings) => externalServerChecks('MySQL', settings, mysql.name),
  describe: (settings) => describeServer('MySQL', settings, mysql.name),
  warnings: (settings) => externalWarnings('MySQL', settings, mysql.name),
  // An external server needs only the tracker's URL and the password the backup job connects with.
  envVariables: (settings, config) => placementOf(settings, mysql.name) === 'external' ? [
    { name: TRACKER_DSN_VARIABLE, value: connectionUrl('mysql', settings), comment: 'tracker.core.database (host, port, username, password, database_name)' },
    { name: 'MYSQL_PASSWORD', value: settings.password, comment: 'tracker.core.database.password' },
  ] : [
    { name: TRACKER_DSN_VARIABLE, value: connectionUrl('mysql', settings), comment: 'tracker.core.database (host, port, username, password, database_name)' },
    {
      name: 'MYSQL_ROOT_PASSWORD',
      value: mysqlRootPassword(settings, config.environment.name),
      comment: settings.root_password === undefined ? 'derived from tracker.core.database.password (docs/decisions/mysql-root-password.md)' : 'tracker.core.database.root_password',
    },
    { name: 'MYSQL_DATABASE', value: settings.database_name, comment: 'tracker.core.database.database_name' },
    { name: 'MYSQL_USER', value: settings.username, comment: 'tracker.core.database.username' },
    { name: 'MYSQL_PASSWORD', value: settings.password, comment: 'tracker.core.database.password' },
  ],
  backupConf: (settings) => [
    ['DB_TYPE', 'mysql'],
    ['DB_HOST', settings.host],
    ['DB_PORT', String(settings.port)],
    ['DB_USER', settings.username],
    ['DB_NAME', settings.database_name],
  ],
  dumpTemplate: 'dump-mysql.sh',
  restore: mysqlRestore,
  wizard: mysqlQuestions,
};
