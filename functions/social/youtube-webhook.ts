/**
 * YouTube WebSub webhook for one tenant: GET is the hub's verification of a (un)subscription, POST is an
 * Atom notification of new, updated or deleted videos. When the tenant subscribed with a secret, the
 * X-Hub-Signature is checked over the raw bytes before anything is parsed.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoYoutubeSubscriptions, DynamoYoutubeVideos } from '../../adapters/social/index.js';
import { Unauthorized } from '../../domain/shared/errors.js';
import type { HmacCheck } from '../../domain/shared/signatures.js';
import { hmacMatches } from '../../domain/shared/signatures.js';
import { applyYoutubeFeed, extractYoutubeSignals, parseYoutubeFeed, verifyWebSubIntent } from '../../domain/social/ingest/youtube.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction } from '../shared/chain.js';
import { header, json, rawBody, text } from '../shared/http.js';
import { ports } from '../shared/ports.js';
import { webhookTenant } from '../shared/webhook-tenant.js';
import { logger, metrics } from '../shared/powertools.js';

const subscriptions = new DynamoYoutubeSubscriptions();
const videos = new DynamoYoutubeVideos();


const ALGORITHMS = new Set<HmacCheck['algorithm']>(['sha1', 'sha256', 'sha384', 'sha512']);

/** `X-Hub-Signature: <method>=<hex>`; WebSub lets the hub pick sha1, sha256, sha384 or sha512. */
function signatureOf(value: string | undefined): { algorithm: HmacCheck['algorithm']; provided: string } | undefined {
  const match = /^([a-z0-9]+)=(.+)$/i.exec(value?.trim() ?? '');
  const algorithm = match?.[1]?.toLowerCase() as HmacCheck['algorithm'] | undefined;
  return algorithm && ALGORITHMS.has(algorithm) ? { algorithm, provided: match![2]! } : undefined;
}

export const handler = httpFunction(FUNCTIONS.youtubeWebhook.id, async (event) => {
  const { tenant, secrets: all } = await webhookTenant(event);
  const secrets = all.youtube.secrets;

  if (event.requestContext.http.method === 'GET') {
    const { challenge, subscription } = verifyWebSubIntent(tenant, event.queryStringParameters ?? {}, ports.clock.now());
    await subscriptions.put(subscription);
    logger.info('websub intent verified', { channelId: subscription.channelId, status: subscription.status });
    return text(200, challenge);
  }

  // 1. with a secret, the hub signs every notification: verify it over the exact bytes
  const body = rawBody(event);
  if (secrets.length > 0) {
    const signature = signatureOf(header(event, 'x-hub-signature'));
    if (!signature || !hmacMatches({ ...signature, secrets, signed: body, encoding: 'hex' })) {
      throw new Unauthorized('Missing or invalid X-Hub-Signature');
    }
  }
  // 2. parse the whole feed before writing anything
  const feed = parseYoutubeFeed(body);
  const extraction = extractYoutubeSignals(feed, tenant);
  // 3. record new notifications, erase deleted videos' titles
  const { results, removed, skipped } = await applyYoutubeFeed(
    { ...ports, videos },
    { tenantId: tenant.tenantId, correlationId: correlationIdOf(event) },
    extraction,
  );
  for (const [reason, count] of Object.entries(skipped)) metrics.addMetric(`youtube_skipped_${reason}`, MetricUnit.Count, count);
  if (Object.keys(skipped).length > 0) logger.info('entries acknowledged without an interaction', { skipped });
  const recorded = results.filter((r) => r.outcome !== 'duplicate').length;
  return json(200, { received: extraction.signals.length, recorded, duplicates: results.length - recorded, removed, skipped });
});
