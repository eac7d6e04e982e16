import { mysqlQuestions } from './mysql-questions.js';
import { postgresqlQuestions } from './postgresql-questions.js';
import { sqliteQuestions } from './sqlite-questions.js';
import type { DatabaseQuestions } from './types.js';

/**
 * The databases as the questionnaire offers them, in DATABASES' order (a test holds
 * the two lists together): the light half of each module, so the wizard's data and
 * `--help` load no config schema.
 */
export const DATABASE_CHOICES: readonly { readonly driver: string; readonly title: string; readonly wizard: DatabaseQuestions }[] = [
  { driver: 'sqlite3', title: 'SQLite', wizard: sqliteQuestions },
  { driver: 'mysql', title: 'MySQL', wizard: mysqlQuestions },
  { driver: 'postgresql', title: 'PostgreSQL', wizard: postgresqlQuestions },
];
