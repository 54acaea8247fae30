/** The finance ports wired to DynamoDB and the price table, for handlers and for other contexts' adapters. */
import { dynamoUsageReader } from './dynamo-usage.js';
import { dynamoBudgetStore } from './dynamo-budgets.js';
import { priceBook, pricingRegion } from './price-book.js';
import type { Pricing } from '../../domain/finance/ports.js';

export function pricing(): Pricing {
  const region = pricingRegion();
  return { region, tableFor: (day) => priceBook().tableFor(day, region) };
}

export function financePorts() {
  return { usage: dynamoUsageReader, budgets: dynamoBudgetStore, pricing: pricing() };
}

export { meter } from '../shared/meter.js';
