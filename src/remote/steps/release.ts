import type { EnvironmentConfig } from '../../config/schema.js';
import { shellQuote } from '../../render/quote.js';
import { databaseModule } from '../../stack/databases.js';
import { deployedServices, stackServices } from '../../stack/queries.js';
import type { StorageDirectory } from '../../stack/types.js';
import { DEPLOY_DIR, type HostStep } from './step.js';

/** A rendered file and where it goes on the host. */
export interface HostFile {
  /** Path relative to the render output (or the upload staging directory). */
  readonly source: string;
  /** Absolute path on the host. */
  readonly target: string;
  readonly mode: number;
  /** user:group (names or ids). */
  readonly owner: string;
}

/**
 * `release`: storage directories owned by the containers that write them, the
 * rendered files installed with their modes, then each stack service's own
 * steps (the SQLite file, the backup log or the removal of the backup cron).
 * `sourceDir` is a shell word naming where the rendered files are on the host.
 */
export function releaseSteps(config: EnvironmentConfig, files: readonly HostFile[], sourceDir: string): HostStep[] {
  const { beforeFiles, afterFiles } = releaseStepsAroundFiles(config);
  return [...beforeFiles, installFiles(files, sourceDir), ...afterFiles];
}

/**
 * The release steps other than putting the files in place, split where the files
 * go: release.sh installs them from a staging directory, the pipeline uploads them.
 */
export function releaseStepsAroundFiles(config: EnvironmentConfig): { beforeFiles: HostStep[]; afterFiles: HostStep[] } {
  const database = databaseModule(config.tracker.core.database.driver);
  const afterFiles = [...(database.releaseSteps?.(config) ?? []), ...stackServices().flatMap((service) => service.releaseSteps?.(config) ?? [])];
  return { beforeFiles: [storageDirectories(config)], afterFiles };
}

/** The storage directories of every deployed service, owned by whoever writes them (the deploy user, root, or a container's uid). */
export function storageDirectories(config: EnvironmentConfig): HostStep {
  const user = shellQuote(config.ssh_credentials.username);
  const storage = `${DEPLOY_DIR}/storage`;
  const make = (owner: string, mode: string, paths: string[]) => `install -d -m ${mode} -o ${owner} -g ${owner} ${paths.join(' ')}`;
  const ownerOf = (owner: StorageDirectory['owner']) => (owner === 'deploy-user' ? user : String(owner));
  const commands = [
    make(user, '0755', [DEPLOY_DIR, storage]),
    ...deployedServices(config).flatMap((service) => service.storage?.(config) ?? []).map((directory) => make(ownerOf(directory.owner), directory.mode, directory.paths.map((path) => `${storage}/${path}`))),
  ];
  return { id: 'storage-directories', title: 'Create the storage directories', commands };
}

export function installFiles(files: readonly HostFile[], sourceDir: string): HostStep {
  return {
    id: 'install-files',
    title: 'Install the configuration files',
    commands: files.map((file) => {
      const [user = 'root', group = user] = file.owner.split(':');
      const mode = file.mode.toString(8).padStart(4, '0');
      return `install -D -m ${mode} -o ${shellQuote(user)} -g ${shellQuote(group)} ${sourceDir}/${shellQuote(file.source)} ${shellQuote(file.target)}`;
    }),
  };
}
