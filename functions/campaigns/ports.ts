/**
 * The campaigns context's ports as the functions use them (the same in AWS and locally; the local runtime swaps
 * the runner and the message sender underneath).
 */
import { campaignRepository } from '../../adapters/campaigns/dynamo-campaigns.js';
import { dynamoRunStore, runCounters } from '../../adapters/campaigns/dynamo-run.js';
import { campaignRunner } from '../../adapters/campaigns/runner.js';
import { attachmentStore } from '../../adapters/campaigns/files.js';
import { consentTokenSettings, publicApiUrl } from '../../adapters/consent/index.js';
import { messageSender } from '../../adapters/messaging/index.js';
import { registerCloudMessageSenders } from '../../adapters/messaging/cloud.js';
import type { CampaignPorts } from '../../domain/campaigns/document.js';
import { PAGE_SIZE, type RunPorts } from '../../domain/campaigns/run.js';
import { buildUnsubscribeLink, listUnsubscribeHeaders } from '../../domain/consent/index.js';
import { ports as shared } from '../shared/ports.js';
import { DynamoAffinityStore, DynamoKnowledgeStore, KNOWLEDGE_KEEPER } from '../../adapters/knowledge/index.js';
import { recommendProducts } from '../../domain/knowledge/index.js';

const knowledge = new DynamoKnowledgeStore(KNOWLEDGE_KEEPER);
const affinity = new DynamoAffinityStore();

// in AWS the providers send; the local runtime sets the outbox over them
registerCloudMessageSenders();

export function campaignPorts(): CampaignPorts {
  return {
    campaigns: campaignRepository,
    audit: shared.audit,
    clock: shared.clock,
    ids: shared.ids,
    publisher: shared.publisher,
    runner: campaignRunner(),
    files: attachmentStore(),
    progress: async (tenantId, campaignId) => ({ sent: (await runCounters(tenantId, campaignId))?.sent ?? 0 }),
  };
}

/** Per invocation: the signing key is read once, the links are built per recipient. */
export async function runPorts(linkBase?: string): Promise<RunPorts> {
  const tokens = await consentTokenSettings();
  const base = linkBase ?? publicApiUrl();
  return {
    ...campaignPorts(),
    store: dynamoRunStore,
    sender: messageSender(),
    unsubscribe: (tenantId, customerId, channel, campaignId) => {
      if (!base) return undefined;
      const link = buildUnsubscribeLink(tokens.keys[0]!, base, tenantId, customerId, channel, { ttlSeconds: tokens.unsubscribeTtlSeconds, campaignId });
      return { link, headers: listUnsubscribeHeaders(link) };
    },
    pageSize: Number(process.env.CAMPAIGN_PAGE_SIZE) || PAGE_SIZE,
    sendConcurrency: Number(process.env.CAMPAIGN_SEND_CONCURRENCY) || 16,
    ...(process.env.CAMPAIGN_SEND_RETRY_BASE_MS && { retry: { baseDelayMs: Number(process.env.CAMPAIGN_SEND_RETRY_BASE_MS) } }),
    // {{recommendedProduct}}: the knowledge context's first recommendation ("customers who bought X also bought Y")
    recommend: async (tenantId, customerId) => (await recommendProducts({ knowledge, affinity, customers: shared.customers }, tenantId, customerId, 1)).items[0]?.productId,
  };
}
