import type { DatabaseQuestions } from './types.js';
import { askedFor } from './database-questions.js';
/**
 * The wizard's questions about SQLite (the module's `wizard`), kept apart from its schema
 * so the questionnaire (and `--help`, which lists its flags) loads no config schema.
 */
export const sqliteQuestions: DatabaseQuestions = {
  questions: [
    {
      id: 'sqlite_file', section: 'Database', type: 'text', flag: '--sqlite-file <name>', keys: ['tracker.core.database.database_name'],
      text: 'SQLite file name',
      help: 'Kept in the tracker storage on the host.',
      when: askedFor('sqlite3'),
      default: 'tracker.db',
      check: { database: 'sqlite3', key: 'database_name' },
    },
  ],
  fromAnswers: (_answers, text) => ({ driver: 'sqlite3', database_name: text('sqlite_file') }),
};
