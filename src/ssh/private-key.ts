import { readFile, stat } from 'node:fs/promises';
import { DeployerError } from '../domain/errors.js';

/** How the session authenticates: the key file itself, or the SSH agent holding it. */
export type SshAuth =
  | { readonly kind: 'key'; readonly privateKey: string }
  | { readonly kind: 'agent'; readonly socket: string };

const OPENSSH_MAGIC = 'openssh-key-v1\0';

/**
 * Whether a private key file is protected by a passphrase. Recognises the OpenSSH
 * format (cipher name other than `none`, bcrypt KDF), PKCS#8 (`BEGIN ENCRYPTED
 * PRIVATE KEY`), legacy PEM (`Proc-Type: 4,ENCRYPTED`) and PuTTY (`Encryption:`).
 */
export function isEncryptedPrivateKey(text: string): boolean {
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) return true;
  if (/^Proc-Type:\s*4,ENCRYPTED/m.test(text)) return true;
  if (/^Encryption:\s*(?!none\b)\S+/m.test(text)) return true;
  const openssh = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (openssh?.[1] !== undefined) return opensshCipherOf(Buffer.from(openssh[1].replace(/\s+/g, ''), 'base64')) !== 'none';
  return false;
}

/** The cipher name of an OpenSSH private key blob: magic, then string ciphername. */
function opensshCipherOf(blob: Buffer): string {
  const magicLength = OPENSSH_MAGIC.length;
  if (blob.length < magicLength + 4 || blob.subarray(0, magicLength).toString('latin1') !== OPENSSH_MAGIC) return 'unreadable';
  const length = blob.readUInt32BE(magicLength);
  const start = magicLength + 4;
  if (start + length > blob.length) return 'unreadable';
  return blob.subarray(start, start + length).toString('latin1');
}

function looksLikePrivateKey(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text) || /^PuTTY-User-Key-File-\d+:/m.test(text);
}

/** The key file is missing or cannot be read (`error` is what reading it threw). */
export function unreadableKeyError(keyPath: string, error: unknown): DeployerError {
  const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
  return new DeployerError('ssh.key_unreadable', `The SSH private key ${keyPath} ${reason}`, {
    where: keyPath,
    fix: 'set ssh_credentials.private_key_path to the private key whose public half is on the server (ssh-keygen -t ed25519 makes a pair)',
  });
}

/**
 * Picks how to authenticate with the key at `keyPath`. A key without a passphrase is
 * used directly. A protected key is never prompted for here (commands may run without
 * a terminal): the SSH agent named by SSH_AUTH_SOCK is used instead, and without one
 * the error says how to start it.
 */
export async function resolveAuth(keyPath: string, env: NodeJS.ProcessEnv): Promise<SshAuth> {
  let text: string;
  try {
    text = await readFile(keyPath, 'utf8');
  } catch (error) {
    throw unreadableKeyError(keyPath, error);
  }
  if (!looksLikePrivateKey(text)) {
    throw new DeployerError('ssh.key_unreadable', `${keyPath} is not an SSH private key${text.startsWith('ssh-') ? ' (it is a public key)' : ''}`, {
      where: keyPath,
      fix: 'point ssh_credentials.private_key_path at the private key file (without .pub)',
    });
  }
  if (!isEncryptedPrivateKey(text)) return { kind: 'key', privateKey: text };

  const socket = env['SSH_AUTH_SOCK'];
  if (socket !== undefined && socket !== '' && (await isSocket(socket))) return { kind: 'agent', socket };
  throw new DeployerError(
    'ssh.key_encrypted',
    `The SSH private key ${keyPath} is protected by a passphrase, and no SSH agent is running to hold it` +
      (socket ? ` (SSH_AUTH_SOCK=${socket} is not a socket)` : ' (SSH_AUTH_SOCK is not set)'),
    {
      where: keyPath,
      fix: `start an agent and add the key once, then run the command again from that shell: eval "$(ssh-agent)" && ssh-add ${keyPath}`,
    },
  );
}

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isSocket();
  } catch {
    return false;
  }
}
