import type { DatabaseQuestions } from './types.js';
import { askedFor } from './database-questions.js';
const SERVICE = 'postgresql';
export const POSTGRESQL_PORT = 5432;

/**
 * The wizard's questions about PostgreSQL (the module's `wizard`), kept apart from its schema
 * so the questionnaire (and `--help`, which lists its flags) loads no config schema.
 */
export const postgresqlQuestions: DatabaseQuestions = {
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
      check: { database: 'postgresql', key: 'host' },
      rule: (value) => (value === SERVICE ? `"${SERVICE}" is the container the deployer runs; choose it as where PostgreSQL runs instead` : undefined),
    },
    {
      id: 'postgresql_port', section: 'Database', type: 'number', flag: '--postgresql-port <port>', keys: ['tracker.core.database.port'],
      text: 'PostgreSQL server port',
      help: 'The port the server listens on.',
      when: (answers) => askedFor('postgresql')(answers) && answers['postgresql_server'] === 'external',
      default: POSTGRESQL_PORT,
      check: { database: 'postgresql', key: 'port' },
    },
    {
      id: 'postgresql_database', section: 'Database', type: 'text', flag: '--postgresql-database <name>', keys: ['tracker.core.database.database_name'],
      text: 'PostgreSQL database name',
      help: 'The container creates it on its first start; on an existing server it must exist.',
      when: askedFor('postgresql'),
      default: 'torrust_tracker',
      check: { database: 'postgresql', key: 'database_name' },
    },
    {
      id: 'postgresql_user', section: 'Database', type: 'text', flag: '--postgresql-user <user>', keys: ['tracker.core.database.username'],
      text: 'PostgreSQL user',
      help: 'The tracker and the backup job connect as this user.',
      when: askedFor('postgresql'),
      default: 'tracker_user',
      check: { database: 'postgresql', key: 'username' },
    },
    {
      id: 'postgresql_password', section: 'Database', type: 'secret', flag: '--postgresql-password <password>', keys: ['tracker.core.database.password'],
      text: 'PostgreSQL password',
      help: 'Enter keeps the one generated for you; "${VAR}" reads it from the environment at deploy time.',
      when: askedFor('postgresql'),
      default: (_answers, context) => context.generatedSecrets['postgresql_password'],
      check: { database: 'postgresql', key: 'password' },
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
};
