import { z } from 'zod';
import { cronScheduleProblem } from './cron.js';
import {
  domainProblem,
  emailProblem,
  environmentNameProblem,
  instanceNameProblem,
  parseBindAddress,
  sizeProblem,
  usernameProblem,
} from './fields.js';
import { imageDefaults, type ImageService } from '../stack/queries.js';
import { checkCrossServiceRules } from './rules.js';

/**
 * The environment config: one zod schema is the single source of truth for the
 * TypeScript types, validation, defaults, the JSON Schema export and the wizard.
 * Key names and defaults follow the Rust deployer so its JSON files load unchanged.
 */

/** A string checked by a validator; the issue carries our code and a fix. */
function validated(problemOf: (value: string) => string | undefined, what: string, fix: string) {
  return z.string().superRefine((value, ctx) => {
    const problem = problemOf(value);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: `${what} is invalid: ${problem}`, params: { code: 'config.invalid_value', fix } });
    }
  });
}

const bindAddress = (example: string) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const parsed = parseBindAddress(value);
      if (typeof parsed === 'string') {
        ctx.addIssue({
          code: 'custom',
          message: `invalid bind address: ${parsed}`,
          params: { code: 'config.invalid_value', fix: `write IP:PORT with a port from 1 to 65535, for example "${example}"` },
        });
      }
    })
    .describe(`Address and port the service listens on inside its container, IP:PORT (for example "${example}").`);

const domain = validated(domainProblem, 'domain', 'use a fully qualified name such as "tracker.example.com"').describe(
  'Domain name the service answers on. With use_tls_proxy, Caddy gets a certificate for it.',
);

const port = (what: string) =>
  z.number().int().min(1, `${what} must be between 1 and 65535`).max(65535, `${what} must be between 1 and 65535`);

const nonEmpty = (what: string) => z.string().min(1, `${what} must not be empty`);

const tlsProxy = z
  .boolean()
  .default(false)
  .describe('Serve this service over HTTPS through Caddy (needs a domain and the https section).');

export const EnvironmentSection = z
  .strictObject({
    name: validated(
      environmentNameProblem,
      'environment name',
      'use lowercase letters, digits and single dashes, starting with a letter, for example "my-tracker"',
    ).describe('Name of the environment: lowercase letters, digits and dashes; starts with a letter.'),
    description: z.string().optional().describe('Free text describing what this environment is for.'),
    instance_name: validated(
      instanceNameProblem,
      'instance name',
      'use 1-63 letters, digits and dashes, starting with a letter and not ending with a dash',
    )
      .optional()
      .describe('Name of the VM, container or server. Default: torrust-tracker-vm-<environment name>.'),
  })
  .superRefine((environment, ctx) => {
    if (environment.instance_name === undefined && environmentNameProblem(environment.name) === undefined) {
      const derived = defaultInstanceName(environment.name);
      if (derived.length > 63) {
        ctx.addIssue({
          code: 'custom',
          path: ['name'],
          message: `the derived instance name '${derived}' is longer than 63 characters`,
          params: { code: 'config.invalid_value', fix: 'shorten the environment name to 44 characters or set environment.instance_name' },
        });
      }
    }
  });

export const SshCredentialsSection = z.strictObject({
  private_key_path: nonEmpty('private_key_path').describe(
    'Private key used to log in. Absolute, ~/..., or relative to the config file.',
  ),
  public_key_path: nonEmpty('public_key_path').describe(
    'Public key installed on the instance. Absolute, ~/..., or relative to the config file.',
  ),
  username: validated(usernameProblem, 'SSH username', 'use 1-32 letters, digits, _ or -, starting with a letter or _')
    .default('torrust')
    .describe('User the deployer logs in as (created by cloud-init on LXD and Hetzner).'),
  port: port('ssh_credentials.port').default(22).describe('SSH port of the instance.'),
});

