/**
 * X Account Activity API (AAA) deliveries: the payload's structure and how its events become
 * platform-neutral social signals and amendments. Facts: shared/WEBHOOKS.md.
 *
 * One delivery is `{ for_user_id, <event key>: [...] }`; `for_user_id` is the brand's subscribed account.
 * Ids are read from the `*_str` fields (or fields X sends as strings): the numeric `id` of a Tweet can
 * exceed 2^53 and is already corrupted by `JSON.parse`, so it is never read.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { InvalidInput } from '../../shared/errors.js';
import type { IdentityInput } from '../../customers/identity.js';
import { amendInteraction, recordSocialInteractions, type RecordContext, type RecordInteractionPorts, type RecordResult, type SocialSignal } from '../interactions.js';

/** The CRC answer: `sha256=<base64 HMAC-SHA256(consumer secret, crc_token)>`. */
export function crcResponseToken(consumerSecret: string, crcToken: string): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(crcToken, 'utf8').digest('base64')}`;
}

/** A decimal X id as a string; a number is accepted only while it is exact (below 2^53). */
const XId = z.union([
  z.string().regex(/^\d{1,20}$/, 'an X id: decimal digits'),
  z
    .number()
    .int()
    .nonnegative()
    .refine(Number.isSafeInteger, 'an id beyond 2^53 must be read from its *_str field')
    .transform(String),
]);
/** Epoch milliseconds, which X sends as a string or a number depending on the event. */
const Millis = z.union([z.string().regex(/^\d{1,16}$/), z.number().int().nonnegative()]);

const XUser = z.object({
  id_str: XId,
  screen_name: z.string().nullish(),
  name: z.string().nullish(),
  followers_count: z.number().int().nonnegative().nullish(),
  friends_count: z.number().int().nonnegative().nullish(),
  statuses_count: z.number().int().nonnegative().nullish(),
  verified: z.boolean().nullish(),
});
type XUser = z.infer<typeof XUser>;

/** A user of the DM `users` map: keyed by id, with `id` (a string) instead of `id_str`. */
const XDmUser = XUser.omit({ id_str: true }).extend({ id: XId.optional() });

const Mentions = z.object({ user_mentions: z.array(z.object({ id_str: XId })).nullish() });
/** Only the fields the classification needs of an embedded Tweet (retweeted, quoted, favorited). */
const TweetRef = z.object({ id_str: XId, user: z.object({ id_str: XId }) });

const Tweet = z.object({
  id_str: XId,
  created_at: z.string().nullish(),
  timestamp_ms: Millis.nullish(),
  text: z.string().nullish(),
  full_text: z.string().nullish(),
  user: XUser,
  in_reply_to_status_id_str: XId.nullish(),
  in_reply_to_user_id_str: XId.nullish(),
  retweeted_status: TweetRef.nullish(),
  quoted_status: TweetRef.nullish(),
  entities: Mentions.nullish(),
  /** Longform posts: the whole text and its entities (the top-level `text` is cut at 140). */
  extended_tweet: z.object({ full_text: z.string(), entities: Mentions.nullish() }).nullish(),
  note_tweet: z.object({ text: z.string(), entities: Mentions.nullish() }).nullish(),
});
type Tweet = z.infer<typeof Tweet>;

const FavoriteEvent = z.object({
  id: z.string().min(1),
  created_at: z.string().nullish(),
  timestamp_ms: Millis.nullish(),
  favorited_status: TweetRef,
  user: XUser,
});

const FollowEvent = z.object({
  type: z.string(),
  created_timestamp: Millis,
  source: XUser,
  target: XUser,
});

const DirectMessageEvent = z.object({
  type: z.string(),
  id: XId,
  created_timestamp: Millis,
  message_create: z
    .object({
      sender_id: XId,
      target: z.object({ recipient_id: XId }),
      message_data: z.object({ text: z.string().nullish() }),
    })
    .nullish(),
});

const TweetDeleteEvent = z.object({
  status: z.object({ id: XId, user_id: XId.nullish() }),
  timestamp_ms: Millis.nullish(),
});

/** The envelope; each event list is validated separately so an error names its path. */
export const XDelivery = z
  .object({
    for_user_id: XId.optional(),
    users: z.record(z.string(), XDmUser).optional(),
  })
  .catchall(z.unknown());
export type XDelivery = z.infer<typeof XDelivery>;

const EVENT_SCHEMAS = {
  tweet_create_events: Tweet,
  favorite_events: FavoriteEvent,
  follow_events: FollowEvent,
  direct_message_events: DirectMessageEvent,
  tweet_delete_events: TweetDeleteEvent,
} as const;
type HandledKey = keyof typeof EVENT_SCHEMAS;

/** Keys of the envelope that carry context, not events. */
const CONTEXT_KEYS = new Set(['for_user_id', 'users', 'apps', 'user_has_blocked', 'is_blocked_by']);

/** Something X reported as gone or undone: the stored interaction loses its text (amendInteraction). */
export interface XRemoval {
  externalId: string;
  at: string;
  reason: 'tweet-deleted' | 'unfollowed';
}

export interface XExtraction {
  signals: SocialSignal[];
  removals: XRemoval[];
  /** Events acknowledged without an effect, by reason (for metrics and the response). */
  skipped: Record<string, number>;
}

/**
 * The externalId of a follow: X gives follow events no id, so it is one per follower and brand
 * account. A redelivered follow is a duplicate, and a re-follow after an unfollow stays the one
 * (removed) interaction, so following again cannot be repeated for rewards.
 */
export function followExternalId(brandAccountId: string, followerId: string): string {
  return `follow:${brandAccountId}:${followerId}`;
}

/**
 * Turns a verified delivery into signals and removals. Every recognised event is validated before any
 * is used, so one malformed event fails the whole delivery (400) with nothing written.
 * `ownAccounts`: the tenant's connected X user ids; deliveries for other accounts are acknowledged and
 * ignored, and the brand's own activity (its tweets, likes, follows, sent DMs) is not a customer's.
 */
export function extractXActivity(delivery: XDelivery, ownAccounts: readonly string[]): XExtraction {
  const parsed = validateEvents(delivery);
  const signals: SocialSignal[] = [];
  const removals: XRemoval[] = [];
  const skipped: Record<string, number> = {};
  const skip = (reason: string, count = 1) => (skipped[reason] = (skipped[reason] ?? 0) + count);

  for (const key of Object.keys(delivery)) {
    if (!CONTEXT_KEYS.has(key) && !(key in EVENT_SCHEMAS)) skip(`unsupported:${key}`);
  }
  const brand = delivery.for_user_id;
  if (brand === undefined || !ownAccounts.includes(brand)) {
    const events = Object.values(parsed).reduce((n, list) => n + (list?.length ?? 0), 0);
    if (events > 0) skip('account-not-connected', events);
    return { signals, removals, skipped };
  }

  for (const tweet of parsed.tweet_create_events ?? []) {
    const signal = tweetSignal(tweet, brand);
    if (typeof signal === 'string') skip(signal);
    else signals.push(signal);
  }

  for (const like of parsed.favorite_events ?? []) {
    if (like.user.id_str === brand) {
      skip('own-account');
      continue;
    }
    if (like.favorited_status.user.id_str !== brand) {
      skip('not-addressed-to-brand');
      continue;
    }
    signals.push({
      channel: 'x',
      kind: 'like',
      externalId: like.id,
      accountId: brand,
      author: author(like.user),
      postId: like.favorited_status.id_str,
      occurredAt: instant(like.timestamp_ms, like.created_at, 'favorite_events'),
    });
  }

  for (const follow of parsed.follow_events ?? []) {
    if (follow.source.id_str === brand) {
      skip('own-account');
      continue;
    }
    if (follow.target.id_str !== brand) {
      skip('not-addressed-to-brand');
      continue;
    }
    const externalId = followExternalId(brand, follow.source.id_str);
    const at = instant(follow.created_timestamp, undefined, 'follow_events');
    if (follow.type === 'follow') {
      signals.push({ channel: 'x', kind: 'follow', externalId, accountId: brand, author: author(follow.source), occurredAt: at });
    } else if (follow.type === 'unfollow') {
      removals.push({ externalId, at, reason: 'unfollowed' });
    } else {
      skip(`unsupported:follow_events/${follow.type}`);
    }
  }

  for (const message of parsed.direct_message_events ?? []) {
    if (message.type !== 'message_create') {
      skip(`unsupported:direct_message_events/${message.type}`);
      continue;
    }
    const create = message.message_create;
    if (!create) throw new InvalidInput('direct_message_events: a message_create event without message_create');
    if (create.sender_id === brand) {
      skip('own-account');
      continue;
    }
    if (create.target.recipient_id !== brand) {
      skip('not-addressed-to-brand');
      continue;
    }
    const sender = delivery.users?.[create.sender_id];
    const text = create.message_data.text ?? undefined;
    signals.push({
      channel: 'x',
      kind: 'dm',
      externalId: message.id,
      accountId: brand,
      author: author({ ...sender, id_str: create.sender_id }),
      ...(text ? { text } : {}),
      occurredAt: instant(message.created_timestamp, undefined, 'direct_message_events'),
    });
  }

  for (const deletion of parsed.tweet_delete_events ?? []) {
    // X's compliance rule: the text of a deleted post must go, whoever's it was
    removals.push({ externalId: deletion.status.id, at: instant(deletion.timestamp_ms, undefined, 'tweet_delete_events'), reason: 'tweet-deleted' });
  }

  return { signals, removals, skipped };
}

type ParsedEvents = { [K in HandledKey]?: z.infer<(typeof EVENT_SCHEMAS)[K]>[] };

function validateEvents(delivery: XDelivery): ParsedEvents {
  const parsed: Record<string, unknown[]> = {};
  for (const [key, schema] of Object.entries(EVENT_SCHEMAS)) {
    if (delivery[key] === undefined) continue;
    const result = z.array(schema as z.ZodType).safeParse(delivery[key]);
    if (!result.success) {
      throw new InvalidInput(`${key} is not a valid list of X events`, {
        issues: result.error.issues.map((i) => ({ path: [key, ...i.path].join('.'), message: i.message })),
      });
    }
    parsed[key] = result.data;
  }
  return parsed as ParsedEvents;
}

/**
 * What a Tweet is to the brand:
 * 1. its own tweet (including its replies to customers): not a customer interaction;
 * 2. a retweet of the brand's tweet: `share`, without text (the words are the brand's);
 * 3. a reply to the brand: `comment`;
 * 4. a quote of the brand's tweet: `share`, with the quoter's own words;
 * 5. a tweet mentioning the brand: `mention`.
 * Anything else X delivered (a retweet of someone else's tweet) is acknowledged and skipped.
 */
function tweetSignal(tweet: Tweet, brand: string): SocialSignal | string {
  if (tweet.user.id_str === brand) return 'own-account';
  const base = {
    channel: 'x' as const,
    externalId: tweet.id_str,
    accountId: brand,
    author: author(tweet.user),
    occurredAt: instant(tweet.timestamp_ms, tweet.created_at, 'tweet_create_events'),
  };
  if (tweet.retweeted_status) {
    if (tweet.retweeted_status.user.id_str !== brand) return 'not-addressed-to-brand';
    return { ...base, kind: 'share', postId: tweet.retweeted_status.id_str };
  }
  const text = tweetText(tweet);
  const withText = text ? { text } : {};
  if (tweet.in_reply_to_user_id_str === brand) {
    return { ...base, kind: 'comment', ...withText, ...(tweet.in_reply_to_status_id_str ? { parentId: tweet.in_reply_to_status_id_str } : {}) };
  }
  if (tweet.quoted_status?.user.id_str === brand) {
    return { ...base, kind: 'share', ...withText, postId: tweet.quoted_status.id_str };
  }
  const mentioned = [tweet.entities, tweet.extended_tweet?.entities, tweet.note_tweet?.entities].some((e) =>
    (e?.user_mentions ?? []).some((m) => m.id_str === brand),
  );
  if (mentioned) return { ...base, kind: 'mention', ...withText };
  return 'not-addressed-to-brand';
}

/** The whole text: a longform post's full text when present, else the (possibly cut) `text`. */
export function tweetText(tweet: Pick<Tweet, 'note_tweet' | 'extended_tweet' | 'full_text' | 'text'>): string | undefined {
  const value = tweet.note_tweet?.text ?? tweet.extended_tweet?.full_text ?? tweet.full_text ?? tweet.text ?? undefined;
  return value === '' ? undefined : value;
}

/** The person's X identity with what the payload shows about their reach. */
function author(user: Partial<XUser> & { id_str: string }): Omit<IdentityInput, 'channel'> {
  const influence = {
    ...(user.followers_count != null && { followers: user.followers_count }),
    ...(user.friends_count != null && { following: user.friends_count }),
    ...(user.statuses_count != null && { posts: user.statuses_count }),
    ...(user.verified != null && { verified: user.verified }),
  };
  return {
    externalId: user.id_str,
    ...(user.screen_name ? { handle: user.screen_name } : {}),
    ...(user.name ? { name: user.name } : {}),
    ...(Object.keys(influence).length > 0 && { influence }),
  };
}

/** An event's time as ISO 8601, from epoch milliseconds or X's `created_at` ("Mon May 19 14:01:46 +0000 2025"). */
function instant(millis: string | number | null | undefined, createdAt: string | null | undefined, what: string): string {
  const date = millis != null ? new Date(Number(millis)) : createdAt ? new Date(createdAt) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new InvalidInput(`${what}: an event without a valid time`);
  return date.toISOString();
}

export interface XActivityResult {
  results: RecordResult[];
  /** Removals that found a stored interaction. */
  removed: number;
}

/**
 * Applies one delivery's extraction.
 * 1. record the new interactions (redelivery is a no-op) and publish InteractionRecorded;
 * 2. then apply removals: a deleted tweet's text is erased, an unfollow marks the follow removed.
 * Removals come second so a delivery that creates and deletes the same tweet ends deleted.
 */
export async function applyXActivity(ports: RecordInteractionPorts, ctx: RecordContext, extraction: XExtraction): Promise<XActivityResult> {
  const results = await recordSocialInteractions(ports, ctx, extraction.signals);
  let removed = 0;
  for (const removal of extraction.removals) {
    const amended = await amendInteraction(ports, ctx.tenantId, { channel: 'x', externalId: removal.externalId }, { kind: 'remove', at: removal.at });
    if (amended) removed += 1;
  }
  return { results, removed };
}
