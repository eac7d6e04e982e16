import type { EnvironmentConfig } from '../config/schema.js';
import { SshSession } from '../ssh/session.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import type { RemoteConnector, RemoteHost } from './ports.js';

/** Every exit status is an answer for the engine: the batch script reports which step failed. */
const ANY_EXIT_CODE = Array.from({ length: 256 }, (_, code) => code);

/**
 * The engine's RemoteHost over one SSH session: the environment's user, key and
 * port, the host key it trusted on first use, and uploads put in place as root
 * with the file's mode and owner.
 */
export function sshConnector(config: EnvironmentConfig, record: EnvironmentRecord, env: NodeJS.ProcessEnv = process.env): RemoteConnector {
  return async (address, signal): Promise<RemoteHost> => {
    const session = await SshSession.open({
      host: address,
      port: record.instance.ssh_port ?? config.ssh_credentials.port,
      username: config.ssh_credentials.username,
      privateKeyPath: config.ssh_credentials.private_key_path,
      knownHostKey: record.instance.ssh_host_key,
      env,
      signal,
    });
    return {
      hostKey: session.hostKey.fingerprint,
      exec: (script, options) => session.exec(script, { signal: options.signal, acceptExitCodes: ANY_EXIT_CODE, ...(options.onLine ? { onLine: options.onLine } : {}) }),
      upload: (content, target, options) => session.writeFile(target, content, { mode: options.mode, asRoot: true, ...(options.owner ? { owner: options.owner } : {}) }),
      close: () => session.close(),
    };
  };
}
