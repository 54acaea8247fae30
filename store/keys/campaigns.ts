/**
 * Keys of the campaigns context (built here and nowhere else; store/keys.ts re-exports them).
 *
 * - the campaign, its history, its run counters and its audience snapshot share the campaign's partition;
 * - GSI1 on the campaign lists a tenant's campaigns by status (access pattern 9, one Query);
 * - the send ledger lives in the recipient's partition (`SEND#{channel}#{campaign}`): the frequency cap reads a
 *   person's sends on a channel across every campaign with one Query, attribution finds the campaigns that
 *   reached a buyer the same way, and erasure deletes it with the rest of the person.
 */
import { part } from './common.js';

/** The one escaping of every key module (store/keys/common.ts), re-exported for the campaign tests. */
export { part };

const T = (tenantId: string) => `T#${part(tenantId)}`;
const C = (tenantId: string, campaignId: string) => `${T(tenantId)}#CAMPAIGN#${part(campaignId)}`;
const pad = (n: number, width = 6) => String(n).padStart(width, '0');

export const campaignKeys = {
  campaign: (tenantId: string, campaignId: string) => ({ pk: C(tenantId, campaignId), sk: 'CAMPAIGN' }),
  /** GSI1: campaigns by status, newest first (pattern 9). */
  campaignStatusIndex: (tenantId: string, status: string, createdAt: string, campaignId: string) => ({
    gsi1pk: `${T(tenantId)}#CAMPSTATUS#${part(status)}`,
    gsi1sk: `${createdAt}#${part(campaignId)}`,
  }),
  campaignStatusPartition: (tenantId: string, status: string) => `${T(tenantId)}#CAMPSTATUS#${part(status)}`,
  /** One history entry per version. */
  campaignVersion: (tenantId: string, campaignId: string, version: number) => ({ pk: C(tenantId, campaignId), sk: `V#${pad(version)}` }),
  campaignPartition: C,
  campaignVersionPrefix: 'V#',
  /** The run's counters and cursor, moved on once per page (conditional on the page number). */
  campaignRun: (tenantId: string, campaignId: string) => ({ pk: C(tenantId, campaignId), sk: 'RUN' }),
  /** The audience snapshot taken at launch: page `page` of round `round` (0 the audience, then deferred rounds). */
  campaignAudiencePage: (tenantId: string, campaignId: string, round: number, page: number) => ({
    pk: C(tenantId, campaignId),
    sk: `AUD#${pad(round, 3)}#${pad(page)}`,
  }),
  campaignAudienceRoundPrefix: (round: number) => `AUD#${pad(round, 3)}#`,
  /** An order attributed to the campaign (dedupes the order's redelivery). */
  campaignAttribution: (tenantId: string, campaignId: string, store: string, orderId: string) => ({
    pk: C(tenantId, campaignId),
    sk: `ATTR#${part(store)}#${part(orderId)}`,
  }),
  /** The send ledger: campaign × customer × channel, in the customer's partition, written before the message leaves. */
  sendLedger: (tenantId: string, customerId: string, channel: string, campaignId: string) => ({
    pk: `${T(tenantId)}#C#${part(customerId)}`,
    sk: `SEND#${part(channel)}#${part(campaignId)}`,
  }),
  sendLedgerPrefix: (channel?: string) => (channel ? `SEND#${part(channel)}#` : 'SEND#'),
  /** Tenant campaign settings: frequency cap, quiet hours, channel fees. */
  campaignSettings: (tenantId: string) => ({ pk: T(tenantId), sk: 'SETTINGS#CAMPAIGNS' }),
};

export const CAMPAIGN_ENTITIES = [
  { name: 'Campaign', key: 'T#{tenant}#CAMPAIGN#{campaign} / CAMPAIGN', gsi1: 'T#{tenant}#CAMPSTATUS#{status} / {createdAt}#{campaign}', serves: '9 campaigns by status; a campaign document', personal: false, erasure: 'not-personal' },
  { name: 'CampaignVersion', key: 'T#{tenant}#CAMPAIGN#{campaign} / V#{version}', serves: "a campaign's history: who changed what", personal: false, erasure: 'not-personal' },
  { name: 'CampaignRun', key: 'T#{tenant}#CAMPAIGN#{campaign} / RUN', serves: "a run's page cursor and counters (sent, skipped by reason, spend)", personal: false, erasure: 'not-personal' },
  { name: 'CampaignAudiencePage', key: 'T#{tenant}#CAMPAIGN#{campaign} / AUD#{round}#{page}', serves: 'the audience snapshot taken at launch, 1,000 customer ids a page (ids only)', personal: true, erasure: 'retained-pseudonymous' },
  { name: 'CampaignAttribution', key: 'T#{tenant}#CAMPAIGN#{campaign} / ATTR#{store}#{orderId}', serves: 'orders attributed to a campaign and variant (dedupe; revenue net of refunds)', personal: true, erasure: 'retained-pseudonymous' },
  { name: 'SendLedger', key: 'T#{tenant}#C#{customer} / SEND#{channel}#{campaign}', serves: 'exactly-once sends; frequency cap across campaigns; attribution of orders', personal: true, erasure: 'customer-partition' },
  { name: 'CampaignSettings', key: 'T#{tenant} / SETTINGS#CAMPAIGNS', serves: 'frequency cap, quiet hours, channel fees of a tenant', personal: false, erasure: 'not-personal' },
] as const;
