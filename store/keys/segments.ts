/**
 * Keys of segments: definitions, members and counts.
 * Built from the same escaping and tenant prefix as every other key (store/keys.ts), and spread into `keys` there.
 */
import { part, shardOf, SHARDS, type Key } from './common.js';

const T = (tenantId: string) => `T#${part(tenantId)}`;

export const segmentsKeys = {
  /** A segment definition; a tenant's few segments share one partition (one Query loads them). */
  segment: (tenantId: string, segmentId: string): Key => ({
    pk: `${T(tenantId)}#SEGDEF`,
    sk: `SEG#${part(segmentId)}`,
  }),
  segmentsPartition: (tenantId: string): string => `${T(tenantId)}#SEGDEF`,
  segmentPrefix: 'SEG#',
  /** A segment member, write-sharded by customer; a campaign pages the shards with Query (pattern 7). */
  segmentMember: (tenantId: string, segmentId: string, customerId: string): Key => ({
    pk: `${T(tenantId)}#SEG#${part(segmentId)}#${shardOf(customerId, SHARDS.segment)}`,
    sk: `C#${part(customerId)}`,
  }),
  segmentMemberPrefix: 'C#',
  /** The member count of one shard, beside its members (the preview adds the shards up). */
  segmentCounter: (tenantId: string, segmentId: string, shard: number): Key => ({
    pk: `${T(tenantId)}#SEG#${part(segmentId)}#${shard}`,
    sk: 'COUNT',
  }),
  segmentShards: (tenantId: string, segmentId: string): string[] =>
    Array.from({ length: SHARDS.segment }, (_, s) => `${T(tenantId)}#SEG#${part(segmentId)}#${s}`),
};

export const SEGMENTS_ENTITIES = [
  { name: 'Segment', key: 'T#{tenant}#SEGDEF / SEG#{segment}', serves: "a tenant's segment definitions (one Query)", personal: false, erasure: 'not-personal' },
  { name: 'SegmentMember', key: 'T#{tenant}#SEG#{segment}#{shard} / C#{customer}', serves: '7 customers of a segment, paged per shard (campaign audiences)', personal: true, erasure: 'segment-membership' },
  { name: 'SegmentCount', key: 'T#{tenant}#SEG#{segment}#{shard} / COUNT', serves: 'member count per segment shard (preview)', personal: false, erasure: 'not-personal' },
] as const;
