import { MYSQL_UID } from '../remote/commands/step.js';
import type { DatabaseModule, StackService } from './types.js';

const fromEnv = (...names: string[]) => names.map((name) => [name, `\${${name}}`] as const);

/** The MySQL container (tracker.core.database.driver = "mysql"); not published, reached on database_network. */
export const mysql: StackService<'mysql'> = {
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

export const mysqlDatabase: DatabaseModule = {
  driver: 'mysql',
  title: 'MySQL',
  dump: { kind: 'mysql', extension: 'sql.gz' },
  service: mysql,
  passwordVariable: 'MYSQL_PASSWORD',
};
