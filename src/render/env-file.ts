import type { EnvironmentConfig } from '../config/schema.js';
import { GRAFANA_PORT } from '../stack/grafana.js';
import { TRACKER_CONFIG_PATH } from '../stack/tracker.js';
import { mysqlRootPassword } from './secrets.js';

/** One variable of the compose .env: the only rendered file that holds the stack's secrets. */
export interface EnvVariable {
  readonly name: string;
  readonly value: string;
  readonly comment: string;
}

export function envVariables(config: EnvironmentConfig, instanceIp: string | undefined): EnvVariable[] {
  const database = config.tracker.core.database;
  const variables: EnvVariable[] = [
    { name: 'TORRUST_TRACKER_CONFIG_TOML_PATH', value: TRACKER_CONFIG_PATH, comment: 'Where the tracker reads its config inside the container' },
    { name: 'TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__DRIVER', value: database.driver, comment: 'tracker.core.database.driver' },
    { name: 'TORRUST_TRACKER_CONFIG_OVERRIDE_HTTP_API__ACCESS_TOKENS__ADMIN', value: config.tracker.http_api.admin_token, comment: 'tracker.http_api.admin_token' },
  ];
  if (database.driver === 'mysql') {
    const user = encodeURIComponent(database.username);
    const password = encodeURIComponent(database.password);
    variables.push(
      {
        name: 'TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__PATH',
        value: `mysql://${user}:${password}@${database.host}:${database.port}/${encodeURIComponent(database.database_name)}`,
        comment: 'tracker.core.database (host, port, username, password, database_name)',
      },
      {
        name: 'MYSQL_ROOT_PASSWORD',
        value: mysqlRootPassword(database, config.environment.name),
        comment: database.root_password === undefined ? 'derived from tracker.core.database.password (docs/decisions/mysql-root-password.md)' : 'tracker.core.database.root_password',
      },
      { name: 'MYSQL_DATABASE', value: database.database_name, comment: 'tracker.core.database.database_name' },
      { name: 'MYSQL_USER', value: database.username, comment: 'tracker.core.database.username' },
      { name: 'MYSQL_PASSWORD', value: database.password, comment: 'tracker.core.database.password' },
    );
  }
  if (config.grafana) {
    variables.push(
      { name: 'GF_SECURITY_ADMIN_USER', value: config.grafana.admin_user, comment: 'grafana.admin_user' },
      { name: 'GF_SECURITY_ADMIN_PASSWORD', value: config.grafana.admin_password, comment: 'grafana.admin_password' },
    );
    const rootUrl = grafanaRootUrl(config.grafana, instanceIp);
    if (rootUrl !== undefined) variables.push({ name: 'GF_SERVER_ROOT_URL', value: rootUrl, comment: 'grafana.domain and use_tls_proxy (or --instance-ip)' });
  }
  return variables;
}

function grafanaRootUrl(grafana: NonNullable<EnvironmentConfig['grafana']>, instanceIp: string | undefined): string | undefined {
  if (grafana.domain !== undefined) return grafana.use_tls_proxy ? `https://${grafana.domain}/` : `http://${grafana.domain}:${GRAFANA_PORT}/`;
  if (instanceIp === undefined) return undefined;
  return `http://${instanceIp.includes(':') ? `[${instanceIp}]` : instanceIp}:${GRAFANA_PORT}/`;
}
