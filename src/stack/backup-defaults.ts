/**
 * The one default schedule (03:00 daily) and retention: the schema's default, the starter
 * config, the wizard and the TOML template read them. Apart from the backup module so the
 * wizard's flags, which every command's --help lists, name them without building the schema.
 */
export const DEFAULT_BACKUP_SCHEDULE = '0 3 * * *';
export const DEFAULT_BACKUP_RETENTION_DAYS = 7;
