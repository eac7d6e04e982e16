import { isDeepStrictEqual } from 'node:util';
import type { EnvironmentConfig } from '../config/schema.js';
import { topologyOf } from '../domain/topology.js';
import type { RenderedFile } from './stages.js';

/**
 * What an edited config changes on a deployed environment: the files on the host
 * (those `release` uploads), the services added or removed, and the keys that only a
 * new instance can apply (the provider made the machine from them).
 */
export interface ConfigChange {
  /** Changed keys that need a new instance, as `provider.server_type`. */
  readonly needsNewInstance: readonly string[];
  readonly files: { readonly added: readonly string[]; readonly changed: readonly string[]; readonly removed: readonly string[] };
  readonly services: { readonly added: readonly string[]; readonly removed: readonly string[] };
}

/** Provider keys a running instance can take without being recreated: credentials only. */
const APPLIED_WITHOUT_NEW_INSTANCE = new Set(['api_token']);

export function configChange(before: EnvironmentConfig, after: EnvironmentConfig, filesBefore: readonly RenderedFile[], filesAfter: readonly RenderedFile[]): ConfigChange {
  const providerKeys = new Set([...Object.keys(before.provider), ...Object.keys(after.provider)]);
  const needsNewInstance = [
    ...[...providerKeys]
      .filter((key) => !APPLIED_WITHOUT_NEW_INSTANCE.has(key))
      .filter((key) => !isDeepStrictEqual((before.provider as Record<string, unknown>)[key], (after.provider as Record<string, unknown>)[key]))
      .map((key) => `provider.${key}`),
    ...(before.environment.instance_name === after.environment.instance_name ? [] : ['environment.instance_name']),
    // cloud-init made the deploy user when the instance was created.
    ...(before.ssh_credentials.username === after.ssh_credentials.username ? [] : ['ssh_credentials.username']),
  ].sort();

  const onHost = (files: readonly RenderedFile[]) => new Map(files.flatMap((file) => (file.host ? [[file.host.path, file.content] as const] : [])));
  const old = onHost(filesBefore);
  const next = onHost(filesAfter);
  const files = {
    added: [...next.keys()].filter((path) => !old.has(path)).sort(),
    changed: [...next.keys()].filter((path) => old.has(path) && old.get(path) !== next.get(path)).sort(),
    removed: [...old.keys()].filter((path) => !next.has(path)).sort(),
  };

  const servicesBefore: readonly string[] = topologyOf(before).services;
  const servicesAfter: readonly string[] = topologyOf(after).services;
  const services = {
    added: servicesAfter.filter((service) => !servicesBefore.includes(service)),
    removed: servicesBefore.filter((service) => !servicesAfter.includes(service)),
  };
  return { needsNewInstance, files, services };
}

/** The change as lines for people: what will change on the host. */
export function describeConfigChange(change: ConfigChange): string[] {
  const lines: string[] = [];
  const list = (label: string, items: readonly string[]) => {
    if (items.length > 0) lines.push(`  ${label}: ${items.join(', ')}`);
  };
  list('services added', change.services.added);
  list('services removed', change.services.removed);
  list('files added', change.files.added);
  list('files changed', change.files.changed);
  list('files no longer used (left in place)', change.files.removed);
  return lines.length > 0 ? ['The edited config changes the host:', ...lines] : ['The edited config changes no file on the host (only what the deployer itself uses).'];
}
