/** The parts of the Hetzner Cloud API objects the deployer reads (docs.hetzner.cloud, hcloud-go `hcloud/schema`). */

export type Labels = Record<string, string>;

export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: ApiErrorDetails | null };
}

export interface ApiErrorDetails {
  readonly fields?: readonly { readonly name: string; readonly messages?: readonly string[] }[];
  readonly [key: string]: unknown;
}

export interface Pagination {
  readonly page: number;
  readonly per_page: number;
  readonly previous_page: number | null;
  readonly next_page: number | null;
  readonly last_page: number | null;
  readonly total_entries: number | null;
}

export interface Action {
  readonly id: number;
  readonly command: string;
  readonly status: 'running' | 'success' | 'error';
  readonly progress: number;
  readonly started: string;
  readonly finished: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly resources: readonly { readonly id: number; readonly type: string }[];
}

export interface Deprecation {
  readonly announced: string;
  readonly unavailable_after: string;
}

export interface Money {
  readonly net: string;
  readonly gross: string;
}

export interface Location {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly country: string;
  readonly city: string;
  readonly network_zone: string;
}

export interface ServerType {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly cores: number;
  readonly memory: number;
  readonly disk: number;
  readonly architecture: 'x86' | 'arm';
  readonly deprecation: Deprecation | null;
  /** Per location, net and gross, as decimal strings. */
  readonly prices?: readonly { readonly location: string; readonly price_hourly: Money; readonly price_monthly: Money }[];
  /** Where the type is offered; each entry may carry its own deprecation. */
  readonly locations?: readonly { readonly id: number; readonly name: string; readonly deprecation: Deprecation | null }[];
}

export interface Image {
  readonly id: number;
  readonly name: string | null;
  readonly type: 'system' | 'app' | 'snapshot' | 'backup';
  readonly status: 'available' | 'creating' | 'unavailable';
  readonly architecture: 'x86' | 'arm';
  readonly deprecated: string | null;
}

export interface SshKey {
  readonly id: number;
  readonly name: string;
  readonly fingerprint: string;
  readonly public_key: string;
  readonly labels: Labels;
}

export interface FirewallRule {
  readonly direction: 'in' | 'out';
  readonly protocol: 'tcp' | 'udp' | 'icmp' | 'esp' | 'gre';
  readonly port?: string;
  readonly source_ips: readonly string[];
  readonly destination_ips?: readonly string[];
  readonly description?: string | null;
}

export type FirewallResource = { readonly type: 'server'; readonly server: { readonly id: number } } | { readonly type: 'label_selector'; readonly label_selector: { readonly selector: string } };

export interface Firewall {
  readonly id: number;
  readonly name: string;
  readonly labels: Labels;
  readonly rules: readonly FirewallRule[];
  readonly applied_to: readonly FirewallResource[];
}

export interface Server {
  readonly id: number;
  readonly name: string;
  readonly status: 'initializing' | 'starting' | 'running' | 'stopping' | 'off' | 'deleting' | 'migrating' | 'rebuilding' | 'unknown';
  readonly labels: Labels;
  readonly public_net: {
    readonly ipv4: { readonly ip: string } | null;
    /** A /64 network; the server answers on its `::1`. */
    readonly ipv6: { readonly ip: string } | null;
    readonly firewalls?: readonly { readonly id: number; readonly status: string }[];
  };
}
