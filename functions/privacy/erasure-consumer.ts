/**
 * The erasure queue: each ErasureRequested works on one erasure request until ~30 s before the function's
 * timeout, saves where it is, and publishes the next step (domain/privacy/erasure.ts runErasureStep). Repeated or
 * concurrent steps are safe: every delete is idempotent and the request is saved with optimistic concurrency.
 */
import { erasureRequests, personalData } from '../../adapters/privacy/dynamo-erasure.js';
import { runErasureStep } from '../../domain/privacy/erasure.js';
import { ErasureRequested } from '../../events/catalog.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { queueConsumer } from '../shared/chain.js';
import { ports } from '../shared/ports.js';
import { logger } from '../shared/powertools.js';
import { personalArtefacts } from '../../adapters/privacy/artefacts.js';

const MARGIN_MS = 30_000;

export const handler = queueConsumer(FUNCTIONS.erasure.id, ErasureRequested, async (message) => {
  const { tenantId, correlationId } = message.detail.metadata;
  const { requestId } = message.detail.data;
  const deadline = Date.now() + FUNCTIONS.erasure.timeoutSeconds * 1000 - MARGIN_MS;
  const outcome = await runErasureStep(
    { requests: erasureRequests, eraser: personalData, artefacts: personalArtefacts(), publisher: ports.publisher, audit: ports.audit, clock: ports.clock },
    { tenantId, correlationId },
    requestId,
    deadline,
  );
  logger.info('erasure step', { requestId, outcome });
});
