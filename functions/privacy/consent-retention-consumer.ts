/**
 * The consent-retention queue: a social_profiling consent change (or a merge, which moves interactions onto
 * the survivor) re-applies the retention of the person's interactions (domain/privacy/retention.ts). The use case
 * reads the consent from the profile, so a late or repeated event changes nothing that is already right.
 */
import { DynamoRetentionStore } from '../../adapters/privacy/dynamo-retention.js';
import { reapplyRetention } from '../../domain/privacy/retention.js';
import { ConsentChanged, CustomersMerged } from '../../events/catalog.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { queueConsumer } from '../shared/chain.js';
import { ports } from '../shared/ports.js';
import { logger } from '../shared/powertools.js';

const retention = new DynamoRetentionStore();
/** Time left for the last page and the batch's bookkeeping. */
const MARGIN_MS = 15_000;

export const handler = queueConsumer(FUNCTIONS.consentRetention.id, [ConsentChanged, CustomersMerged], async (message) => {
  const { tenantId } = message.detail.metadata;
  // whose interactions the event is about: the consenting person, or a merge's survivor
  const data = message.detail.data;
  const customerId = 'survivorId' in data ? data.survivorId : data.customerId;
  const deadline = Date.now() + FUNCTIONS.consentRetention.timeoutSeconds * 1000 - MARGIN_MS;
  const outcome = await reapplyRetention({ customers: ports.customers, retention, clock: ports.clock }, tenantId, customerId, deadline);
  logger.info('retention re-applied', { customerId: outcome.customerId, kept: outcome.kept, changed: outcome.changed, expired: outcome.expired });
  // what is left is done by the retry: items already right are skipped
  if (!outcome.complete) throw new Error('retention not re-applied within the time limit; the retry goes on');
});
