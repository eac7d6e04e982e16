import { z } from 'zod';
import { nonEmpty, port } from '../config/schema-parts.js';
import { postgresqlQuestions } from './postgresql-questions.js';
import { postgresqlRestore } from './postgresql-restore.js';
import { connectionUrl, describeServer, externalServerChecks, externalWarnings, placementOf } from './server-database.js';
import { TRACKER_DSN_VARIABLE } from './tracker.js';
import type { DatabaseModule, StackService } from './types.js';

/** The postgres user of the official image (and of the lab's Debian-built one): it owns the data directory. */
export const POSTGRES_UID = 999;

const SERVICE = 'postgresql';
const fromEnv = (...names: string[]) => names.map((name) => [name, `\${${name}}`] as const);

/**
 * The PostgreSQL container (tracker.core.database.driver = "postgresql" with
 * host = "postgresql"); not published, reached on database_network. Any other
 * host is an existing server: nothing of this service is deployed.
 */
export const postgresql: StackService<'postgresql', never> = {
  name: SERVICE,
  title: 'PostgreSQL',
  image: 'postgres:17',
  longRunning: true,
  deployed: (config) => config.tracker.core.database.driver === 'postgresql' && config.tracker.core.database.host === SERVICE,
  compose: {
    order: 41,
    build: ({ config }) => ({
      name: SERVICE,
      comment: 'The tracker database (tracker.core.database.driver = "postgresql", host = "postgresql"); not published',
      image: config.images.postgresql,
      ports: [],
      environment: fromEnv('POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB'),
      volumes: ['./storage/postgresql/data:/var/lib/postgresql/data'],
      networks: ['database_network'],
      dependsOn: [],
      healthcheck: { test: ['CMD-SHELL', 'pg_isready -q -h 127.0.0.1 -U "$${POSTGRES_USER}" -d "$${POSTGRES_DB}"'], interval: '10s', timeout: '5s', retries: 10, startPeriod: '30s' },
    }),
  },
  storage: () => [{ owner: POSTGRES_UID, mode: '0750', paths: ['postgresql', 'postgresql/data'] }],
};

export const PostgresqlDatabase = z.strictObject({
  driver: z.literal('postgresql'),
  host: nonEmpty('host').describe('PostgreSQL host. "postgresql" is the container the deployer runs; any other host is an existing server the tracker connects to.'),
  port: port('database port').describe('PostgreSQL port (5432 for the container).'),
  database_name: nonEmpty('database_name').describe('PostgreSQL database name.'),
  username: nonEmpty('username').describe('PostgreSQL user the tracker (and the backup job) connects as.'),
  password: nonEmpty('password').describe('Password of the PostgreSQL user. Use ${VAR} to keep it out of the file.'),
});

type Settings = z.output<typeof PostgresqlDatabase>;
const managed = (settings: Settings) => placementOf(settings, SERVICE) === 'managed';

export const postgresqlDatabase: DatabaseModule<typeof PostgresqlDatabase> = {
  driver: 'postgresql',
  schema: PostgresqlDatabase,
  title: 'PostgreSQL',
  dump: { kind: 'postgresql', extension: 'dump' },
  service: postgresql,
  passwordVariable: 'POSTGRES_PASSWORD',
  configComments: { host: '"postgresql": the container the deployer runs; else an existing server.' },
  placement: (settings) => placementOf(settings, SERVICE),
  runChecks: (settings) => externalServerChecks('PostgreSQL', settings, SERVICE),
  describe: (settings) => describeServer('PostgreSQL', settings, SERVICE),
  warnings: (settings, probes) => [
    ...externalWarnings('PostgreSQL', settings, SERVICE),
    ...(probes.fromEnvironment(['password']) ? [] : [{
      path: ['password'],
      code: 'config.secret_in_file' as const,
      message: 'the PostgreSQL password is written in the config file',
      fix: 'write password = "${TTD_POSTGRESQL_PASSWORD}" and put TTD_POSTGRESQL_PASSWORD=\'<password>\' in the .secrets file beside the config (mode 0600; or export it where ttd runs), so the config holds no secret',
    }]),
  ],
  envVariables: (settings) => [
    { name: TRACKER_DSN_VARIABLE, value: connectionUrl('postgresql', settings), comment: 'tracker.core.database (host, port, username, password, database_name)' },
    ...(managed(settings) ? [
      { name: 'POSTGRES_USER', value: settings.username, comment: 'tracker.core.database.username' },
      { name: 'POSTGRES_DB', value: settings.database_name, comment: 'tracker.core.database.database_name' },
    ] : []),
    { name: 'POSTGRES_PASSWORD', value: settings.password, comment: 'tracker.core.database.password' },
  ],
  backupConf: (settings) => [
    ['DB_TYPE', 'postgresql'],
    ['DB_HOST', settings.host],
    ['DB_PORT', String(settings.port)],
    ['DB_USER', settings.username],
    ['DB_NAME', settings.database_name],
  ],
  dumpTemplate: 'dump-postgresql.sh',
  restore: postgresqlRestore,
  wizard: postgresqlQuestions,
};
