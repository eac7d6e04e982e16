import { formatKeyPath, type KeyPath, type PendingProblem } from './problems.js';

/**
 * Top-level keys the Rust deployer accepts (and ignores) that this tool ignores too:
 * its users' files keep loading, with a warning. Any other unknown key is an error,
 * because a mistyped key (`privte = true`) would otherwise deploy something else
 * than the user wrote. The JSON Schema declares these keys as deprecated (json-schema.ts).
 */
export const IGNORED_FOREIGN_KEYS: ReadonlyMap<string, string> = new Map([
  [
    'caddy',
    'the Rust deployer ignores a "caddy" section, and so does this tool. HTTPS is set per service: domain + use_tls_proxy = true, plus [https] admin_email',
  ],
]);

export function unknownKeyProblem(parent: KeyPath, key: string, known: readonly string[]): PendingProblem {
  const path = [...parent, key];
  const where = parent.length === 0 ? 'at the top level' : `in ${formatKeyPath(parent)}`;
  const foreign = parent.length === 0 ? IGNORED_FOREIGN_KEYS.get(key) : undefined;
  if (foreign) {
    return { severity: 'warning', code: 'config.ignored_key', path, message: `"${key}" ${where} is ignored: ${foreign}`, fix: `remove "${key}"` };
  }
  const suggestion = closestKey(key, known);
  return {
    severity: 'error',
    code: 'config.unknown_key',
    path,
    message: `unknown key "${key}" ${where}`,
    fix: suggestion ? `did you mean "${suggestion}"?` : `remove it, or use one of the keys allowed ${where}: ${known.join(', ')}`,
  };
}

export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  const limit = Math.max(2, Math.floor(key.length / 3));
  for (const candidate of candidates) {
    // The distance is at least the difference in length: a far longer key needs no comparison (it may be megabytes).
    if (Math.abs(key.length - candidate.length) > limit) continue;
    const distance = levenshtein(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (best && best.distance <= limit) return best.candidate;
  return candidates.find((candidate) => lower.length >= 4 && (candidate.includes(lower) || lower.includes(candidate)));
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
