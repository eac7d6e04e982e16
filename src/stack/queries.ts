import type { z } from 'zod';
import type { EnvironmentConfig } from '../config/schema.js';
import type { TlsSite } from '../domain/topology.js';
import { STACK } from './registry.js';
import { DATABASES } from './databases.js';
import type { ConfigSection, StackService } from './types.js';

/** The questions every consumer asks the registry, so none of them names a service. */

/** A service of the registry; each owns the [images] key of its name. */
export type ImageService = (typeof STACK)[number]['name'];

export function stackServices(): readonly StackService[] {
  return STACK;
}

/** Each [images] key with its default image, in registry order. */
export function imageDefaults(): [ImageService, string][] {
  return STACK.map((service) => [service.name, service.image]);
}

/** Every HTTPS site of the config (Caddy runs when there is one). */
export function tlsSitesOf(config: EnvironmentConfig): TlsSite[] {
  return stackServices().flatMap((service) => service.tlsSites?.(config) ?? []);
}

/** The services the config deploys, in registry order. */
export function deployedServices(config: EnvironmentConfig, sites: readonly TlsSite[] = tlsSitesOf(config)): StackService[] {
  return stackServices().filter((service) => service.deployed(config, sites));
}

/**
 * The images `docker compose pull` fetches for this config, each once: every deployed
 * long-running service's [images] entry (a one-shot job sits behind a compose profile,
 * which a plain pull leaves out).
 */
export function stackImages(config: EnvironmentConfig): string[] {
  const images = deployedServices(config).filter((service) => service.compose !== undefined && service.longRunning).map((service) => config.images[service.name as ImageService]);
  return [...new Set(images)];
}

type OwnedSection = NonNullable<(typeof STACK)[number]['section']>;
/** The top-level config sections the services own, each optional (present = on). */
export type StackSections = { [S in OwnedSection as S['key']]: z.ZodOptional<S['schema']> };

export function stackSections(): StackSections {
  const owned = STACK.flatMap((service): ConfigSection[] => (service.section === undefined ? [] : [service.section]));
  return Object.fromEntries(owned.map((section) => [section.key, section.schema.optional().describe(section.description)])) as unknown as StackSections;
}

type SchemasOf<T extends readonly { schema: z.ZodType }[]> = { -readonly [I in keyof T]: T[I]['schema'] };

/** The database schemas, as z.discriminatedUnion takes them. */
export function databaseSchemas(): SchemasOf<typeof DATABASES> {
  return DATABASES.map((database) => database.schema) as never;
}

/** The drivers tracker.core.database.driver takes. */
export function databaseDrivers(): string[] {
  return DATABASES.map((database) => database.driver);
}
