import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { TEMPLATES_DIR } from '../paths.js';
import { databaseOf } from '../stack/databases.js';
import { DEFAULT_BACKUP_RETENTION_DAYS, DEFAULT_BACKUP_SCHEDULE } from '../stack/backup.js';
import { DEFAULT_IMAGES, type EnvironmentConfig } from './schema.js';

/** A TOML value literal. Strings use basic-string escapes, which JSON's match except for DEL. */
export function tomlLiteral(value: string | number | boolean): string {
  if (typeof value === 'string') return JSON.stringify(value).replace(/\u007f/g, '\\u007F');
  return String(value);
}

export interface TomlWriteOptions {
  /** The file path shown in the header's commands. */
  readonly filePath: string;
  /** Where editors find the JSON Schema, relative to the file. */
  readonly schemaPath: string;
}

/** The commented TOML environment file the template command and the wizard write. */
export function environmentToml(config: EnvironmentConfig, options: TomlWriteOptions): string {
  const template = readFileSync(join(TEMPLATES_DIR, 'environment', 'environment.toml.ejs'), 'utf8');
  const text = ejs.render(template, { c: config, t: tomlLiteral, database: { comments: databaseOf(config).module.configComments }, defaultImages: DEFAULT_IMAGES, defaultBackup: { schedule: DEFAULT_BACKUP_SCHEDULE, retention_days: DEFAULT_BACKUP_RETENTION_DAYS }, ...options });
  return text.endsWith('\n') ? text : `${text}\n`;
}
