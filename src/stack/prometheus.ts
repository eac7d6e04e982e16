import { PROMETHEUS_UID } from '../remote/commands/step.js';
import type { StackService } from './types.js';

export const PROMETHEUS_PORT = 9090;
export { PROMETHEUS_UID };

/** Scrapes the tracker's stats; published on 127.0.0.1 only (reached through an SSH tunnel). */
export const prometheus: StackService<'prometheus'> = {
  name: 'prometheus',
  title: 'Prometheus',
  image: 'prom/prometheus:v3.11.2',
  longRunning: true,
  deployed: (config) => config.prometheus !== undefined,
  hostPorts: () => [{ label: 'Prometheus', key: ['prometheus'], port: PROMETHEUS_PORT, protocol: 'tcp', loopbackOnly: true }],
  urls: () => [{ service: 'Prometheus', url: `http://localhost:${PROMETHEUS_PORT}`, access: 'ssh-tunnel' }],
  compose: {
    order: 20,
    build: ({ config, has }) => ({
      name: 'prometheus',
      comment: `Scrapes the tracker's stats and metrics (prometheus); localhost only, reach it through an SSH tunnel`,
      image: config.images.prometheus,
      ports: [{ spec: `127.0.0.1:${PROMETHEUS_PORT}:${PROMETHEUS_PORT}`, comment: 'Prometheus UI and API (localhost only)' }],
      environment: [],
      volumes: ['./storage/prometheus/etc:/etc/prometheus:Z'],
      networks: ['metrics_network', ...(has('grafana') ? ['visualization_network' as const] : [])],
      dependsOn: [['tracker', 'service_started']],
      healthcheck: { test: ['CMD', 'wget', '--spider', '-q', `http://localhost:${PROMETHEUS_PORT}/-/healthy`], interval: '10s', timeout: '5s', retries: 5, startPeriod: '10s' },
    }),
  },
  storage: () => [{ owner: 'deploy-user', mode: '0755', paths: ['prometheus', 'prometheus/etc'] }],
  backupPaths: () => ['/data/storage/prometheus/etc/prometheus.yml'],
};
