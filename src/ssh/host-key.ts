import { createHash } from 'node:crypto';
import { DeployerError } from '../domain/errors.js';

/** A server's host key as OpenSSH names it: `ssh-ed25519`, `SHA256:<base64 without padding>`. */
export interface HostKey {
  readonly algorithm: string;
  readonly fingerprint: string;
}

/** The host key in an SSH public key blob (RFC 4253 §6.6: string algorithm, then key data). */
export function hostKeyOf(blob: Buffer): HostKey {
  return { algorithm: algorithmOf(blob), fingerprint: fingerprintOf(blob) };
}

/** The fingerprint `ssh-keygen -lf` and `ssh` print: SHA256 of the blob, base64 without `=`. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function algorithmOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > blob.length) return 'unknown';
  return blob.subarray(4, 4 + length).toString('latin1');
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** Whether a string is a fingerprint in OpenSSH's form (for values read from state or flags). */
export function isFingerprint(value: string): boolean {
  return FINGERPRINT.test(value);
}

export type HostKeyVerdict =
  /** Nothing was known: the caller stores the key. */
  | { readonly trusted: true; readonly change: 'first-use' }
  | { readonly trusted: true; readonly change: 'none' }
  /** The key differs from the known one, and the caller accepted this exact new key. */
  | { readonly trusted: true; readonly change: 'replaced' }
  | { readonly trusted: false };

/**
 * Trust on first use: no known key → trust and record; the known key → trust; any
 * other key → refuse, unless the caller deliberately accepts that exact fingerprint.
 */
export function judgeHostKey(seen: HostKey, known: string | undefined, accepted: string | undefined): HostKeyVerdict {
  if (known === undefined) return { trusted: true, change: 'first-use' };
  if (seen.fingerprint === known) return { trusted: true, change: 'none' };
  if (accepted !== undefined && seen.fingerprint === accepted) return { trusted: true, change: 'replaced' };
  return { trusted: false };
}

export function hostKeyChangedError(address: string, known: string, seen: HostKey): DeployerError {
  return new DeployerError(
    'ssh.host_key_changed',
    `The host key of ${address} has changed: expected ${known}, the server offered ${seen.algorithm} ${seen.fingerprint}. ` +
      'This happens when the server was rebuilt, and also when someone is intercepting the connection; nothing was run on it.',
    {
      where: address,
      fix:
        `Check the key on the server itself (its console: ssh-keygen -lf /etc/ssh/ssh_host_${shortAlgorithm(seen.algorithm)}_key.pub). ` +
        `If it shows ${seen.fingerprint}, accept it deliberately with --accept-host-key ${seen.fingerprint}.`,
      data: { expected_fingerprint: known, offered_fingerprint: seen.fingerprint, offered_algorithm: seen.algorithm },
    },
  );
}

/** `ssh-ed25519` → `ed25519`, `ecdsa-sha2-nistp256` → `ecdsa`, `ssh-rsa`/`rsa-sha2-*` → `rsa`: the host key file names. */
function shortAlgorithm(algorithm: string): string {
  if (algorithm.includes('ed25519')) return 'ed25519';
  if (algorithm.startsWith('ecdsa')) return 'ecdsa';
  if (algorithm.includes('rsa')) return 'rsa';
  return '*';
}
