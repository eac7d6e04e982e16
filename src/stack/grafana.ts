import { domain, nonEmpty, tlsProxy } from '../config/schema-parts.js';
import { z } from 'zod';
import { GRAFANA_UID } from '../remote/steps/step.js';
import type { StackService } from './types.js';

export const GRAFANA_PORT = 3000;

const fromEnv = (...names: string[]) => names.map((name) => [name, `\${${name}}`] as const);

export const GrafanaSection = z.strictObject({
  admin_user: nonEmpty('admin_user').default('admin').describe('Grafana administrator user.'),
  admin_password: nonEmpty('admin_password').describe('Grafana administrator password.'),
  domain: domain.optional(),
  use_tls_proxy: tlsProxy,
});

/** Dashboards over Prometheus: published on its port, or served by Caddy with use_tls_proxy. */
const section = { key: 'grafana', schema: GrafanaSection, description: 'Grafana dashboards (needs prometheus). Present = enabled.' } as const;

export const grafana: StackService<'grafana', typeof section> = {
  name: 'grafana',
  section,
  title: 'Grafana',
  image: 'grafana/grafana:13.0.0',
  longRunning: true,
  deployed: (config) => config.grafana !== undefined,
  tlsSites: (config) => (config.grafana?.use_tls_proxy ? [{ label: 'Grafana', key: ['grafana'], domain: config.grafana.domain, upstream: { service: 'grafana', port: GRAFANA_PORT } }] : []),
  hostPorts: (config) => (config.grafana && !config.grafana.use_tls_proxy ? [{ label: 'Grafana', key: ['grafana'], port: GRAFANA_PORT, protocol: 'tcp', loopbackOnly: false }] : []),
  urls(config, host) {
    if (!config.grafana) return [];
    return [config.grafana.use_tls_proxy && config.grafana.domain
      ? { service: 'Grafana', url: `https://${config.grafana.domain}`, access: 'https' }
      : { service: 'Grafana', url: `http://${config.grafana.domain ?? host}:${GRAFANA_PORT}`, access: 'public' }];
  },
  domains: (config) => (config.grafana ? [{ domain: config.grafana.domain, key: ['grafana'] }] : []),
  compose: {
    order: 30,
    build: ({ config, instanceIp, behindCaddy }) => ({
      name: 'grafana',
      comment: 'Dashboards for the tracker (grafana)',
      image: config.images.grafana,
      ports: behindCaddy('grafana') ? [] : [{ spec: `${GRAFANA_PORT}:${GRAFANA_PORT}`, comment: 'Grafana dashboard' }],
      environment: fromEnv('GF_SECURITY_ADMIN_USER', 'GF_SECURITY_ADMIN_PASSWORD', ...(config.grafana?.domain !== undefined || instanceIp !== undefined ? ['GF_SERVER_ROOT_URL'] : [])),
      volumes: ['./storage/grafana/data:/var/lib/grafana', './storage/grafana/provisioning:/etc/grafana/provisioning:ro'],
      networks: ['visualization_network', ...(behindCaddy('grafana') ? ['proxy_network' as const] : [])],
      dependsOn: [['prometheus', 'service_healthy']],
      healthcheck: { test: ['CMD', 'wget', '--spider', '-q', `http://localhost:${GRAFANA_PORT}/api/health`], interval: '10s', timeout: '5s', retries: 5, startPeriod: '30s' },
    }),
  },
  storage: () => [
    { owner: GRAFANA_UID, mode: '0755', paths: ['grafana', 'grafana/data'] },
    { owner: 'deploy-user', mode: '0755', paths: ['grafana/provisioning', 'grafana/provisioning/datasources', 'grafana/provisioning/dashboards', 'grafana/provisioning/dashboards/torrust'] },
  ],
  backupPaths: () => ['/data/storage/grafana/provisioning'],
};
