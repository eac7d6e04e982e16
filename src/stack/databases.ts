import { mysqlDatabase } from './mysql.js';
import { sqliteDatabase } from './sqlite.js';
import type { DatabaseModule } from './types.js';

/** The tracker's databases (tracker.core.database.driver), in the order errors and the JSON Schema list them. */
export const DATABASES = [sqliteDatabase, mysqlDatabase] as const;

export function databaseModule(driver: string): DatabaseModule {
  const found = DATABASES.find((database) => database.driver === driver);
  if (found === undefined) throw new Error(`no database module for driver "${driver}"`);
  return found;
}
