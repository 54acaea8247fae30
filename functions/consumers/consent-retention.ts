/**
 * The consent-retention queue: a social_profiling consent change (or a merge, which moves interactions onto
 * the survivor) re-applies the retention of the person's interactions (domain/retention.ts). The use case
 * reads the consent from the profile, so a late or repeated event changes nothing that is already right.
 */
import { z } from 'zod';
import { DynamoRetentionStore } from '../../adapters/dynamo-retention.js';
import { reapplyRetention } from '../../domain/retention.js';
import { ConsentChanged, CustomersMerged, EventMetadata, type EventDefinition } from '../../events/catalog.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { queueConsumer } from '../lib/chain.js';
import { ports } from '../lib/ports.js';
import { logger } from '../lib/powertools.js';

const retention = new DynamoRetentionStore();
/** Time left for the last page and the batch's bookkeeping. */
const MARGIN_MS = 15_000;

/** Whose interactions the event is about: the consenting person, or a merge's survivor. */
const PERSON_OF: Record<string, (data: unknown) => string> = {
  [ConsentChanged.detailType]: (data) => ConsentChanged.data.parse(data).customerId,
  [CustomersMerged.detailType]: (data) => CustomersMerged.data.parse(data).survivorId,
};

/** One definition for both events this queue carries (z.literal takes a list); each record's data is parsed above. */
const RetentionEvent = {
  detailType: [ConsentChanged.detailType, CustomersMerged.detailType],
  source: [ConsentChanged.source, CustomersMerged.source],
  version: 1,
  data: z.unknown(),
  detail: z.object({ metadata: EventMetadata, data: z.unknown() }),
} as unknown as EventDefinition<z.ZodUnknown>;

export const handler = queueConsumer(FUNCTIONS.consentRetention.id, RetentionEvent, async (message) => {
  const detailType = (message as unknown as { 'detail-type': string })['detail-type'];
  const personOf = PERSON_OF[detailType];
  if (!personOf) throw new Error(`consent-retention does not handle ${detailType}`);
  const { tenantId } = message.detail.metadata;
  const customerId = personOf(message.detail.data);
  const deadline = Date.now() + FUNCTIONS.consentRetention.timeoutSeconds * 1000 - MARGIN_MS;
  const outcome = await reapplyRetention({ customers: ports.customers, retention, clock: ports.clock }, tenantId, customerId, deadline);
  logger.info('retention re-applied', { customerId: outcome.customerId, kept: outcome.kept, changed: outcome.changed, expired: outcome.expired });
  // what is left is done by the retry: items already right are skipped
  if (!outcome.complete) throw new Error('retention not re-applied within the time limit; the retry goes on');
});
