import { shellQuote } from '../render/quote.js';
import { DEPLOY_DIR } from '../remote/steps/step.js';

/** Shell pieces the databases' restore commands share. */

/** Prints the message on stderr and fails the command. */
export const fail = (message: string): string => `{ echo ${shellQuote(message)} >&2; exit 1; }`;

/** docker compose in the deploy directory. */
export const compose = (args: string): string => `cd ${DEPLOY_DIR} && docker compose ${args}`;

/** A one-shot container of the backup image (its clients: sqlite3, mysqldump, pg_dump), the stack's own dependencies left alone. */
export const inBackupContainer = (entrypoint: string): string => compose(`--profile backup run --rm --no-deps -T --entrypoint ${entrypoint} backup`);

/** Fails unless the backup file (relative to the backup directory) is a whole gzip file. */
export const gzipWhole = (file: string): string => `gzip -t ${shellQuote(file)} 2>/dev/null || ${fail(`storage/backup/${file} is not a whole gzip file (corrupted or cut short)`)}`;