export const LxdProvider = z.strictObject({
  provider: z.literal('lxd'),
  profile_name: validated(
    instanceNameProblem,
    'LXD profile name',
    'use 1-63 letters, digits and dashes, starting with a letter',
  ).describe('LXD profile created for this environment.'),
  instance_type: z
    .enum(['virtual-machine', 'container'])
    .default('virtual-machine')
    .describe('LXD instance type. "container" (with nesting) works on hosts without hardware virtualisation.'),
  image: nonEmpty('image').default('ubuntu:24.04').describe('LXD image the instance starts from.'),
  cpus: z.number().int().min(1).max(256).default(2).describe('CPU limit of the instance.'),
  memory: validated(sizeProblem, 'memory', 'write a size such as "2GiB"').default('2GiB').describe('Memory limit.'),
  disk: validated(sizeProblem, 'disk', 'write a size such as "10GiB"').default('10GiB').describe('Root disk size.'),
});

export const HetznerProvider = z.strictObject({
  provider: z.literal('hetzner'),
  api_token: nonEmpty('api_token')
    .optional()
    .describe('Hetzner Cloud API token (read & write). Leave it out to use HCLOUD_TOKEN.'),
  server_type: nonEmpty('server_type').describe('Hetzner server type, for example "cx22".'),
  location: nonEmpty('location').describe('Hetzner location, for example "nbg1".'),
  image: nonEmpty('image').describe('Hetzner image, for example "ubuntu-24.04".'),
});

export const ExistingProvider = z.strictObject({
  provider: z.literal('existing'),
  host: nonEmpty('host').optional().describe('Address of the host (the register command can give it instead).'),
});

export const ProviderSection = z
  .discriminatedUnion('provider', [LxdProvider, HetznerProvider, ExistingProvider])
  .describe('Where the tracker runs: "lxd", "hetzner" or "existing" (any SSH host).');

export const SqliteDatabase = z.strictObject({
  driver: z.literal('sqlite3'),
  database_name: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'database_name must be a file name (letters, digits, ".", "_", "-"), not a path')
    .describe('SQLite file name under the tracker storage.'),
});

export const MysqlDatabase = z.strictObject({
  driver: z.literal('mysql'),
  host: nonEmpty('host').describe('MySQL host. "mysql" is the container the deployer runs.'),
  port: port('database port').describe('MySQL port.'),
  database_name: nonEmpty('database_name').describe('MySQL database name.'),
  username: nonEmpty('username')
    .refine((name) => name !== 'root', {
      message: 'MySQL username "root" is reserved for the administrator',
      params: { code: 'config.invalid_value', fix: 'choose another user name, for example "tracker_user"' },
    })
    .describe('MySQL user the tracker connects as (not root).'),
  password: nonEmpty('password').describe('Password of the MySQL user.'),
  root_password: nonEmpty('root_password')
    .optional()
    .describe('MySQL root password. Generated when left out.'),
});

export const DatabaseSection = z
  .discriminatedUnion('driver', [SqliteDatabase, MysqlDatabase])
  .describe('The tracker database: "sqlite3" or "mysql".');

export const UdpTrackerSection = z.strictObject({
  bind_address: bindAddress('0.0.0.0:6969'),
  domain: domain.optional(),
});

export const HttpTrackerSection = z.strictObject({
  bind_address: bindAddress('0.0.0.0:7070'),
  domain: domain.optional(),
  use_tls_proxy: tlsProxy,
});

export const HttpApiSection = z.strictObject({
  bind_address: bindAddress('0.0.0.0:1212'),
  admin_token: nonEmpty('admin_token').describe('Token for the tracker REST API. Use ${VAR} to keep it out of the file.'),
  domain: domain.optional(),
  use_tls_proxy: tlsProxy,
});

export const HealthCheckApiSection = z.strictObject({
  bind_address: bindAddress('127.0.0.1:1313'),
  domain: domain.optional(),
  use_tls_proxy: tlsProxy,
});

