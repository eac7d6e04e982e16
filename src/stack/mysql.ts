import { z } from 'zod';
import { nonEmpty, port } from '../config/schema-parts.js';
import { MYSQL_UID } from '../remote/steps/step.js';
import type { DatabaseModule, StackService } from './types.js';

const fromEnv = (...names: string[]) => names.map((name) => [name, `\${${name}}`] as const);

/** The MySQL container (tracker.core.database.driver = "mysql"); not published, reached on database_network. */
export const mysql: StackService<'mysql', never> = {
  name: 'mysql',
  title: 'MySQL',
  image: 'mysql:8.4',
  longRunning: true,
  deployed: (config) => config.tracker.core.database.driver === 'mysql',
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

export const mysqlDatabase: DatabaseModule<typeof MysqlDatabase> = {
  driver: 'mysql',
  schema: MysqlDatabase,
  title: 'MySQL',
  dump: { kind: 'mysql', extension: 'sql.gz' },
  service: mysql,
  passwordVariable: 'MYSQL_PASSWORD',
};
