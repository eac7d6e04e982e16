import type { EnvironmentConfig } from '../config/schema.js';
import type { HostStep } from '../remote/steps/step.js';
import { mysqlDatabase } from './mysql.js';
import { postgresqlDatabase } from './postgresql.js';
import { sqliteDatabase } from './sqlite.js';
import type { DatabaseModule } from './types.js';

/** The tracker's databases (tracker.core.database.driver), in the order errors, the JSON Schema and the wizard list them. */
export const DATABASES = [sqliteDatabase, mysqlDatabase, postgresqlDatabase] as const;

export function databaseModule(driver: string): DatabaseModule {
  const found = DATABASES.find((database) => database.driver === driver);
  if (found === undefined) throw new Error(`no database module for driver "${driver}"`);
  return found as DatabaseModule;
}

/** The config's database: its module and its settings (tracker.core.database). */
export function databaseOf(config: EnvironmentConfig): { module: DatabaseModule; settings: EnvironmentConfig['tracker']['core']['database'] } {
  const settings = config.tracker.core.database;
  return { module: databaseModule(settings.driver), settings };
}

/** Run's checks of the config's database before the stack starts. */
export function databaseRunChecks(config: EnvironmentConfig): HostStep[] {
  const { module, settings } = databaseOf(config);
  return module.runChecks?.(settings) ?? [];
}
