/**
 * The campaigns context's event rules (spread into events/rules.ts RULES).
 */
import { ConsentChanged, OrderPlaced, OrderRefunded } from '../catalog.js';
import type { RuleDeclaration } from '../rules.js';

export const CAMPAIGN_RULES: readonly RuleDeclaration[] = [
  {
    name: 'CampaignAttribution',
    description: 'Orders, refunds and marketing withdrawals of people a campaign reached are attributed to it (conversions, revenue, unsubscribes per variant and holdout).',
    pattern: {
      source: [...new Set([OrderPlaced.source, OrderRefunded.source, ConsentChanged.source])],
      'detail-type': [OrderPlaced.detailType, OrderRefunded.detailType, ConsentChanged.detailType],
    },
    target: { queue: 'campaign-attribution' },
  },
  {
    name: 'EmailDeliveryEvents',
    description: "SES delivery events of our e-mails (the configuration set publishes them to the default bus): delivered, opened, bounced, rejected, not rendered.",
    bus: 'default',
    pattern: {
      source: ['aws.ses'],
      'detail-type': ['Email Delivered', 'Email Opened', 'Email Bounced', 'Email Rejected', 'Email Rendering Failure'],
    },
    target: { queue: 'email-events' },
  },
];
