import type { HetznerHttp } from './http.js';
import type { Money } from './schema.js';

/** What a server of one type costs in one location, gross (VAT included), in the project owner's currency (`GET /pricing`). */
export interface ServerCost {
  readonly serverType: string;
  readonly location: string;
  readonly currency: string;
  readonly vatRate: string;
  readonly hourlyGross: string;
  readonly monthlyGross: string;
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
  return { serverType, location, currency: pricing.currency, vatRate: pricing.vat_rate, hourlyGross: price.price_hourly.gross, monthlyGross: price.price_monthly.gross };
}

/** One line: `Cost: cx23 in nbg1 costs 3.5581 EUR a month (at most), 0.0049 EUR an hour, gross (VAT 19.00 % included).` */
export function costLine(cost: ServerCost): string {
  return `Cost: a ${cost.serverType} server in ${cost.location} costs ${amount(cost.monthlyGross, 2)} ${cost.currency} a month at most, ${amount(cost.hourlyGross, 4)} ${cost.currency} an hour, gross (${Number(cost.vatRate).toFixed(2)} % VAT included), from creation until destroy.`;
}

/** The API's decimal strings carry 10 places; rounded for people, never below one significant digit. */
function amount(decimal: string, places: number): string {
  const value = Number(decimal);
  if (value > 0 && value < 10 ** -places) return value.toPrecision(1);
  return value.toFixed(places);
}
