import type { StackService } from './types.js';

/** Where the caddy container reads the https.acme_ca_root certificate (mounted read-only from storage/caddy/etc/). */
export const ACME_CA_ROOT_IN_CADDY = '/etc/caddy/acme-ca-root.pem';
/** The certificate's file name next to the Caddyfile, on the host and in the render output. */
export const ACME_CA_ROOT_FILE = 'acme-ca-root.pem';

/** The HTTPS reverse proxy: runs when any service's site uses the TLS proxy; owns the [https] section. */
export const caddy: StackService<'caddy'> = {
  name: 'caddy',
  title: 'Caddy',
  image: 'caddy:2.11.2',
  longRunning: true,
  deployed: (_config, tlsSites) => tlsSites.length > 0,
  hostPorts: () => [
    { label: 'Caddy (HTTP, ACME challenges)', key: ['https'], port: 80, protocol: 'tcp', loopbackOnly: false },
    { label: 'Caddy (HTTPS)', key: ['https'], port: 443, protocol: 'tcp', loopbackOnly: false },
    { label: 'Caddy (HTTP/3)', key: ['https'], port: 443, protocol: 'udp', loopbackOnly: false },
  ],
  compose: {
    order: 0,
    build: ({ config, topology }) => {
      const upstreams = [...new Set(topology.tlsSites.map((site) => site.upstream.service))];
      return {
        name: 'caddy',
        comment: 'HTTPS reverse proxy with automatic certificates (https, use_tls_proxy)',
        image: config.images.caddy,
        ports: [
          { spec: '80:80', comment: 'HTTP (ACME HTTP-01 challenge, redirect to HTTPS)' },
          { spec: '443:443', comment: 'HTTPS' },
          { spec: '443:443/udp', comment: 'HTTP/3 (QUIC)' },
        ],
        environment: [],
        volumes: [
          './storage/caddy/etc/Caddyfile:/etc/caddy/Caddyfile:ro',
          ...(config.https?.acme_ca_root === undefined ? [] : [`./storage/caddy/etc/${ACME_CA_ROOT_FILE}:${ACME_CA_ROOT_IN_CADDY}:ro`]),
          './storage/caddy/data:/data',
          './storage/caddy/config:/config',
        ],
        networks: ['proxy_network'],
        dependsOn: upstreams.map((service) => [service, 'service_started'] as const),
        healthcheck: { test: ['CMD', 'caddy', 'validate', '--config', '/etc/caddy/Caddyfile', '--adapter', 'caddyfile'], interval: '30s', timeout: '10s', retries: 3, startPeriod: '10s' },
      };
    },
  },
  storage: () => [{ owner: 'deploy-user', mode: '0755', paths: ['caddy', 'caddy/etc', 'caddy/data', 'caddy/config'] }],
  backupPaths: (config) => ['/data/storage/caddy/etc/Caddyfile', ...(config.https?.acme_ca_root === undefined ? [] : [`/data/storage/caddy/etc/${ACME_CA_ROOT_FILE}`])],
};
