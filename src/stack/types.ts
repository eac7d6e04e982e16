import type { z } from 'zod';
import type { EnvironmentConfig } from '../config/schema.js';
import type { HostPort, KeyPath, TlsSite, Topology } from '../domain/topology.js';
import type { HostStep } from '../remote/steps/step.js';
import type { ComposeService } from '../render/compose.js';

/**
 * One service of the stack, declared in one module (src/stack/<service>.ts) and
 * listed in src/stack/registry.ts. Every consumer (topology, compose, firewall,
 * URLs, DNS, status, upgrade, storage, release, backups) loops over the registry,
 * so adding a service touches its module, its templates, its tests and its docs.
 * Every part is optional: a service contributes only what it has.
 */
/** A top-level config section a service owns: present = the service is on. */
export interface ConfigSection<Key extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly key: Key;
  readonly schema: Schema;
  /** Its description in the JSON Schema (and the docs generated from it). */
  readonly description: string;
}

export interface StackService<Name extends string = string, Section extends ConfigSection = ConfigSection> {
  /** The compose service and container name, the [images] key, the name `status` and `logs` use. */
  readonly name: Name;
  /** For people: "Prometheus". */
  readonly title: string;
  /** Its config section, with the fields' rules (the schema lists every service's). */
  readonly section?: Section;
  /** The default of its [images] key (the one source of image defaults). */
  readonly image: string;
  /** A long-running container `status` expects up; false for a one-shot job. */
  readonly longRunning: boolean;
  /** Whether the config deploys it; `tlsSites` are every service's HTTPS sites (Caddy runs when there is one). */
  deployed(config: EnvironmentConfig, tlsSites: readonly TlsSite[]): boolean;
  /** Sites Caddy serves over HTTPS for this service. */
  tlsSites?(config: EnvironmentConfig): TlsSite[];
  /** Ports other than the tracker's endpoints that it publishes on the host (the firewall opens the public ones). */
  hostPorts?(config: EnvironmentConfig): HostPort[];
  /** How it is reached from outside; `host` is the instance address as a URL host. */
  urls?(config: EnvironmentConfig, host: string, topology: Topology): ServiceUrl[];
  /** The domains the config gives it (DNS records to create). */
  domains?(config: EnvironmentConfig, topology: Topology): { domain: string | undefined; key: KeyPath }[];
  /** Its service in docker-compose.yml. */
  readonly compose?: {
    /** Position in docker-compose.yml (lower first; the Rust deployer's layout: proxy, tracker, monitoring, database, jobs). */
    readonly order: number;
    build(context: ComposeContext): ComposeService;
  };
  /** Directories under /opt/torrust/storage it needs, with their owners. */
  storage?(config: EnvironmentConfig): StorageDirectory[];
  /** Configure steps (host packages it needs), after configure's own; called only when it is deployed. */
  configureSteps?(config: EnvironmentConfig): HostStep[];
  /** Release steps after the files are in place; called whether or not it is deployed (to clean up what it left). */
  releaseSteps?(config: EnvironmentConfig): HostStep[];
  /** Paths (inside the backup container, under /data/storage) the config archive of a backup holds. */
  backupPaths?(config: EnvironmentConfig): string[];
}

/** How a service is reached from outside the instance. */
export type Access = 'public' | 'https' | 'ssh-tunnel';

export interface ServiceUrl {
  readonly service: string;
  readonly url: string;
  readonly access: Access;
}

export interface ComposeContext {
  readonly config: EnvironmentConfig;
  readonly topology: Topology;
  readonly instanceIp: string | undefined;
  /** Whether the config deploys this service. */
  readonly has: (service: string) => boolean;
  /** The stack service of the config's database, when the stack runs it. */
  readonly databaseService: string | undefined;
  /** Whether Caddy serves a site of this service. */
  readonly behindCaddy: (service: string) => boolean;
}

export interface StorageDirectory {
  /** The deploy user, root, or the uid a container runs as. */
  readonly owner: 'deploy-user' | 'root' | number;
  readonly mode: '0750' | '0755';
  /** Relative to /opt/torrust/storage. */
  readonly paths: readonly string[];
}

/**
 * A tracker database: `tracker.core.database` with `driver` set to it. A database
 * whose stack service is `service` runs in the stack; the backup dump is named
 * by `dump` (part of the backup file-name contract, src/stack/backup-files.ts).
 */
export interface DatabaseModule<Schema extends z.ZodType = z.ZodType> {
  readonly driver: string;
  /** `tracker.core.database` for this driver: a strict object whose `driver` is this literal. */
  readonly schema: Schema;
  readonly title: string;
  /** The dump's directory and file-name prefix in the backups, and its extension. */
  readonly dump: { readonly kind: string; readonly extension: string };
  /** The service that runs it in the stack; absent for a file (SQLite) the tracker opens itself. */
  readonly service?: StackService;
  /** The compose .env variable holding the tracker user's password, which the backup job connects with. */
  readonly passwordVariable?: string;
  /** Release steps after the files are in place, when it is the config's database. */
  releaseSteps?(config: EnvironmentConfig): HostStep[];
}
