import { shellQuote } from '../render/quote.js';
import { DEPLOY_DIR } from '../remote/steps/step.js';
import { fail } from './restore-shell.js';
import type { DatabaseRestore } from './types.js';

/** The schema restore moves the live tables to, until the tracker is healthy on the restored ones. */
export const POSTGRESQL_PREVIOUS = 'ttd_restore_previous';

/**
 * A PostgreSQL client in a one-shot backup container, connected as the
 * tracker's user to the configured server (managed or external) with
 * backup.conf's host, port, user and database; the password comes from the
 * container's DB_PASSWORD (.env), never from a command line.
 */
const CLIENT = 'set -o pipefail; source /etc/backup/backup.conf; export PGPASSWORD="$DB_PASSWORD" PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER" PGDATABASE="$DB_NAME"; ';

/** `script` run by bash in the backup container with the connection set up; `args` are its $1, $2, ... */
export function inPostgresqlClient(script: string, ...args: string[]): string {
  // No `cd`: the callers' working directory stays (checkBackupCommand reads the backup directory), and `$(…)` may wrap it.
  const container = `docker compose --project-directory ${DEPLOY_DIR} -f ${DEPLOY_DIR}/docker-compose.yml --profile backup run --rm --no-deps -T --entrypoint bash backup`;
  return `${container} -c ${shellQuote(CLIENT + script)} pg-client${args.map((arg) => ` ${shellQuote(arg)}`).join('')}`;
}

/** SQL run by psql in one session, stopping at the first error. */
export function postgresqlStatements(sql: string): string {
  return inPostgresqlClient('printf "%s\\n" "$1" | psql -X -q -At -v ON_ERROR_STOP=1', sql);
}

const previousExists = `SELECT count(*) FROM pg_namespace WHERE nspname = '${POSTGRESQL_PREVIOUS}'`;

/**
 * PostgreSQL (pg_dump custom format), managed or external, through the backup
 * image's clients: the dump is checked with pg_restore --list; the swap, with
 * the tracker stopped, is one transaction (the live schema public becomes
 * ttd_restore_previous, the dump is loaded into a new public), so a dump that
 * fails to load changes nothing; the undo renames the previous schema back.
 */
export const postgresqlRestore: DatabaseRestore = {
  dumpLabel: 'PostgreSQL dump',
  checkDump: ({ dumpFile }) => [
    `${inPostgresqlClient('pg_restore --list "$1" >/dev/null', `/backups/${dumpFile}`)} || ${fail(`storage/backup/${dumpFile} is not a whole pg_dump archive (pg_restore cannot read it)`)}`,
  ],
  checkLeftovers: () => [
    `n=$(${postgresqlStatements(`${previousExists};`)}) || ${fail('the PostgreSQL server does not answer with the configured credentials (its error is above; ttd status shows the stack)')}`,
    `[ "$n" = 0 ] || ${fail(`an earlier restore did not finish and its previous tables are still in the schema ${POSTGRESQL_PREVIOUS}: move them back or drop it, then restore again`)}`,
  ],
  stage: ({ dumpFile }) => ({
    title: 'Read the PostgreSQL dump\'s table of contents',
    command: `echo "tables in the dump: $(${inPostgresqlClient(`pg_restore --list "$1" | awk '$4 == "TABLE" && $5 != "DATA" { n++ } END { print n + 0 }'`, `/backups/${dumpFile}`)})"`,
  }),
  swap: ({ databaseName, dumpFile }) => ({
    title: `Load the dump into ${databaseName} in one transaction (the current tables move to the schema ${POSTGRESQL_PREVIOUS})`,
    command: inPostgresqlClient(
      `{ printf "%s\\n" "BEGIN;" "ALTER SCHEMA public RENAME TO ${POSTGRESQL_PREVIOUS};" "CREATE SCHEMA public;"; pg_restore --no-owner --no-privileges -f - "$1" && printf "%s\\n" "COMMIT;"; } | psql -X -q -o /dev/null -v ON_ERROR_STOP=1`,
      `/backups/${dumpFile}`,
    ),
    // Only when the swap committed does the previous schema exist; then the restored tables go and the previous ones come back.
    undo: postgresqlStatements(`DO $$ BEGIN IF EXISTS (${previousExists.replace('count(*)', '1')}) THEN DROP SCHEMA public CASCADE; ALTER SCHEMA ${POSTGRESQL_PREVIOUS} RENAME TO public; END IF; END $$;`),
  }),
  cleanUp: () => postgresqlStatements(`DROP SCHEMA IF EXISTS ${POSTGRESQL_PREVIOUS} CASCADE;`),
  keptWhere: ({ databaseName }) => `the schema ${POSTGRESQL_PREVIOUS} of the PostgreSQL database ${databaseName} (its tables are the previous ones)`,
};

