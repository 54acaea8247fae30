/**
 * The feature (context) each function's usage is billed to. A function declaration may name its feature;
 * otherwise it is derived from the entry path, so a new function is metered to the right feature without
 * anyone remembering to say so: `functions/<context>/...` gives the context's feature; the first wave's
 * folders (webhooks/, api/, consumers/, public/) are mapped by file name.
 */
export const FEATURES = ['social', 'commerce', 'knowledge', 'loyalty', 'service', 'campaigns', 'privacy', 'api', 'finance'] as const;
export type Feature = (typeof FEATURES)[number];

/** Context folder → feature (several contexts roll up into one billed feature). */
const BY_CONTEXT: Record<string, Feature> = {
  social: 'social',
  commerce: 'commerce',
  knowledge: 'knowledge',
  segments: 'knowledge',
  loyalty: 'loyalty',
  service: 'service',
  campaigns: 'campaigns',
  consent: 'privacy',
  privacy: 'privacy',
  audit: 'privacy',
  customers: 'api',
  shared: 'api',
  finance: 'finance',
};

/** File name → feature, for entries still in the first wave's folders. */
const BY_FILE: Record<string, Feature> = {
  meta: 'social',
  x: 'social',
  youtube: 'social',
  newsroom: 'social',
  connections: 'social',
  shopify: 'commerce',
  woocommerce: 'commerce',
  events: 'commerce',
  'customer-knowledge': 'knowledge',
  knowledge: 'knowledge',
  segments: 'knowledge',
  consents: 'privacy',
  consent: 'privacy',
  'consent-retention': 'privacy',
  privacy: 'privacy',
  erasure: 'privacy',
  audit: 'privacy',
};

export function featureOfEntry(entry: string): Feature {
  const parts = entry.replace(/\\/g, '/').split('/');
  const folder = parts[1] ?? '';
  if (BY_CONTEXT[folder]) return BY_CONTEXT[folder];
  const file = (parts.at(-1) ?? '').replace(/\.[cm]?[jt]s$/, '');
  return BY_FILE[file] ?? BY_CONTEXT[file] ?? 'api';
}

export function featureOf(declaration: { entry: string; feature?: string }): string {
  return declaration.feature ?? featureOfEntry(declaration.entry);
}
