import type { EnvironmentConfig } from '../config/schema.js';
import type { RenderedFile } from '../plan/stages.js';
import { allSteps, type Plan } from '../plan/types.js';
import type { EnvironmentRecord } from '../state/environment-record.js';
import { HetznerProvider } from '../providers/hetzner/provider.js';
import { renderedFilesFor } from './artifacts.js';
import { LxdProvider } from '../providers/lxd/provider.js';
import type { Provider, RemoteConnector } from './ports.js';
import { sshConnector, type SshConnectorOptions } from './ssh-connector.js';

/**
 * The real pieces a plan needs at run time: the renderer, SSH and the providers.
 * A plan that needs a piece that is not available (a provider without an
 * implementation, an existing host without an address) has a gap, and the
 * command says what is missing instead of pretending.
 */
export interface Implementations {
  provider(config: EnvironmentConfig): Provider | undefined;
  connect(config: EnvironmentConfig, record: EnvironmentRecord, options?: SshConnectorOptions): RemoteConnector | undefined;
  artifacts(config: EnvironmentConfig, record: EnvironmentRecord): readonly RenderedFile[];
}

export const BUILT_IN: Implementations = {
  provider: (config) => (config.provider.provider === 'lxd' ? new LxdProvider(config) : config.provider.provider === 'hetzner' ? new HetznerProvider(config) : undefined),
  connect: (config, record, options) => sshConnector(config, record, process.env, options),
  artifacts: renderedFilesFor,
};

const PROVIDER_LABEL: Readonly<Record<string, string>> = { lxd: 'the LXD provider', hetzner: 'the Hetzner Cloud provider' };

/** The plan with what it needs that is not available (its gaps), each saying where it comes from. */
export function withGaps(plan: Plan, config: EnvironmentConfig, record: EnvironmentRecord, implementations: Implementations = BUILT_IN): Plan {
  return { ...plan, gaps: gapsOf(plan, config, record, implementations) };
}

function gapsOf(plan: Plan, config: EnvironmentConfig, record: EnvironmentRecord, implementations: Implementations): string[] {
  const steps = allSteps(plan);
  const gaps: string[] = [];
  const provider = config.provider.provider;
  if (steps.some((step) => step.kind === 'provider') && !implementations.provider(config)) {
    gaps.push(`${PROVIDER_LABEL[provider] ?? provider} (issue 7): creating, finding and deleting ${provider} instances`);
  }
  if (steps.some((step) => step.kind === 'remote' || step.kind === 'upload' || step.kind === 'wait') && !implementations.connect(config, record)) {
    gaps.push('the SSH connection to the instance (issue 6): remote commands, uploads and waits');
  }
  if (provider === 'existing' && !record.instance.address && !config.provider.host && plan.stages.some((stage) => stage.stage === 'provision')) {
    gaps.push(`the host address: set provider.host in the config, or run ttd register ${record.name} --instance-ip IP`);
  }
  return gaps;
}
