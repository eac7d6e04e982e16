import { readFileSync } from 'node:fs';
import type { EnvironmentConfig } from '../config/schema.js';
import type { RenderedFile } from '../plan/stages.js';
import { renderArtifacts } from '../render/render.js';
import type { EnvironmentRecord } from '../state/environment-record.js';

/** The files `release` writes to build/<env>/ and uploads: the render step's output for this config and instance. */
export function renderedFilesFor(config: EnvironmentConfig, record: EnvironmentRecord): RenderedFile[] {
  const acmeCaRoot = config.https?.acme_ca_root;
  const resticKey = config.backup?.remote?.ssh_private_key_path;
  const artifacts = renderArtifacts(config, {
    instanceIp: record.instance.address,
    sshPublicKey: publicKeyOf(config),
    acmeCaRoot: acmeCaRoot === undefined ? undefined : readOrUndefined(acmeCaRoot),
    resticSshKey: resticKey === undefined ? undefined : readOrUndefined(resticKey),
  });
  return [...artifacts].map(([path, artifact]) => ({ path, ...artifact }));
}

function publicKeyOf(config: EnvironmentConfig): string | undefined {
  return readOrUndefined(config.ssh_credentials.public_key_path)?.trim();
}

/** A missing file is reported by the config's warnings (an error for commands that connect); the render writes a placeholder. */
function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
