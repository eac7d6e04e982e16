/**
 * What a configure or release re-run would touch on a host, to compare before and after:
 * the active firewall; every file the stages write, with mode, owner, mtime and ctime (so
 * a chmod or chown shows too), apt's lists and dpkg's status among them; the storage
 * directories' modes and owners (their contents belong to the running services); and each
 * container's id and start time.
 */
export interface HostFingerprint {
  readonly ufw: string;
  readonly files: readonly string[];
  readonly containers: string;
}

const WRITTEN = ['/etc/ufw', '/etc/default/ufw', '/etc/docker', '/etc/apt/apt.conf.d', '/etc/cron.d', '/var/lib/dpkg/status', '/var/lib/apt/lists', '/usr/local/bin'];

export async function hostFingerprint(onInstance: (command: string) => Promise<string>): Promise<HostFingerprint> {
  const ufw = await onInstance('ufw status verbose');
  const written = `find ${WRITTEN.join(' ')} /opt/torrust -path /opt/torrust/storage -prune -o -printf '%p %m %u:%g %T@ %C@\\n' 2>/dev/null`;
  const storage = `find /opt/torrust/storage -type d -printf '%p %m %u:%g\\n' 2>/dev/null`;
  const configs = `find /opt/torrust/storage -path '*/etc/*' -type f -printf '%p %m %u:%g %T@ %C@\\n' 2>/dev/null`;
  const files = (await onInstance(`{ ${written}; ${storage}; ${configs}; } | sort`)).split('\n');
  const containers = await onInstance(`if command -v docker >/dev/null; then docker ps --all --quiet | xargs -r docker inspect --format '{{.Name}} {{.Id}} {{.State.StartedAt}}' | sort; fi`);
  return { ufw, files, containers };
}
