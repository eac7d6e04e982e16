import { readFileSync } from 'node:fs';
import type { EnvironmentConfig } from '../config/schema.js';
import type { RenderedFile } from '../plan/stages.js';
import { renderArtifacts } from '../render/render.js';
import type { EnvironmentRecord } from '../state/environment-record.js';

/** The files `release` writes to build/<env>/ and uploads: the render step's output for this config and instance. */
export function renderedFilesFor(config: EnvironmentConfig, record: EnvironmentRecord): RenderedFile[] {
  const artifacts = renderArtifacts(config, { instanceIp: record.instance.address, sshPublicKey: publicKeyOf(config) });
  return [...artifacts].map(([path, artifact]) => ({ path, ...artifact }));
}

function publicKeyOf(config: EnvironmentConfig): string | undefined {
  try {
    return readFileSync(config.ssh_credentials.public_key_path, 'utf8').trim();
  } catch {
    return undefined;
  }
}
