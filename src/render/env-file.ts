import type { EnvironmentConfig } from '../config/schema.js';
import { GRAFANA_PORT } from '../stack/grafana.js';
import { TRACKER_CONFIG_PATH } from '../stack/tracker.js';
import { databaseOf } from '../stack/databases.js';
import type { EnvVariable } from '../stack/types.js';

export function envVariables(config: EnvironmentConfig, instanceIp: string | undefined): EnvVariable[] {
  const { module, settings } = databaseOf(config);
  const variables: EnvVariable[] = [
    { name: 'TORRUST_TRACKER_CONFIG_TOML_PATH', value: TRACKER_CONFIG_PATH, comment: 'Where the tracker reads its config inside the container' },
    { name: 'TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__DRIVER', value: settings.driver, comment: 'tracker.core.database.driver' },
    { name: 'TORRUST_TRACKER_CONFIG_OVERRIDE_HTTP_API__ACCESS_TOKENS__ADMIN', value: config.tracker.http_api.admin_token, comment: 'tracker.http_api.admin_token' },
  ];
  variables.push(...(module.envVariables?.(settings, config) ?? []));
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
