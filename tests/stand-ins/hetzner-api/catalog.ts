/**
 * What the stand-in's pretend project can order: a few real Hetzner locations,
 * server types and system images, in the shapes of `GET /locations`,
 * `/server_types` and `/images`. Prices are made up (net, and gross with German
 * VAT) but shaped as the API returns them. Deprecation dates are relative to the
 * stand-in's clock, so the catalog means the same in a test on a virtual clock
 * and in the lab on the real one.
 */

export const LOCATIONS = [
  { id: 1, name: 'fsn1', description: 'Falkenstein DC Park 1', country: 'DE', city: 'Falkenstein', latitude: 50.47612, longitude: 12.370071, network_zone: 'eu-central' },
  { id: 2, name: 'nbg1', description: 'Nuremberg DC Park 1', country: 'DE', city: 'Nuremberg', latitude: 49.452102, longitude: 11.076665, network_zone: 'eu-central' },
  { id: 3, name: 'hel1', description: 'Helsinki DC Park 1', country: 'FI', city: 'Helsinki', latitude: 60.169855, longitude: 24.938379, network_zone: 'eu-central' },
  { id: 4, name: 'ash', description: 'Ashburn, VA', country: 'US', city: 'Ashburn, VA', latitude: 39.045821, longitude: -77.487073, network_zone: 'us-east' },
];

export type LocationEntry = (typeof LOCATIONS)[number];

export interface Deprecation {
  announced: string;
  unavailable_after: string;
}

export interface Price {
  location: string;
  price_hourly: { net: string; gross: string };
  price_monthly: { net: string; gross: string };
  included_traffic: number;
  price_per_tb_traffic: { net: string; gross: string };
}

export interface ServerTypeEntry {
  id: number;
  name: string;
  description: string;
  category: string;
  cores: number;
  memory: number;
  disk: number;
  storage_type: 'local' | 'network';
  cpu_type: 'shared' | 'dedicated';
  architecture: 'x86' | 'arm';
  deprecated: boolean;
  deprecation: Deprecation | null;
  included_traffic: number;
  prices: Price[];
  locations: { id: number; name: string; deprecation: Deprecation | null }[];
}

const DAY = 86_400_000;
const TRAFFIC_EU = 20 * 1024 ** 4;
const TRAFFIC_US = 1 * 1024 ** 4;

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** A deprecation announced a while before `now`, ending `daysLeft` days after it (negative: already over). */
export function deprecationAt(now: number, daysLeft: number): Deprecation {
  return { announced: isoTime(now + (daysLeft - 120) * DAY), unavailable_after: isoTime(now + daysLeft * DAY) };
}

/** The pretend project owner's VAT rate and currency (the API prices in the owner's). */
export const VAT_RATE = '19.00';
export const CURRENCY = 'EUR';

/** Net to gross with the VAT rate, in the API's decimal strings. */
function money(net: number, digits: number): { net: string; gross: string } {
  return { net: net.toFixed(digits), gross: (net * (1 + Number(VAT_RATE) / 100)).toFixed(digits) };
}

function type(id: number, name: string, spec: { cores: number; memory: number; disk: number; architecture?: 'x86' | 'arm'; cpu?: 'shared' | 'dedicated'; monthlyNet: number; where: readonly string[]; deprecation?: Deprecation }): ServerTypeEntry {
  const locations = LOCATIONS.filter((location) => spec.where.includes(location.name));
  const deprecation = spec.deprecation ?? null;
  return {
    id,
    name,
    description: name.toUpperCase(),
    category: spec.cpu === 'dedicated' ? 'dedicated_cpu' : 'cost_optimized',
    cores: spec.cores,
    memory: spec.memory,
    disk: spec.disk,
    storage_type: 'local',
    cpu_type: spec.cpu ?? 'shared',
    architecture: spec.architecture ?? 'x86',
    deprecated: deprecation !== null,
    deprecation,
    included_traffic: TRAFFIC_EU,
    prices: locations.map((location) => ({
      location: location.name,
      price_hourly: money(spec.monthlyNet / 730, 10),
      price_monthly: money(spec.monthlyNet, 10),
      included_traffic: location.network_zone === 'us-east' ? TRAFFIC_US : TRAFFIC_EU,
      price_per_tb_traffic: money(1, 10),
    })),
    locations: locations.map(({ id: locationId, name: locationName }) => ({ id: locationId, name: locationName, deprecation })),
  };
}

