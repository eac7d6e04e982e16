/**
 * The Hetzner choices the starter config, the wizard and the docs offer, in one
 * place. cx23 is the smallest cost-optimized x86 type orderable today (cx22 is
 * deprecated); cx23/cx33/cx43 are offered in the EU locations only, so the default
 * location is one of those.
 */
export const HETZNER_DEFAULTS = { server_type: 'cx23', location: 'nbg1', image: 'ubuntu-24.04' } as const;

export const HETZNER_SERVER_TYPE_CHOICES = [
  { value: 'cx23', label: 'cx23 (2 vCPU, 4 GB)' },
  { value: 'cx33', label: 'cx33 (4 vCPU, 8 GB)' },
  { value: 'cx43', label: 'cx43 (8 vCPU, 16 GB)' },
] as const;
