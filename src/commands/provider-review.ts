import type { EnvironmentConfig } from '../config/schema.js';
import { DeployerError } from '../domain/errors.js';
import type { ServerCost } from '../providers/hetzner/cost.js';

/** Refusals of the order itself: the config names something Hetzner does not sell (today, there). */
const ORDER_REFUSALS = new Set(['hetzner.server_type_unavailable', 'hetzner.location_unknown', 'hetzner.image_unknown']);

/** What validate learned from the provider: the cost line, warnings, or why it could not ask. */
export interface ProviderReviewSummary {
  /** Checked at the API (true), or why not. */
  readonly checked: boolean;
  readonly cost: ServerCost | null;
  readonly cost_line: string;
  readonly warnings: readonly string[];
  /** The order was refused: validate fails with this error. */
  readonly refusal?: DeployerError;
}

/** Hetzner only, and only with a token: the same read-only review provision makes before it creates the server. */
export async function reviewProviderChoice(config: EnvironmentConfig, env: NodeJS.ProcessEnv): Promise<ProviderReviewSummary | undefined> {
  const provider = config.provider;
  if (provider.provider !== 'hetzner') return undefined;
  // Loaded here, not with validate: a config for another provider never needs the Hetzner client.
  const [{ costLine }, { lookupClient, NO_TOKEN_COST_LINE, reviewOrder }] = await Promise.all([import('../providers/hetzner/cost.js'), import('../providers/hetzner/review.js')]);
  if (!provider.api_token) return { checked: false, cost: null, cost_line: NO_TOKEN_COST_LINE, warnings: [] };
  try {
    const review = await reviewOrder(lookupClient(provider.api_token, env), { serverType: provider.server_type, location: provider.location, image: provider.image });
    return {
      checked: true,
      cost: review.cost ?? null,
      cost_line: review.cost ? costLine(review.cost) : `Cost: Hetzner's price list has no price for ${provider.server_type} in ${provider.location}.`,
      warnings: review.warnings,
    };
  } catch (error) {
    if (!(error instanceof DeployerError)) throw error;
    if (ORDER_REFUSALS.has(error.code)) return { checked: true, cost: null, cost_line: 'Cost: none: Hetzner would refuse this order (see the error).', warnings: [], refusal: error };
    return { checked: false, cost: null, cost_line: `Cost: not known: the Hetzner API could not be asked (${error.message})`, warnings: [] };
  }
}
