/** One thing wrong (or worth a warning) in a config file, located as precisely as the format allows. */
export interface ConfigProblem {
  readonly severity: 'error' | 'warning';
  /** Stable code, documented in docs/reference/errors.md. */
  readonly code: string;
  /** Key path such as "tracker.http_trackers[0].bind_address"; empty for the whole file. */
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  readonly fix: string;
  /** A warning that becomes an error before any command that connects to the instance or a provider. */
  readonly blocksConnect?: boolean;
}

export type KeyPath = readonly (string | number)[];

export function formatKeyPath(path: KeyPath): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

export function samePath(a: KeyPath, b: KeyPath): boolean {
  return a.length === b.length && a.every((part, index) => String(part) === String(b[index]));
}

/** A problem before it is located in the file text. */
export type PendingProblem = Omit<ConfigProblem, 'path' | 'line' | 'column'> & { readonly path: KeyPath };
