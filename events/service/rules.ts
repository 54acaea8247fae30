/** The service context's event rules (spread into events/rules.ts). */
import { InteractionRecorded, InteractionRemoved } from '../catalog.js';

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
  {
    name: 'RemovedMessagesLeaveTickets',
    description: 'A message its author deleted on the platform loses its words in every ticket that quoted it.',
    pattern: { source: [InteractionRemoved.source], 'detail-type': [InteractionRemoved.detailType] },
    target: { queue: 'service-tickets' as const },
  },
];
