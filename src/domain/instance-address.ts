import type { EnvironmentConfig } from '../config/schema.js';

/** Seeds the address for an environment on an existing host, from the config or a register. */
export function addressFromConfig(config: EnvironmentConfig): string | undefined {
  return config.provider.provider === 'existing' ? config.provider.host : undefined;
}
