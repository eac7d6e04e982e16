import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { DeployerError } from '../domain/errors.js';

/** Creates an ed25519 key pair without a passphrase at `path` (and path.pub); an existing pair is kept. */
export async function ensureKeyPair(path: string): Promise<'created' | 'kept'> {
  if (existsSync(path) && existsSync(`${path}.pub`)) return 'kept';
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'torrust-tracker-deployer', '-f', path]);
    return 'created';
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DeployerError('io.write_failed', missing ? 'ssh-keygen is not installed, so no key pair can be generated' : `Cannot generate an SSH key pair at ${path}: ${(error as Error).message}`, {
      where: path,
      fix: missing ? 'install OpenSSH (openssh-client), or choose an existing key with --ssh-key PATH' : 'check that the directory is writable, or choose an existing key with --ssh-key PATH',
    });
  }
}