const EU = ['fsn1', 'nbg1', 'hel1'];
const EVERYWHERE = LOCATIONS.map((location) => location.name);

/**
 * cx23 (the deployer's default), cx33, cpx22 (also in ash), cax11 (ARM); cx22 is
 * deprecated but orderable for 60 more days; cx11's date has passed, so the API
 * no longer lists it (the stand-in keeps it to show exactly that).
 */
export function serverTypeCatalog(now: number): ServerTypeEntry[] {
  return [
    type(114, 'cx23', { cores: 2, memory: 4, disk: 40, monthlyNet: 2.99, where: EU }),
    type(115, 'cx33', { cores: 4, memory: 8, disk: 80, monthlyNet: 4.99, where: EU }),
    type(108, 'cpx22', { cores: 2, memory: 4, disk: 80, monthlyNet: 5.99, where: EVERYWHERE }),
    type(45, 'cax11', { cores: 2, memory: 4, disk: 40, architecture: 'arm', monthlyNet: 3.79, where: EU }),
    type(22, 'cx22', { cores: 2, memory: 4, disk: 40, monthlyNet: 3.79, where: EU, deprecation: deprecationAt(now, 60) }),
    type(1, 'cx11', { cores: 1, memory: 2, disk: 20, monthlyNet: 3.29, where: EU, deprecation: deprecationAt(now, -90) }),
  ];
}

/** System images for x86 and ARM; `debian-11` is deprecated (still usable, listed only with include_deprecated). */
export function imageCatalog(now: number) {
  return ['ubuntu-24.04', 'ubuntu-22.04', 'debian-12', 'debian-13', 'debian-11'].flatMap((name, index) =>
    (['x86', 'arm'] as const).map((architecture) => ({
      id: 100 + index * 2 + (architecture === 'arm' ? 1 : 0),
      name,
      description: name.replace('-', ' ').replace(/^./, (letter) => letter.toUpperCase()),
      type: 'system' as const,
      status: 'available' as const,
      image_size: null,
      disk_size: 5,
      created: isoTime(now - 400 * DAY),
      created_from: null,
      bound_to: null,
      os_flavor: name.split('-')[0]!,
      os_version: name.split('-')[1]!,
      rapid_deploy: true,
      protection: { delete: false },
      deprecated: name === 'debian-11' ? isoTime(now - 30 * DAY) : null,
      deleted: null,
      labels: {},
      architecture,
    })),
  );
}

export type ImageEntry = ReturnType<typeof imageCatalog>[number];

/**
 * `GET /pricing`'s `pricing` object: the project's currency and VAT rate, and per
 * server type (the orderable ones) its prices per location, as in the type's own
 * `prices`. The sections for resources the stand-in does not offer carry the
 * documented shape with made-up prices.
 */
export function pricing(types: readonly ServerTypeEntry[]) {
  const perLocation = (monthlyNet: number) => LOCATIONS.map((location) => ({ location: location.name, price_hourly: money(monthlyNet / 730, 10), price_monthly: money(monthlyNet, 10) }));
  return {
    currency: CURRENCY,
    vat_rate: VAT_RATE,
    image: { price_per_gb_month: money(0.011, 10) },
    volume: { price_per_gb_month: money(0.044, 10) },
    server_backup: { percentage: '20.00' },
    floating_ip: { price_monthly: money(3, 10) },
    floating_ips: [{ type: 'ipv4', prices: LOCATIONS.map((location) => ({ location: location.name, price_monthly: money(3, 10) })) }],
    primary_ips: (['ipv4', 'ipv6'] as const).map((ipType) => ({ type: ipType, prices: perLocation(ipType === 'ipv4' ? 0.5 : 0) })),
    traffic: { price_per_tb: money(1, 10) },
    server_types: types.map((type) => ({ id: type.id, name: type.name, prices: type.prices })),
    load_balancer_types: [],
  };
}
