/**
 * Keys of social listening: interaction references, the newsroom index, outbound messages, YouTube leases and videos.
 * Built from the same escaping and tenant prefix as every other key (store/keys.ts), and spread into `keys` there.
 */
import { part, shardOf, SHARDS, type Key } from './common.js';

const T = (tenantId: string) => `T#${part(tenantId)}`;

export const socialKeys = {
  /**
   * Natural-key record of an interaction (channel + platform id): dedupes redelivery and points at the
   * timeline item, so an edit or delete from the platform finds what to change.
   */
  interactionRef: (tenantId: string, channel: string, externalId: string): Key => ({
    pk: `${T(tenantId)}#IX#${part(channel)}#${part(externalId)}`,
    sk: 'REF',
  }),
  /** GSI1 on the timeline interaction: the tenant's social newsroom per channel, sharded (pattern 10). */
  newsroomIndex: (tenantId: string, channel: string, occurredAt: string, itemId: string) => ({
    gsi1pk: `${T(tenantId)}#NEWS#${part(channel)}#${shardOf(itemId, SHARDS.newsroom)}`,
    gsi1sk: `${occurredAt}#${part(itemId)}`,
  }),
  newsroomShards: (tenantId: string, channel: string): string[] =>
    Array.from({ length: SHARDS.newsroom }, (_, s) => `${T(tenantId)}#NEWS#${part(channel)}#${s}`),

  /**
   * An outbound message by the platform's id for it (channel + provider message id): the platform's
   * delivery reports (WhatsApp statuses) find it there.
   */
  message: (tenantId: string, channel: string, providerMessageId: string): Key => ({
    pk: `${T(tenantId)}#MSG#${part(channel)}#${part(providerMessageId)}`,
    sk: 'MESSAGE',
  }),

  /** A WebSub lease on a YouTube channel feed; the tenant's leases share one small partition. */
  youtubeSubscription: (tenantId: string, channelId: string): Key => ({
    pk: `${T(tenantId)}#YTSUB`,
    sk: `CH#${part(channelId)}`,
  }),
  /** GSI1 on the lease: the tenant's leases by expiry, so a resubscriber finds those running out. */
  youtubeLeaseIndex: (tenantId: string, leaseExpiresAt: string, channelId: string) => ({
    gsi1pk: `${T(tenantId)}#YTLEASE`,
    gsi1sk: `${leaseExpiresAt}#${part(channelId)}`,
  }),
  youtubeLeasePartition: (tenantId: string): string => `${T(tenantId)}#YTLEASE`,
  /** A YouTube video's notifications (interaction externalIds) and deletion, so a delete reaches them all. */
  youtubeVideo: (tenantId: string, videoId: string): Key => ({
    pk: `${T(tenantId)}#YTVIDEO#${part(videoId)}`,
    sk: 'VIDEO',
  }),
};

export const SOCIAL_ENTITIES = [
  { name: 'InteractionRef', key: 'T#{tenant}#IX#{channel}#{externalId} / REF', serves: 'dedupe of platform deliveries; edits and deletes', personal: true, erasure: 'by-reference' },
  { name: 'Message', key: 'T#{tenant}#MSG#{channel}#{providerMessageId} / MESSAGE', gsi2: 'T#{tenant}#PERSON#{customer} / Message#{channel}#{providerMessageId}', serves: 'outbound message and its delivery state, by the platform message id (status webhooks)', personal: true, erasure: 'customer-index' },
  { name: 'YoutubeSubscription', key: 'T#{tenant}#YTSUB / CH#{channelId}', gsi1: 'T#{tenant}#YTLEASE / {leaseExpiresAt}#{channelId}', serves: 'WebSub leases of watched YouTube channels, by expiry (resubscription)', personal: false, erasure: 'not-personal' },
  { name: 'YoutubeVideo', key: 'T#{tenant}#YTVIDEO#{videoId} / VIDEO', serves: "a video's notification ids, so a deleted video's interactions lose their text (found from the interactions' postId)", personal: true, erasure: 'by-reference' },
] as const;
