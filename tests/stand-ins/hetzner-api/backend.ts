/**
 * Where the stand-in's servers "run". In memory they are only addresses; the lab
 * plugs in a backend that starts a real LXD container per server, so the same
 * stand-in yields hosts the rest of the pipeline can configure.
 */

export interface MachineSpec {
  readonly id: number;
  readonly name: string;
  readonly image: string;
  readonly serverType: string;
  readonly location: string;
  readonly userData: string;
  /** OpenSSH public key lines of the keys given at creation. */
  readonly sshKeys: readonly string[];
}

export interface MachineAddresses {
  readonly ipv4: string;
  /** The server's /64, as the API shows it (`2001:db8:1::/64`). */
  readonly ipv6Network: string;
}

export interface ServerBackend {
  /** Creates and starts the machine; resolves once it has its addresses. */
  create(machine: MachineSpec): Promise<MachineAddresses>;
  /** Removes the machine; resolves once it is gone. */
  delete(machine: { readonly id: number; readonly name: string }): Promise<void>;
}

/** Addresses from the documentation ranges (RFC 5737, RFC 3849); nothing starts. */
export class InMemoryServerBackend implements ServerBackend {
  readonly machines = new Map<number, MachineSpec>();

  async create(machine: MachineSpec): Promise<MachineAddresses> {
    this.machines.set(machine.id, machine);
    return { ipv4: `203.0.113.${machine.id % 254 + 1}`, ipv6Network: `2001:db8:${machine.id.toString(16)}::/64` };
  }

  async delete(machine: { readonly id: number }): Promise<void> {
    this.machines.delete(machine.id);
  }
}
