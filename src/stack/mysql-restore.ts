import { shellQuote } from '../render/quote.js';
import { DEPLOY_DIR } from '../remote/steps/step.js';
import { fail, gzipWhole } from './restore-shell.js';
import type { DatabaseRestore } from './types.js';

/** MySQL databases restore loads the dump into, and moves the current tables to, until it is done. */
export const MYSQL_INCOMING = 'ttd_restore_incoming';
export const MYSQL_PREVIOUS = 'ttd_restore_previous';

/** A MySQL identifier. */
export function sqlIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A MySQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The MySQL client in the mysql container, as root. The root password never
 * leaves the container: the client reads it from the container's own
 * MYSQL_ROOT_PASSWORD. mysql:8.4 has `mysql`, MariaDB `mariadb`.
 */
export function mysqlClient(database?: string): string {
  const inner = 'export MYSQL_PWD="$MYSQL_ROOT_PASSWORD"; exec "$(command -v mariadb || command -v mysql)" -uroot --batch --skip-column-names "$@"';
  return `docker compose exec -T mysql sh -c ${shellQuote(inner)} mysql-client${database === undefined ? '' : ` ${shellQuote(`--database=${database}`)}`}`;
}

/** SQL piped into the mysql container's client, from the deploy directory. */
export function mysqlStatements(sql: string): string {
  return `cd ${DEPLOY_DIR} && printf '%s\\n' ${shellQuote(sql)} | ${mysqlClient()}`;
}

/** How many base tables a database has (0 when it does not exist). */
function tableCount(database: string): string {
  return `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ${sqlString(database)}`;
}

/**
 * One atomic RENAME TABLE: every table of `database` to `outgoing`, every table
 * of `incoming` to `database`. With `unlessOutgoingHasTables`, it does nothing
 * when `outgoing` is not empty: used to undo a swap, it finds the restored
 * database still full when the swap never happened.
 */
export function swapTablesSql(database: string, incoming: string, outgoing: string, options: { unlessOutgoingHasTables?: boolean } = {}): string {
  const moves = (from: string, to: string) =>
    `SELECT GROUP_CONCAT(CONCAT(${sqlString(`${sqlIdentifier(from)}.`)}, '\`', REPLACE(table_name, '\`', '\`\`'), '\` TO ', ${sqlString(`${sqlIdentifier(to)}.`)}, '\`', REPLACE(table_name, '\`', '\`\`'), '\`') SEPARATOR ', ') FROM information_schema.tables WHERE table_schema = ${sqlString(from)} AND table_type = 'BASE TABLE'`;
  const guard = options.unlessOutgoingHasTables ? `(${tableCount(outgoing)}) > 0 OR ` : '';
  return [
    'SET SESSION group_concat_max_len = 1048576;',
    `SET @ttd_out = (${moves(database, outgoing)});`,
    `SET @ttd_in = (${moves(incoming, database)});`,
    `SET @ttd_swap = IF(${guard}(@ttd_out IS NULL AND @ttd_in IS NULL), 'DO 0', CONCAT('RENAME TABLE ', CONCAT_WS(', ', @ttd_out, @ttd_in)));`,
    'PREPARE ttd_swap FROM @ttd_swap;',
    'EXECUTE ttd_swap;',
    'DEALLOCATE PREPARE ttd_swap;',
  ].join('\n');
}

/**
 * MySQL, in the mysql container: the dump is loaded into a database of its own,
 * then one RENAME TABLE swaps its tables with the live ones, which wait in
 * another database until the tracker is healthy.
 */
export const mysqlRestore: DatabaseRestore = {
  dumpLabel: 'MySQL dump',
  checkDump: ({ dumpFile }) => [
    gzipWhole(dumpFile),
    `gzip -dc ${shellQuote(dumpFile)} | tail -n 1 | grep -q '^-- Dump completed' || ${fail(`storage/backup/${dumpFile} is not a complete mysqldump (its last line is not "-- Dump completed")`)}`,
  ],
  checkLeftovers: () => [
    `n=$(${mysqlStatements(`${tableCount(MYSQL_PREVIOUS)};`)}) || ${fail('the MySQL server in the mysql container does not answer (is the stack running? ttd status). Restore loads dumps through that container: it does not restore into an external MySQL server')}`,
    `[ "$n" = 0 ] || ${fail(`an earlier restore did not finish and its previous data is still in the MySQL database ${MYSQL_PREVIOUS}: move its tables back or drop it, then restore again`)}`,
  ],
  stage: ({ dumpPath }) => {
    const incoming = sqlIdentifier(MYSQL_INCOMING);
    const previous = sqlIdentifier(MYSQL_PREVIOUS);
    return {
      title: `Load the dump into the MySQL database ${MYSQL_INCOMING} and check it`,
      command: [
        'set -e',
        mysqlStatements(`DROP DATABASE IF EXISTS ${incoming}; CREATE DATABASE ${incoming}; DROP DATABASE IF EXISTS ${previous}; CREATE DATABASE ${previous};`),
        // MariaDB's mysqldump starts with a line MySQL's client refuses ("enable the sandbox mode"); it changes nothing else.
        `gzip -dc ${shellQuote(dumpPath)} | sed '1{/enable the sandbox mode/d;}' | { cd ${DEPLOY_DIR} && ${mysqlClient(MYSQL_INCOMING)}; } || ${fail('the MySQL server refused the dump (its error is above)')}`,
        `echo "tables restored: $(${mysqlStatements(`${tableCount(MYSQL_INCOMING)};`)})"`,
      ].join('\n'),
      // The previous database is dropped only while it is empty: when its tables could not be moved back, they stay.
      undo: [
        `n=$(${mysqlStatements(`${tableCount(MYSQL_PREVIOUS)};`)})`,
        `if [ "$n" = 0 ]; then ${mysqlStatements(`DROP DATABASE IF EXISTS ${incoming}; DROP DATABASE IF EXISTS ${previous};`)}; else ${fail(`the MySQL database ${MYSQL_PREVIOUS} still holds the previous tables; it is kept`)}; fi`,
      ].join('\n'),
    };
  },
  swap: ({ databaseName }) => ({
    title: `Swap the restored tables into ${databaseName} (the current ones move to ${MYSQL_PREVIOUS})`,
    command: mysqlStatements(swapTablesSql(databaseName, MYSQL_INCOMING, MYSQL_PREVIOUS)),
    // Back: the restored tables return to the (empty) incoming database, the previous ones to their place;
    // when incoming still holds tables, the swap never happened and there is nothing to undo.
    undo: mysqlStatements(swapTablesSql(databaseName, MYSQL_PREVIOUS, MYSQL_INCOMING, { unlessOutgoingHasTables: true })),
  }),
  cleanUp: () => mysqlStatements(`DROP DATABASE IF EXISTS ${sqlIdentifier(MYSQL_PREVIOUS)}; DROP DATABASE IF EXISTS ${sqlIdentifier(MYSQL_INCOMING)};`),
  keptWhere: () => `the MySQL database ${MYSQL_PREVIOUS} (its tables are the previous ones)`,
};
