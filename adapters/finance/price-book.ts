/** The price table files (finance/prices/), bundled with the functions that price usage. */
import v20240101 from '../../finance/prices/2024-01-01.json' with { type: 'json' };
import v20241101 from '../../finance/prices/2024-11-01.json' with { type: 'json' };
import v20250701 from '../../finance/prices/2025-07-01.json' with { type: 'json' };
import { PriceBook } from '../../domain/finance/prices.js';

let book: PriceBook | undefined;

export function priceBook(): PriceBook {
  book ??= new PriceBook([v20240101, v20241101, v20250701]);
  return book;
}

/** The region whose prices apply: the deployment's own (AWS_REGION), us-east-1 locally. */
export function pricingRegion(): string {
  const region = process.env.PRICING_REGION ?? process.env.AWS_REGION ?? 'us-east-1';
  return priceBook().regions().includes(region) ? region : 'us-east-1';
}