export const TrackerSection = z.strictObject({
  core: z.strictObject({
    database: DatabaseSection,
    private: z.boolean().default(false).describe('Private tracker: peers need a key to announce.'),
  }),
  udp_trackers: z.array(UdpTrackerSection).describe('UDP trackers (BEP 15). May be empty.'),
  http_trackers: z.array(HttpTrackerSection).describe('HTTP trackers. May be empty.'),
  http_api: HttpApiSection,
  health_check_api: HealthCheckApiSection,
});

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
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL`;
  }
  if (url.protocol !== 'https:') return `an ACME directory is served over https://, not ${url.protocol}//`;
  if (url.username !== '' || url.password !== '') return 'the directory URL must not hold credentials';
  if (/[\s{}"]/.test(value)) return 'the URL must not contain spaces, braces or quotes';
  return undefined;
}

export const PrometheusSection = z.strictObject({
  scrape_interval_in_secs: z
    .number()
    .int()
    .min(1, 'scrape_interval_in_secs must be at least 1')
    .max(3600, 'scrape_interval_in_secs must be at most 3600')
    .default(15)
    .describe('How often Prometheus scrapes the tracker, in seconds.'),
});

export const GrafanaSection = z.strictObject({
  admin_user: nonEmpty('admin_user').default('admin').describe('Grafana administrator user.'),
  admin_password: nonEmpty('admin_password').describe('Grafana administrator password.'),
  domain: domain.optional(),
  use_tls_proxy: tlsProxy,
});

export const BackupSection = z.strictObject({
  schedule: validated(cronScheduleProblem, 'backup schedule', 'write 5 cron fields, for example "0 3 * * *" (03:00 daily), or @daily')
    .default('0 3 * * *')
    .describe('When backups run, as a cron schedule on the host.'),
  retention_days: z.number().int().min(1, 'retention_days must be at least 1').default(7).describe('Days to keep backups.'),
});

/** Each stack service's default image, declared by its module (src/stack/). */
export const DEFAULT_IMAGES = Object.fromEntries(imageDefaults()) as Readonly<Record<ImageService, string>>;

const imageKeys = Object.fromEntries(
  imageDefaults().map(([service, image]) => [service, nonEmpty(`images.${service}`).default(image).describe(`Image for ${service}.`)]),
) as Record<ImageService, z.ZodDefault<z.ZodString>>;

export const ImagesSection = z
  .strictObject({
    ...imageKeys,
    registry_mirror: validated(registryMirrorProblem, 'registry mirror', 'write the mirror\'s base URL, for example "https://mirror.example.com" or "http://10.0.0.1:5000"')
      .optional()
      .describe('A Docker Hub mirror for the host\'s Docker engine (registry-mirrors in /etc/docker/daemon.json), such as a pull-through cache. Images named without a registry are pulled through it.'),
  })
  .describe('Container images, to pin tags or use a mirror or private registry.');

/** Docker takes a bare http(s) origin; credentials in the URL are not supported by it (and would leak into daemon.json). */
function registryMirrorProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `the mirror must be http:// or https://, not ${url.protocol}//`;
  if (url.username !== '' || url.password !== '') return 'the mirror URL must not hold credentials (Docker does not read them there); use docker login on the host';
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') return 'the mirror is a bare origin (scheme, host and port), without a path';
  return undefined;
}

export const EnvironmentConfigShape = z.strictObject({
  $schema: z.string().optional().describe('JSON Schema reference for editors; ignored by the deployer.'),
  environment: EnvironmentSection,
  ssh_credentials: SshCredentialsSection,
  provider: ProviderSection,
  tracker: TrackerSection,
  https: HttpsSection.optional().describe('HTTPS through Caddy and Let\'s Encrypt. Needed when a service sets use_tls_proxy.'),
  prometheus: PrometheusSection.optional().describe('Prometheus monitoring. Present = enabled.'),
  grafana: GrafanaSection.optional().describe('Grafana dashboards (needs prometheus). Present = enabled.'),
  backup: BackupSection.optional().describe('Scheduled backups of the database and config. Present = enabled.'),
  images: ImagesSection.default(() => ImagesSection.parse({})),
});

export const EnvironmentConfigSchema = EnvironmentConfigShape.superRefine(checkCrossServiceRules);

export type EnvironmentConfig = z.output<typeof EnvironmentConfigShape>;
export type EnvironmentConfigInput = z.input<typeof EnvironmentConfigShape>;
export type ProviderName = EnvironmentConfig['provider']['provider'];

export function defaultInstanceName(environmentName: string): string {
  return `torrust-tracker-vm-${environmentName}`;
}

export function instanceNameOf(config: EnvironmentConfig): string {
  return config.environment.instance_name ?? defaultInstanceName(config.environment.name);
}

/** Key paths whose values are secrets: never printed, logged or written to files that are not 0600. */
export const SECRET_KEY_PATHS: readonly string[] = [
  'provider.api_token',
  'tracker.core.database.password',
  'tracker.core.database.root_password',
  'tracker.http_api.admin_token',
  'grafana.admin_password',
];
