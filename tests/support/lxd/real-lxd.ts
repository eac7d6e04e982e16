/**
 * A real LXD for the provider tests: setup-lxd.sh installs, starts and initialises it
 * and imports the locally built Debian image (all idempotent, cached on disk). Needs
 * root, as CI has. Cleanup removes only the instances and profiles a test named.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SETUP_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'setup-lxd.sh');

/** Makes LXD ready and returns the alias of the test image (a first run builds it: minutes). */
export async function prepareLxd(): Promise<string> {
  if (process.getuid?.() !== 0) {
    throw new Error('the LXD provider tests need root (they install and start LXD); CI runs as root; run them with sudo');
  }
  try {
    const { stdout } = await run('bash', [SETUP_SCRIPT], { maxBuffer: 16 * 1024 * 1024 });
    const alias = stdout.trim().split('\n').at(-1);
    if (!alias) throw new Error('setup-lxd.sh printed no image alias');
    return alias;
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`setting up LXD failed (tests/support/lxd/setup-lxd.sh): ${failure.stderr?.trim() || failure.message}`);
  }
}

/** `lxc` for assertions and cleanup; the exit code is returned, never thrown. */
export async function lxc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('lxc', args, { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : 1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

/** Deletes exactly these instances and profiles, whatever state they are in. */
export async function removeTestResources(instances: readonly string[], profiles: readonly string[]): Promise<void> {
  for (const instance of instances) await lxc('delete', instance, '--force');
  for (const profile of profiles) await lxc('profile', 'delete', profile);
}
