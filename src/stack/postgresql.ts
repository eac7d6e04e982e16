import { z } from 'zod';
import { nonEmpty, port } from '../config/schema-parts.js';
import { askedFor } from './database-questions.js';
import { postgresqlRestore } from './postgresql-restore.js';
import { connectionUrl, describeServer, externalServerChecks, externalWarnings, placementOf } from './server-database.js';
import { TRACKER_DSN_VARIABLE } from './tracker.js';
import type { DatabaseModule, StackService } from './types.js';

/** The postgres user of the official image (and of the lab's Debian-built one): it owns the data directory. */
export const POSTGRES_UID = 999;
export const POSTGRESQL_PORT = 5432;

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
      fix: 'write password = "${TRACKER_DB_PASSWORD}" and export TRACKER_DB_PASSWORD=<password> where ttd runs, so the file holds no secret',
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
  wizard: {
    questions: [
      {
        id: 'postgresql_server', section: 'Database', type: 'choice', flag: '--postgresql-server <where>', keys: ['tracker.core.database.host'],
        text: 'Where does PostgreSQL run?',
        help: 'The deployer can run it in its own container next to the tracker, or the tracker can use a PostgreSQL server you already have.',
        choices: [
          { value: 'managed', label: 'In a container the deployer runs' },
          { value: 'external', label: 'An existing server' },
        ],
        when: askedFor('postgresql'),
        default: 'managed',
      },
      {
        id: 'postgresql_host', section: 'Database', type: 'text', flag: '--postgresql-host <host>', keys: ['tracker.core.database.host'],
        text: 'PostgreSQL server host',
        help: 'Name or address the instance reaches the server at.',
        when: (answers) => askedFor('postgresql')(answers) && answers['postgresql_server'] === 'external',
        check: { schema: PostgresqlDatabase.shape.host },
        rule: (value) => (value === SERVICE ? `"${SERVICE}" is the container the deployer runs; choose it as where PostgreSQL runs instead` : undefined),
      },
      {
        id: 'postgresql_port', section: 'Database', type: 'number', flag: '--postgresql-port <port>', keys: ['tracker.core.database.port'],
        text: 'PostgreSQL server port',
        help: 'The port the server listens on.',
        when: (answers) => askedFor('postgresql')(answers) && answers['postgresql_server'] === 'external',
        default: POSTGRESQL_PORT,
        check: { schema: PostgresqlDatabase.shape.port },
      },
      {
        id: 'postgresql_database', section: 'Database', type: 'text', flag: '--postgresql-database <name>', keys: ['tracker.core.database.database_name'],
        text: 'PostgreSQL database name',
        help: 'The container creates it on its first start; on an existing server it must exist.',
        when: askedFor('postgresql'),
        default: 'torrust_tracker',
        check: { schema: PostgresqlDatabase.shape.database_name },
      },
      {
        id: 'postgresql_user', section: 'Database', type: 'text', flag: '--postgresql-user <user>', keys: ['tracker.core.database.username'],
        text: 'PostgreSQL user',
        help: 'The tracker and the backup job connect as this user.',
        when: askedFor('postgresql'),
        default: 'tracker_user',
        check: { schema: PostgresqlDatabase.shape.username },
      },
      {
        id: 'postgresql_password', section: 'Database', type: 'secret', flag: '--postgresql-password <password>', keys: ['tracker.core.database.password'],
        text: 'PostgreSQL password',
        help: 'Enter keeps the one generated for you; "${VAR}" reads it from the environment at deploy time.',
        when: askedFor('postgresql'),
        default: (_answers, context) => context.generatedSecrets['postgresql_password'],
        check: { schema: PostgresqlDatabase.shape.password },
      },
    ],
    fromAnswers: (answers, text) => {
      const external = answers['postgresql_server'] === 'external';
      return {
        driver: 'postgresql',
        host: external ? text('postgresql_host') : SERVICE,
        port: external ? Number(answers['postgresql_port']) : POSTGRESQL_PORT,
        database_name: text('postgresql_database'),
        username: text('postgresql_user'),
        password: text('postgresql_password'),
      };
    },
    generatedSecrets: ['postgresql_password'],
  },
};
