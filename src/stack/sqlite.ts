import { z } from 'zod';
import type { EnvironmentConfig } from '../config/schema.js';
import { shellQuote } from '../render/quote.js';
import { fail, gzipWhole, inBackupContainer } from './restore-shell.js';
import { DEPLOY_DIR, TRACKER_UID, type HostStep } from '../remote/steps/step.js';
import { TRACKER_DATABASE_DIR } from './tracker.js';
import { askedFor } from './database-questions.js';
import type { DatabaseModule, DatabaseRestore } from './types.js';

/** Where the SQLite file lives on the host. */
export const SQLITE_DIR = `${DEPLOY_DIR}/storage/${TRACKER_DATABASE_DIR}`;

export const SqliteDatabase = z.strictObject({
  driver: z.literal('sqlite3'),
  database_name: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'database_name must be a file name (letters, digits, ".", "_", "-"), not a path')
    .describe('SQLite file name under the tracker storage.'),
});

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

/** The SQLite file, its staged copy and the place the current one is moved to. */
function sqlitePaths(databaseName: string) {
  return {
    live: `${SQLITE_DIR}/${databaseName}`,
    staged: `${SQLITE_DIR}/.ttd-restore-${databaseName}`,
    previous: `${SQLITE_DIR}/.ttd-previous-${databaseName}`,
    /** The staged copy as the backup container sees it (./storage is /data/storage there). */
    stagedInContainer: `/data/storage/${TRACKER_DATABASE_DIR}/.ttd-restore-${databaseName}`,
  };
}

const SQLITE_COMPANIONS = ['', '-wal', '-shm', '-journal'];

/** SQLite: the backup's copy is unpacked next to the live file, checked, and moved into place; the current file is kept beside it. */
export const sqliteRestore: DatabaseRestore = {
  dumpLabel: 'SQLite copy',
  checkDump: ({ dumpFile }) => [
    gzipWhole(dumpFile),
    `[ "$(gzip -dc ${shellQuote(dumpFile)} | head -c 15)" = 'SQLite format 3' ] || ${fail(`storage/backup/${dumpFile} does not hold a SQLite database`)}`,
  ],
  checkLeftovers: ({ databaseName }) => {
    const previous = sqlitePaths(databaseName).previous;
    return [`[ ! -e ${shellQuote(previous)} ] || ${fail(`an earlier restore did not finish and its previous data is still in ${previous}: move it back or remove it, then restore again`)}`];
  },
  stage: ({ databaseName, dumpPath }) => {
    const paths = sqlitePaths(databaseName);
    const [live, staged] = [shellQuote(paths.live), shellQuote(paths.staged)];
    const check = `${inBackupContainer('sqlite3')} ${shellQuote(`file:${paths.stagedInContainer}?immutable=1`)} 'PRAGMA integrity_check;'`;
    return {
      title: `Unpack the SQLite copy next to ${databaseName} and check it`,
      command: [
        'set -e',
        `rm -f ${staged}`,
        `gzip -dc ${shellQuote(dumpPath)} > ${staged}`,
        `if [ -e ${live} ]; then chown --reference=${live} ${staged}; chmod --reference=${live} ${staged}; else chown 1000:1000 ${staged}; chmod 0644 ${staged}; fi`,
        'err=$(mktemp)',
        `result=$(${check} 2>"$err") || { cat "$err" >&2; rm -f "$err"; ${fail('sqlite3 (in the backup image) could not check the restored copy')}; }`,
        'rm -f "$err"',
        `result=$(printf '%s' "$result" | tr -d '\\r')`,
        `[ "$result" = ok ] || { echo "$result" | head -n 5 >&2; ${fail('the SQLite database in the backup fails its integrity check')}; }`,
      ].join('\n'),
      undo: `rm -f ${staged}`,
    };
  },
  swap: ({ databaseName }) => {
    const { live, staged, previous } = sqlitePaths(databaseName);
    return {
      title: `Put the restored ${databaseName} in place (the current one is kept aside)`,
      command: [
        'set -e',
        `[ -e ${shellQuote(staged)} ] || ${fail('the staged copy is gone')}`,
        ...SQLITE_COMPANIONS.map((suffix) => `if [ -e ${shellQuote(live + suffix)} ]; then mv -f ${shellQuote(live + suffix)} ${shellQuote(previous + suffix)}; fi`),
        `mv -f ${shellQuote(staged)} ${shellQuote(live)}`,
      ].join('\n'),
      undo: [
        'set -e',
        `if [ -e ${shellQuote(previous)} ]; then`,
        ...SQLITE_COMPANIONS.map((suffix) => `  rm -f ${shellQuote(live + suffix)}; if [ -e ${shellQuote(previous + suffix)} ]; then mv -f ${shellQuote(previous + suffix)} ${shellQuote(live + suffix)}; fi`),
        'fi',
      ].join('\n'),
    };
  },
  cleanUp: ({ databaseName }) => {
    const paths = sqlitePaths(databaseName);
    return `rm -f ${SQLITE_COMPANIONS.map((suffix) => shellQuote(paths.previous + suffix)).join(' ')} ${shellQuote(paths.staged)}`;
  },
  keptWhere: ({ databaseName }) => sqlitePaths(databaseName).previous,
};

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
  configComments: { driver: 'Or a database server driver (docs/user-guide/config.md).' },
  placement: () => 'file',
  describe: (settings) => `SQLite (${settings.database_name})`,
  trackerPath: (settings) => `/var/lib/torrust/tracker/database/${settings.database_name}`,
  backupConf: (settings) => [
    ['DB_TYPE', 'sqlite'],
    ['DB_PATH', `/data/storage/${TRACKER_DATABASE_DIR}/${settings.database_name}`],
  ],
  dumpTemplate: 'dump-sqlite.sh',
  restore: sqliteRestore,
  wizard: {
    questions: [
      {
        id: 'sqlite_file', section: 'Database', type: 'text', flag: '--sqlite-file <name>', keys: ['tracker.core.database.database_name'],
        text: 'SQLite file name',
        help: 'Kept in the tracker storage on the host.',
        when: askedFor('sqlite3'),
        default: 'tracker.db',
        check: { schema: SqliteDatabase.shape.database_name },
      },
    ],
    fromAnswers: (_answers, text) => ({ driver: 'sqlite3', database_name: text('sqlite_file') }),
  },
  releaseSteps(config: EnvironmentConfig) {
    const database = config.tracker.core.database;
    return database.driver === 'sqlite3' ? [initSqliteDatabase(database.database_name)] : [];
  },
};
