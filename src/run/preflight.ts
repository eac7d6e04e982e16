import type { EnvironmentConfig } from '../config/schema.js';
import { resolveAuth } from '../ssh/private-key.js';
import { assertLockFree } from '../state/lock.js';

/**
 * What a command that acts on the host checks before it acts, run by the real
 * command and by its dry run alike, so both fail with the same error: the SSH
 * key can be used, and (for a command that takes the lock without waiting) no
 * live process holds the lock.
 */
export async function preflight(workingDir: string, environment: string, config: EnvironmentConfig, env: NodeJS.ProcessEnv, lock: { readonly waitSeconds: number } | undefined): Promise<void> {
  await resolveAuth(config.ssh_credentials.private_key_path, env);
  if (lock?.waitSeconds === 0) await assertLockFree(workingDir, environment);
}
