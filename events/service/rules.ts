/** The service context's event rules (spread into events/rules.ts). */
import { InteractionRecorded } from '../catalog.js';

export const SERVICE_RULES = [
  {
    name: 'InteractionToServiceTickets',
    description: 'Comments, mentions, reviews and DMs may open a service ticket or join the open ticket of their conversation.',
    pattern: {
      source: [InteractionRecorded.source],
      'detail-type': [InteractionRecorded.detailType],
      detail: { data: { kind: ['comment', 'mention', 'review', 'dm'] } },
    },
    target: { queue: 'service-tickets' as const },
  },
];
