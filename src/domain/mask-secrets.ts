/** What a secret is replaced with in errors, events and debug lines. */
export const MASK = '***';

/**
 * Replaces every occurrence of each secret by MASK. Longer secrets go first, so a
 * secret that contains another is masked whole; empty strings are ignored.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  const ordered = [...new Set(secrets)].filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
  let masked = text;
  for (const secret of ordered) masked = masked.split(secret).join(MASK);
  return masked;
}

/** maskSecrets through every string of a JSON-like value (arrays and plain objects). */
export function maskSecretsDeep<T>(value: T, secrets: readonly string[]): T {
  const mask = (item: unknown): unknown => {
    if (typeof item === 'string') return maskSecrets(item, secrets);
    if (Array.isArray(item)) return item.map(mask);
    if (typeof item === 'object' && item !== null) return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, mask(inner)]));
    return item;
  };
  return mask(value) as T;
}
