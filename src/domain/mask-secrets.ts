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
