import { z } from 'zod';
import type { EnvironmentConfig } from '../config/schema.js';
import { shellQuote } from '../shell/quote.js';
import { DEPLOY_DIR, TRACKER_UID, type HostStep } from '../remote/steps/step.js';
import { TRACKER_DATABASE_DIR } from './tracker.js';
import type { DatabaseModule } from './types.js';

/** Where the SQLite file lives on the host. */
export const SQLITE_DIR = `${DEPLOY_DIR}/storage/${TRACKER_DATABASE_DIR}`;

export const SqliteDatabase = z.strictObject({
  driver: z.literal('sqlite3'),
  database_name: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'database_name must be a file name (letters, digits, ".", "_", "-"), not a path')
    .describe('SQLite file name under the tracker storage.'),
});

/**
 * SQLite as the tracker's storage: a file under the tracker's storage, not a
 * service of the stack. What it adds is the empty file release creates (the
 * tracker opens an existing file only) and its dump in the backups.
 */
export const sqliteDatabase: DatabaseModule<typeof SqliteDatabase> = {
  driver: 'sqlite3',
  schema: SqliteDatabase,
  title: 'SQLite',
  dump: { kind: 'sqlite', extension: 'db.gz' },
  releaseSteps(config: EnvironmentConfig) {
    const database = config.tracker.core.database;
    return database.driver === 'sqlite3' ? [initSqliteDatabase(database.database_name)] : [];
  },
};

/** The tracker opens an existing SQLite file; only SQLite gets one, named as the config says. */
export function initSqliteDatabase(databaseName: string): HostStep {
  const path = shellQuote(`${SQLITE_DIR}/${databaseName}`);
  return {
    id: 'init-database',
    title: `Create the SQLite database file ${databaseName}`,
    doneWhen: `test -e ${path}`,
    commands: [`install -m 0644 -o ${TRACKER_UID} -g ${TRACKER_UID} /dev/null ${path}`],
  };
}
