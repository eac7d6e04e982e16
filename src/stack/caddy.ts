import { z } from 'zod';
import { emailProblem } from '../config/fields.js';
import { DEFAULT_DNS_RESOLVERS, resolverProblem } from '../checks/dns-gate.js';
import { nonEmpty, parseUrl, validated } from '../config/schema-parts.js';
import type { StackService } from './types.js';

/** Where the caddy container reads the https.acme_ca_root certificate (mounted read-only from storage/caddy/etc/). */
export const ACME_CA_ROOT_IN_CADDY = '/etc/caddy/acme-ca-root.pem';
/** The certificate's file name next to the Caddyfile, on the host and in the render output. */
export const ACME_CA_ROOT_FILE = 'acme-ca-root.pem';

export const HttpsSection = z
  .strictObject({
    admin_email: validated(emailProblem, 'admin_email', 'write the email Let\'s Encrypt should send expiry notices to').describe(
      'Email for the ACME account (Let\'s Encrypt notices).',
    ),
    use_staging: z.boolean().default(false).describe('Use the Let\'s Encrypt staging CA (untrusted certificates, high limits).'),
    acme_ca: validated(acmeDirectoryProblem, 'acme_ca', 'write the ACME directory URL of your CA, for example "https://ca.example.com/acme/acme/directory"')
      .optional()
      .describe('ACME directory URL of another CA than Let\'s Encrypt (a private CA such as step-ca). Default: Let\'s Encrypt.'),
    acme_ca_root: nonEmpty('acme_ca_root')
      .optional()
      .describe('CA certificate (PEM) Caddy trusts when talking to acme_ca, when that CA\'s HTTPS certificate is not publicly trusted. Path on this machine: absolute, ~/..., or relative to the config file; uploaded next to the Caddyfile.'),
    dns_resolvers: z
      .array(validated(resolverProblem, 'dns_resolvers entry', 'write a resolver\'s IP address, optionally with a port: "9.9.9.9", "192.0.2.53:5353" or "[2001:db8::53]:53"'))
      .min(1, 'dns_resolvers must name at least one resolver')
      .optional()
      .describe(`DNS resolvers deploy asks whether each HTTPS domain points at the instance before Caddy asks for certificates (IP or IP:PORT). Default: ${DEFAULT_DNS_RESOLVERS.join(', ')}.`),
  })
  .superRefine((https, ctx) => {
    const conflict = (key: string, message: string, fix: string) => ctx.addIssue({ code: 'custom', path: [key], message, params: { code: 'config.conflict', fix } });
    if (https.acme_ca !== undefined && https.use_staging) {
      conflict('acme_ca', 'acme_ca and use_staging both choose the ACME CA', 'remove acme_ca to use the Let\'s Encrypt staging CA, or set use_staging = false to use acme_ca');
    }
    if (https.acme_ca_root !== undefined && https.acme_ca === undefined) {
      conflict('acme_ca_root', 'acme_ca_root is set but acme_ca is not: the root is only used to talk to a custom ACME CA', 'set acme_ca to the directory URL of the CA this certificate belongs to, or remove acme_ca_root');
    }
  });

/** RFC 8555 directories are served over HTTPS; credentials in the URL would end up in the Caddyfile. */
function acmeDirectoryProblem(value: string): string | undefined {
  const url = parseUrl(value);
  if (typeof url === 'string') return url;
  if (url.protocol !== 'https:') return `an ACME directory is served over https://, not ${url.protocol}//`;
  if (url.username !== '' || url.password !== '') return 'the directory URL must not hold credentials';
  if (/[\s{}"]/.test(value)) return 'the URL must not contain spaces, braces or quotes';
  return undefined;
}

/** The HTTPS reverse proxy: runs when any service's site uses the TLS proxy; owns the [https] section. */
const section = { key: 'https', schema: HttpsSection, description: 'HTTPS through Caddy and Let\'s Encrypt. Needed when a service sets use_tls_proxy.' } as const;

export const caddy: StackService<'caddy', typeof section> = {
  name: 'caddy',
  section,
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
