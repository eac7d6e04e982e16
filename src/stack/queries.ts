import type { EnvironmentConfig } from '../config/schema.js';
import type { TlsSite } from '../domain/topology.js';
import { STACK } from './registry.js';
import type { StackService } from './types.js';

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
