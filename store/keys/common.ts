/** Key parts every key module shares: escaping, shards. */
import { createHash } from 'node:crypto';

/** Escape the separator so external ids cannot inject key structure. `%` first, then `#`. */
export function part(value: string | number): string {
  return String(value).replaceAll('%', '%25').replaceAll('#', '%23');
}

export function unpart(value: string): string {
  return value.replaceAll('%23', '#').replaceAll('%25', '%');
}

/** Shard count per hot key family; a partition takes ~1,000 WCU/s, so N shards take N× that. */
export const SHARDS = {
  stage: 8,
  newsroom: 8,
  usage: 4,
  audit: 4,
  knowledge: 8,
  segment: 8,
} as const;

/** Stable shard for a value (so one customer always lands on the same stage shard). */
export function shardOf(value: string, shards: number): number {
  const digest = createHash('sha1').update(value).digest();
  return digest.readUInt32BE(0) % shards;
}

export function randomShard(shards: number): number {
  return Math.floor(Math.random() * shards);
}


export interface Key {
  pk: string;
  sk: string;
}

/** What the day of an ISO timestamp is, for day-partitioned keys. */
export function dayOf(isoTimestamp: string): string {
  return isoTimestamp.slice(0, 10);
}
