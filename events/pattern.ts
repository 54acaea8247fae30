import type { EventDefinition } from './catalog.js';

/** The pattern that selects exactly these events: their sources and detail-types (plus any content filter). */
export function eventsOf(definitions: readonly EventDefinition[], detail?: Record<string, unknown>): Record<string, unknown> {
  return {
    source: [...new Set(definitions.map((d) => d.source))],
    'detail-type': definitions.map((d) => d.detailType),
    ...(detail && { detail }),
  };
}
