import { createHmac } from 'node:crypto';
import type { EnvironmentConfig } from '../config/schema.js';

type MysqlDatabase = Extract<EnvironmentConfig['tracker']['core']['database'], { driver: 'mysql' }>;

/**
 * The MySQL root password when the config leaves it out: an HMAC of the tracker
 * user's password and the environment name. The same config always renders the
 * same password (render stays deterministic), it is as secret as the user password,
 * and two environments never share it. See docs/decisions/mysql-root-password.md.
 */
export function mysqlRootPassword(database: MysqlDatabase, environmentName: string): string {
  if (database.root_password !== undefined) return database.root_password;
  return createHmac('sha256', database.password)
    .update(`torrust-tracker-deployer/mysql-root-password/${environmentName}`)
    .digest('base64url')
    .slice(0, 32);
}
