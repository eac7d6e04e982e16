import type { HetznerHttp } from './http.js';
import type { Money } from './schema.js';

/** What a server of one type costs in one location, gross (VAT included), in the project owner's currency (`GET /pricing`). */
export interface ServerCost {
  readonly server_type: string;
  readonly location: string;
  readonly currency: string;
  readonly vat_rate: string;
  readonly hourly_gross: string;
  readonly monthly_gross: string;
}

interface PricingBody {
  readonly pricing: {
    readonly currency: string;
    readonly vat_rate: string;
    readonly server_types: readonly { readonly name: string; readonly prices: readonly { readonly location: string; readonly price_hourly: Money; readonly price_monthly: Money }[] }[];
  };
}

/** The price of the type in the location, or undefined when the price list has none for it. */
export async function serverCost(http: HetznerHttp, serverType: string, location: string, signal?: AbortSignal): Promise<ServerCost | undefined> {
  const { pricing } = await http.request<PricingBody>('GET', '/pricing', { signal });
  const price = pricing.server_types.find((type) => type.name === serverType)?.prices.find((entry) => entry.location === location);
  if (!price) return undefined;
  return { server_type: serverType, location, currency: pricing.currency, vat_rate: pricing.vat_rate, hourly_gross: price.price_hourly.gross, monthly_gross: price.price_monthly.gross };
}

/** One line, the amounts rounded for people: monthly (Hetzner bills by the hour up to this cap) and hourly, gross, with the currency. */
export function costLine(cost: ServerCost): string {
  return `Cost: a ${cost.server_type} server in ${cost.location} costs ${amount(cost.monthly_gross, 2)} ${cost.currency} a month at most, ${amount(cost.hourly_gross, 4)} ${cost.currency} an hour, gross (${Number(cost.vat_rate).toFixed(2)} % VAT included), from creation until destroy.`;
}

/** The API's decimal strings carry 10 places; rounded for people, never below one significant digit. */
function amount(decimal: string, places: number): string {
  const value = Number(decimal);
  if (value > 0 && value < 10 ** -places) return value.toPrecision(1);
  return value.toFixed(places);
}
