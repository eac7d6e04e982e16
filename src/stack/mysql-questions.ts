import type { DatabaseQuestions } from './types.js';
import { askedFor } from './database-questions.js';
/**
 * The wizard's questions about MySQL (the module's `wizard`), kept apart from its schema
 * so the questionnaire (and `--help`, which lists its flags) loads no config schema.
 */
export const mysqlQuestions: DatabaseQuestions = {
  questions: [
    {
      id: 'mysql_database', section: 'Database', type: 'text', flag: '--mysql-database <name>', keys: ['tracker.core.database.database_name'],
      text: 'MySQL database name',
      help: 'Created when the stack starts.',
      when: askedFor('mysql'),
      default: 'torrust_tracker',
      check: { database: 'mysql', key: 'database_name' },
    },
    {
      id: 'mysql_user', section: 'Database', type: 'text', flag: '--mysql-user <user>', keys: ['tracker.core.database.username'],
      text: 'MySQL user',
      help: 'The tracker connects as this user (not root).',
      when: askedFor('mysql'),
      default: 'tracker_user',
      check: { database: 'mysql', key: 'username' },
    },
    {
      id: 'mysql_password', section: 'Database', type: 'secret', flag: '--mysql-password <password>', keys: ['tracker.core.database.password'],
      text: 'MySQL password',
      help: 'Enter keeps the one generated for you; "${VAR}" reads it from the environment at deploy time.',
      when: askedFor('mysql'),
      default: (_answers, context) => context.generatedSecrets['mysql_password'],
      check: { database: 'mysql', key: 'password' },
    },
    {
      id: 'mysql_root_password', section: 'Database', type: 'secret', flag: '--mysql-root-password <password>', keys: ['tracker.core.database.root_password'],
      text: 'MySQL root password',
      help: 'Enter keeps the one generated for you.',
      when: askedFor('mysql'),
      default: (_answers, context) => context.generatedSecrets['mysql_root_password'],
      check: { database: 'mysql', key: 'password' },
    },
  ],
  fromAnswers: (_answers, text) => ({
    driver: 'mysql',
    host: 'mysql',
    port: 3306,
    database_name: text('mysql_database'),
    username: text('mysql_user'),
    password: text('mysql_password'),
    root_password: text('mysql_root_password'),
  }),
  generatedSecrets: ['mysql_password', 'mysql_root_password'],
};
