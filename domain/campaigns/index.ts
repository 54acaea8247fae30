/**
 * What other contexts may use of campaigns: the campaign document's shape and statuses, the skip reasons, and the
 * cloud-cost port finance fills (functions/campaigns/cost.ts).
 */
export { CAMPAIGN_CHANNELS, CAMPAIGN_STATUSES, type Campaign, type CampaignChannel, type CampaignStatus } from './model.js';
export { SKIP_REASONS, type SkipReason, type LedgerEntry } from './run.js';
export { twoProportionZTest, type TwoProportionTest } from './statistics.js';
