import { z } from 'zod';
import { environmentNameProblem, instanceNameProblem, sizeProblem, usernameProblem } from './fields.js';
import { bindAddress, domain, nonEmpty, parseUrl, port, tlsProxy, validated } from './schema-parts.js';
import { databaseDrivers, databaseSchemas, imageDefaults, stackSections, type ImageService } from '../stack/queries.js';
import { checkCrossServiceRules } from './rules.js';

// A command parses a config once or twice: zod compiling a fast path for each object schema on
// its first parse (new Function per schema) costs validate's start-up more than it ever saves.
z.config({ jitless: true });

/**
 * The environment config: one zod schema is the single source of truth for the
 * TypeScript types, validation, defaults, the JSON Schema export and the wizard.
 * Key names and defaults follow the Rust deployer so its JSON files load unchanged.
 */

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
  server_type: nonEmpty('server_type').describe('Hetzner server type, for example "cx23".'),
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

export const DatabaseSection = z
  .discriminatedUnion('driver', databaseSchemas())
  .describe(`The tracker database: ${databaseDrivers().map((driver) => `"${driver}"`).join(', ')}.`);

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
  const url = parseUrl(value);
  if (typeof url === 'string') return url;
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
  ...stackSections(),
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
  'backup.remote.password',
];
