import type { z } from 'zod';
import type { EnvironmentConfig } from '../config/schema.js';
import type { HostPort, KeyPath, TlsSite, Topology } from '../domain/topology.js';
import type { HostStep } from '../remote/steps/step.js';
import type { ComposeService } from '../render/compose.js';
import type { WizardQuestion } from '../../questionnaire/questions.js';
import type { Answers } from '../../questionnaire/types.js';

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
  /** Whether the tracker reads its database's connection URL from .env (a server database, managed or external). */
  readonly databaseUrl: boolean;
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

/** Where a server database runs: in the stack (its host is the managed service's name) or outside it. */
export type DatabasePlacement = 'managed' | 'external' | 'file';

/** A warning a database raises about its own settings (relative to tracker.core.database). */
export interface DatabaseWarning {
  readonly path: readonly string[];
  readonly code: 'config.external_database' | 'config.secret_in_file';
  readonly message: string;
  readonly fix: string;
}

/** A variable of the compose .env (the only rendered file holding the stack's secrets). */
export interface EnvVariable {
  readonly name: string;
  readonly value: string;
  readonly comment: string;
}

/** What a restore needs from the database: where, which backup and how long the tracker may take. */
export interface DatabaseRestoreTarget {
  readonly id: string;
  /** The SQLite file name, or the server database's name. */
  readonly databaseName: string;
  /** Relative to the backup directory: the dump of this backup. */
  readonly dumpFile: string;
  /** The same file, absolute on the host. */
  readonly dumpPath: string;
}

/** One restore step's database part: the command, and the command that puts back what it changed. */
export interface DatabaseRestoreStep {
  readonly title: string;
  readonly command: string;
  readonly undo?: string;
}

/**
 * How restore puts a dump back: checked (nothing changed), staged next to the
 * live data (nothing live changed), swapped in while the tracker is stopped, the
 * previous data kept aside until the clean-up. Each step's undo puts back what it did.
 */
export interface DatabaseRestore {
  /** What the dump is called in messages: "MySQL dump". */
  readonly dumpLabel: string;
  /** Shell lines (cwd: the backup directory, `set -e`) that fail unless the dump is whole. */
  checkDump(target: DatabaseRestoreTarget): string[];
  /** Shell lines that fail when an earlier restore left previous data behind. */
  checkLeftovers(target: DatabaseRestoreTarget): string[];
  stage(target: DatabaseRestoreTarget): DatabaseRestoreStep;
  swap(target: DatabaseRestoreTarget): DatabaseRestoreStep;
  /** Removes what the restore kept aside (after the tracker is healthy again). */
  cleanUp(target: DatabaseRestoreTarget): string;
  /** Where the previous data stays when putting it back failed. */
  keptWhere(target: DatabaseRestoreTarget): string;
}

/** The wizard's questions about this database, and how their answers become tracker.core.database. */
export interface DatabaseQuestions {
  /** Asked in this order after the database choice; each asks only when `database` is this driver. */
  readonly questions: readonly WizardQuestion[];
  /** tracker.core.database from the answers; `text` is an answer as the config writes it. */
  fromAnswers(answers: Answers, text: (id: string) => string): Record<string, unknown>;
  /** Questions whose default is a secret generated for the session (their ids). */
  readonly generatedSecrets?: readonly string[];
}

/**
 * A tracker database: `tracker.core.database` with `driver` set to it. A database
 * whose stack service is `service` runs in the stack when its host is that
 * service's name, and is an existing server the tracker connects to otherwise.
 * The backup dump is named by `dump` (part of the backup file-name contract,
 * src/stack/backup-files.ts). Every consumer (summary, warnings, .env,
 * tracker.toml, backup.conf, backup.sh, restore, wizard) asks the module.
 */
export interface DatabaseModule<Schema extends z.ZodType = z.ZodType, Settings = z.output<Schema>> {
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
  /** Whether the stack runs it (managed), it lives elsewhere (external), or it is a file. */
  placement(settings: Settings): DatabasePlacement;
  /** Comments above its keys in the TOML file `create template` and the wizard write. */
  readonly configComments: Readonly<Record<string, string>>;
  /** validate's Database row: what will be deployed, without secrets. */
  describe(settings: Settings): string;
  /** Warnings about its settings; `fromEnvironment` tells whether a key (relative to tracker.core.database) came from a ${VAR}. */
  warnings?(settings: Settings, probes: { fromEnvironment(path: readonly string[]): boolean }): DatabaseWarning[];
  /** Its .env variables (the tracker's connection string, the container's credentials). */
  envVariables?(settings: Settings, config: EnvironmentConfig): EnvVariable[];
  /** The tracker.toml `[core.database] path`, when the file holds it (a server's DSN comes from .env). */
  trackerPath?(settings: Settings): string;
  /** backup.conf's variables for backup.sh (never a password). */
  backupConf(settings: Settings): [string, string][];
  /** The template (templates/render/<name>.ejs) of backup.sh's lines that dump it into `it.file`. */
  readonly dumpTemplate: string;
  readonly restore: DatabaseRestore;
  readonly wizard: DatabaseQuestions;
  /** Release steps after the files are in place, when it is the config's database. */
  releaseSteps?(config: EnvironmentConfig): HostStep[];
  /** Run's checks before the stack starts (an external server answers). */
  runChecks?(settings: Settings): HostStep[];
}
