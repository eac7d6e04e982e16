import { mysqlDatabase } from './mysql.js';
import { sqliteDatabase } from './sqlite.js';
import type { DatabaseModule } from './types.js';

/** The tracker's databases (tracker.core.database.driver), in the order the wizard offers them. */
export const DATABASES: readonly DatabaseModule[] = [sqliteDatabase, mysqlDatabase];

export function databaseModule(driver: string): DatabaseModule {
  const found = DATABASES.find((database) => database.driver === driver);
  if (found === undefined) throw new Error(`no database module for driver "${driver}"`);
  return found;
}
