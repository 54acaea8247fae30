/**
 * SES delivery events (the `email-events` queue, fed by a rule on the default bus where SES publishes): each moves
 * the e-mail it names forward (delivered, read, failed), and a campaign e-mail's delivery counts for its variant,
 * as WhatsApp statuses do. Events are applied in any order and any number of times: a state only moves forward.
 * A record that is not an SES event is logged and dropped (it would fail forever); a store error is retried.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoMessageStore } from '../../adapters/social/index.js';
import { countCampaignDelivery } from '../../adapters/campaigns/dynamo-run.js';
import { applyDeliveryReports, SesEvent, sesDeliveryReport } from '../../domain/social/index.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { logFailedRecords, meteredJob } from '../shared/chain.js';
import { logger } from '../shared/powertools.js';

const messages = new DynamoMessageStore();
const processor = new BatchProcessor(EventType.SQS);

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const record = async (r: SQSRecord) => {
    let parsed: SesEvent;
    try {
      parsed = SesEvent.parse(JSON.parse(r.body));
    } catch {
      logger.warn('not an SES event: dropped', { messageId: r.messageId });
      return;
    }
    const found = sesDeliveryReport(parsed);
    if (!found) return;
    const { tenantId, report, tags } = found;
    const campaignId = tags.kind === 'campaign' ? tags.campaignId : undefined;
    await meteredJob(FUNCTIONS.emailEvents.id, context, { tenantId, ...(campaignId && { campaignId }) }, async () => {
      // a campaign e-mail is counted on its send ledger (its tags name it); any other e-mail moves its message record
      if (campaignId && tags.customerId) {
        if (report.status === 'delivered' || report.status === 'read') {
          await countCampaignDelivery({ tenantId, customerId: tags.customerId, channel: 'email', campaignId, at: report.at });
        }
        return;
      }
      await applyDeliveryReports(messages, tenantId, [report]);
    });
  };
  const response = await processPartialResponse(event, record, processor, context ? { context } : undefined);
  logFailedRecords(FUNCTIONS.emailEvents.id, processor);
  return response;
}
