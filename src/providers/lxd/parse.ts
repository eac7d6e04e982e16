/** What the provider needs from `lxc list NAME --format json` for one instance. */
export interface InstanceView {
  readonly name: string;
  /** "virtual-machine" or "container". */
  readonly type: string;
  /** "Running", "Stopped", ... */
  readonly status: string;
  /** The first global IPv4 address on a non-loopback interface, once there is one. */
  readonly address: string | undefined;
}

interface ListedAddress {
  family?: string;
  scope?: string;
  address?: string;
}
interface ListedInstance {
  name?: string;
  type?: string;
  status?: string;
  state?: { network?: Record<string, { addresses?: ListedAddress[] }> | null } | null;
}

/** The instance with exactly this name (`lxc list` matches prefixes), or undefined. */
export function instanceFromList(json: string, name: string): InstanceView | undefined {
  const listed = (JSON.parse(json) as ListedInstance[]).find((instance) => instance.name === name);
  if (!listed) return undefined;
  // Interfaces: eth0 in containers, enp5s0 in VMs; the bridges Docker makes inside
  // (docker0, br-*) have global addresses too but are not reachable from outside.
  const interfaces = Object.entries(listed.state?.network ?? {}).filter(([iface]) => iface !== 'lo' && !/^(docker|br-|veth)/.test(iface));
  const address = interfaces
    .flatMap(([, network]) => network.addresses ?? [])
    .find((entry) => entry.family === 'inet' && entry.scope === 'global' && entry.address)?.address;
  return { name, type: listed.type ?? 'container', status: listed.status ?? 'Unknown', address };
}

export type CloudInitState =
  | { readonly phase: 'running'; readonly detail: string }
  | { readonly phase: 'done'; readonly detail: string }
  | { readonly phase: 'error'; readonly detail: string }
  | { readonly phase: 'disabled'; readonly detail: string };

/**
 * Reads `cloud-init status --long`. Exit 0 is done, 2 is done with recoverable
 * errors (still done), 1 is an error; the text decides the rest ("not started",
 * "running").
 */
export function cloudInitStateOf(stdout: string, exitCode: number): CloudInitState {
  const status = /^status:\s*(.+)$/m.exec(stdout)?.[1]?.trim() ?? '';
  const detail = stdout.trim();
  if (status === 'disabled') return { phase: 'disabled', detail };
  if (status === 'error' || (exitCode === 1 && status !== 'running' && status !== 'not started' && status !== '')) return { phase: 'error', detail };
  if (status === 'done') return { phase: 'done', detail };
  return { phase: 'running', detail: detail || `exit code ${exitCode}` };
}

/** Whether the server can run virtual machines: `environment.driver` lists "qemu" when it can. */
export function serverRunsVms(serverJson: string): boolean {
  const server = JSON.parse(serverJson) as { environment?: { driver?: string } };
  return (server.environment?.driver ?? '').split('|').some((driver) => driver.trim() === 'qemu');
}

/** The user-data key the server understands (the `cloud_init` API extension brought `cloud-init.*`). */
export function serverHasCloudInitKeys(serverJson: string): boolean {
  const server = JSON.parse(serverJson) as { api_extensions?: string[] };
  return (server.api_extensions ?? []).includes('cloud_init');
}
