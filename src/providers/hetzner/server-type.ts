import type { Deprecation, ServerType } from './schema.js';

/**
 * What a deprecation means for ordering (Hetzner's docs, "Deprecation"): a type
 * stays orderable until its `unavailable_after` date, so until then it is a
 * warning; after it (for the type, or for its offer in the location) a refusal.
 */
export function serverTypeProblem(type: ServerType, location: string, now: number): string | undefined {
  if (type.deprecation && ended(type.deprecation, now)) return `The Hetzner server type "${type.name}" is no longer available (deprecated, unavailable after ${day(type.deprecation)}).`;
  if (type.locations === undefined) return undefined;
  const offered = type.locations.find((entry) => entry.name === location);
  if (!offered) return `The Hetzner server type "${type.name}" is not offered in ${location}.`;
  if (offered.deprecation && ended(offered.deprecation, now)) return `The Hetzner server type "${type.name}" is no longer offered in ${location} (unavailable after ${day(offered.deprecation)}).`;
  return undefined;
}

/** The warning for a type that is deprecated but still orderable, if it is. */
export function serverTypeNotice(type: ServerType, location: string, now: number): string | undefined {
  const deprecation = type.deprecation ?? type.locations?.find((entry) => entry.name === location)?.deprecation ?? null;
  if (!deprecation || ended(deprecation, now)) return undefined;
  return `The Hetzner server type "${type.name}" is deprecated: it can be ordered until ${day(deprecation)}, after that provisioning with it fails; choose a current type for provider.server_type.`;
}

function ended(deprecation: Deprecation, now: number): boolean {
  return Date.parse(deprecation.unavailable_after) <= now;
}

function day(deprecation: Deprecation): string {
  return deprecation.unavailable_after.slice(0, 10);
}
