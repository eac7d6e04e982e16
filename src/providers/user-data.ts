import { readFile } from 'node:fs/promises';
import type { EnvironmentConfig } from '../config/schema.js';
import { DeployerError } from '../domain/errors.js';
import { renderArtifacts } from '../render/render.js';

/** The public key new instances let in, as one line. */
export async function readPublicKey(config: EnvironmentConfig): Promise<string> {
  const path = config.ssh_credentials.public_key_path;
  const key = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new DeployerError('ssh.key_unreadable', `The SSH public key ${path} cannot be read (${error.code ?? error.message}); cloud-init needs it to let you in.`, {
      where: 'ssh_credentials.public_key_path',
      fix: 'point public_key_path at the .pub file of your key pair (ssh-keygen -t ed25519 creates one)',
    });
  });
  return key.trim();
}

/** The cloud-init user data a new instance boots with: the rendered cloud-init.yml with the config's public key. */
export async function cloudInitUserData(config: EnvironmentConfig, publicKey?: string): Promise<string> {
  const cloudInit = renderArtifacts(config, { sshPublicKey: publicKey ?? (await readPublicKey(config)) }).get('cloud-init.yml');
  if (!cloudInit) throw new Error('the renderer produced no cloud-init.yml');
  return cloudInit.content;
}
