/**
 * What the stand-in's pretend project can order: a few real Hetzner locations,
 * server types (one deprecated, one ARM, one not offered everywhere) and system
 * images, in the shapes of `GET /locations`, `/server_types` and `/images`.
 */

const deprecation = { announced: '2025-06-01T00:00:00+00:00', unavailable_after: '2025-09-01T00:00:00+00:00' };

export const LOCATIONS = [
  { id: 1, name: 'fsn1', description: 'Falkenstein DC Park 1', country: 'DE', city: 'Falkenstein', latitude: 50.47612, longitude: 12.370071, network_zone: 'eu-central' },
  { id: 2, name: 'nbg1', description: 'Nuremberg DC Park 1', country: 'DE', city: 'Nuremberg', latitude: 49.452102, longitude: 11.076665, network_zone: 'eu-central' },
  { id: 3, name: 'hel1', description: 'Helsinki DC Park 1', country: 'FI', city: 'Helsinki', latitude: 60.169855, longitude: 24.938379, network_zone: 'eu-central' },
  { id: 4, name: 'ash', description: 'Ashburn, VA', country: 'US', city: 'Ashburn, VA', latitude: 39.045821, longitude: -77.487073, network_zone: 'us-east' },
];

const everywhere = LOCATIONS.map(({ id, name }) => ({ id, name, deprecation: null }));

export function serverTypeCatalog(): ServerTypeEntry[] {
  return [
    { id: 22, name: 'cx22', description: 'CX22', cores: 2, memory: 4, disk: 40, storage_type: 'local', cpu_type: 'shared', architecture: 'x86', deprecated: false, deprecation: null, locations: everywhere.filter((location) => location.name !== 'ash') },
    { id: 23, name: 'cx32', description: 'CX32', cores: 4, memory: 8, disk: 80, storage_type: 'local', cpu_type: 'shared', architecture: 'x86', deprecated: false, deprecation: null, locations: everywhere.filter((location) => location.name !== 'ash') },
    { id: 45, name: 'cpx21', description: 'CPX 21', cores: 3, memory: 4, disk: 80, storage_type: 'local', cpu_type: 'shared', architecture: 'x86', deprecated: false, deprecation: null, locations: everywhere },
    { id: 93, name: 'cax11', description: 'CAX11', cores: 2, memory: 4, disk: 40, storage_type: 'local', cpu_type: 'shared', architecture: 'arm', deprecated: false, deprecation: null, locations: everywhere.filter((location) => location.name !== 'ash') },
    { id: 1, name: 'cx11', description: 'CX11', cores: 1, memory: 2, disk: 20, storage_type: 'local', cpu_type: 'shared', architecture: 'x86', deprecated: true, deprecation, locations: everywhere.map((location) => ({ ...location, deprecation })) },
  ];
}

export interface ServerTypeEntry {
  id: number;
  name: string;
  description: string;
  cores: number;
  memory: number;
  disk: number;
  storage_type: string;
  cpu_type: string;
  architecture: 'x86' | 'arm';
  deprecated: boolean;
  deprecation: typeof deprecation | null;
  locations: { id: number; name: string; deprecation: typeof deprecation | null }[];
}

export const IMAGES = ['ubuntu-24.04', 'ubuntu-22.04', 'debian-12', 'debian-13'].flatMap((name, index) =>
  (['x86', 'arm'] as const).map((architecture) => ({
    id: 100 + index * 2 + (architecture === 'arm' ? 1 : 0),
    name,
    description: name,
    type: 'system',
    status: 'available',
    os_flavor: name.split('-')[0],
    os_version: name.split('-')[1],
    architecture,
    deprecated: null,
    labels: {},
  })),
);
