import { backup } from './backup.js';
import { caddy } from './caddy.js';
import { grafana } from './grafana.js';
import { mysql } from './mysql.js';
import { postgresql } from './postgresql.js';
import { prometheus } from './prometheus.js';
import { tracker } from './tracker.js';

/**
 * The services of the stack, in the order people see them (`show`, `status`,
 * the render README, storage directories, [images]): the tracker, its database,
 * monitoring, the proxy, the backup job. Each module declares everything about
 * its service; the consumers (src/stack/queries.ts and those it serves) loop
 * over this list and name no service. A database is listed in databases.ts
 * (and here too when it runs as a service of the stack).
 */
export const STACK = [tracker, mysql, postgresql, prometheus, grafana, caddy, backup] as const;
