import { createHash } from 'node:crypto';
import { DeployerError } from '../../domain/errors.js';

/** The MD5 fingerprint Hetzner shows and filters by (`aa:bb:...`), from an OpenSSH public key line. */
export function sshKeyFingerprint(publicKey: string): string {
  const blob = publicKey.trim().split(/\s+/)[1];
  const bytes = blob === undefined ? Buffer.alloc(0) : Buffer.from(blob, 'base64');
  if (bytes.length === 0) {
    throw new DeployerError('config.invalid', 'The SSH public key is not an OpenSSH public key line ("ssh-ed25519 AAAA... comment").', {
      where: 'ssh_credentials.public_key_path',
      fix: 'point public_key_path at the .pub file of your key pair (ssh-keygen -t ed25519 creates one)',
    });
  }
  return createHash('md5')
    .update(bytes)
    .digest('hex')
    .replace(/(..)(?!$)/g, '$1:');
}
