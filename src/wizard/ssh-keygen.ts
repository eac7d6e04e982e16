import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { DeployerError } from '../domain/errors.js';

/** Which files of the key pair at `path` (private key; public key = path + .pub) are missing. */
export function missingKeyFiles(path: string): 'pair' | 'public' | undefined {
  if (!existsSync(path)) return 'pair';
  return existsSync(`${path}.pub`) ? undefined : 'public';
}

/**
 * Creates an ed25519 key pair without a passphrase at `path` (and path.pub); an existing pair is
 * kept, and a private key without its .pub gets it written beside it (ssh-keygen -y).
 */
export async function ensureKeyPair(path: string): Promise<'created' | 'kept'> {
  const missing = missingKeyFiles(path);
  if (missing === undefined) return 'kept';
  try {
    if (missing === 'public') {
      // -P '': a key with a passphrase fails here rather than waiting for one nobody can type.
      const { stdout } = await promisify(execFile)('ssh-keygen', ['-y', '-P', '', '-f', path]);
      await writeFile(`${path}.pub`, stdout, { mode: 0o644, flag: 'wx' });
      return 'created';
    }
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'torrust-tracker-deployer', '-f', path]);
    return 'created';
  } catch (error) {
    const notInstalled = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DeployerError('io.write_failed', notInstalled ? 'ssh-keygen is not installed, so no key pair can be generated' : `Cannot ${missing === 'public' ? 'write the public key of' : 'generate an SSH key pair at'} ${path}: ${(error as Error).message}`, {
      where: path,
      fix: notInstalled ? 'install OpenSSH (openssh-client), or choose an existing key with --ssh-key PATH' : 'check that the directory is writable, or choose an existing key with --ssh-key PATH',
    });
  }
}
