import { lxcProblem } from './next-steps.js';
import type { PreparedConfig } from './prepare.js';
import { missingKeyFiles } from './ssh-keygen.js';

/** What the wizard checks before it writes: the key files the config names, and `lxc` for LXD. */
export interface WriteChecks {
  /** The key the config names, when files of it are missing and it is not about to be generated. */
  readonly missingKey: { readonly path: string; readonly missing: 'pair' | 'public' } | undefined;
  readonly warnings: readonly string[];
}

export function writeChecks(prepared: PreparedConfig, env: NodeJS.ProcessEnv): WriteChecks {
  const path = prepared.config.ssh_credentials.private_key_path;
  const missing = prepared.keyToGenerate === undefined ? missingKeyFiles(path) : undefined;
  const lxc = lxcProblem(prepared.config, env);
  return { missingKey: missing === undefined ? undefined : { path, missing }, warnings: lxc === undefined ? [] : [lxc] };
}

export function anyProblem(checks: WriteChecks): boolean {
  return checks.missingKey !== undefined || checks.warnings.length > 0;
}
