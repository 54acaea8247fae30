/**
 * X Account Activity API payloads and signatures, for the tests. Deliveries follow the documented
 * structure (test/fixtures/webhook-samples/x-aaa-*.json[c]); Tweet and User objects carry the documented v1.1
 * fields, including the numeric `id` next to `id_str`, because X sends both.
 */
import { createHmac } from 'node:crypto';

export function xSignature(consumerSecret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(body).digest('base64')}`;
}

export async function postX(apiUrl: string, tenantId: string, consumerSecret: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${apiUrl}/webhooks/${tenantId}/x`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSignature(consumerSecret, body), ...headers },
    body,
  });
}

export interface XUserOptions {
  id: string;
  screenName?: string;
  name?: string;
  followers?: number;
  following?: number;
  posts?: number;
  verified?: boolean;
}

/** A v1.1 User object. `id` is a JSON number when it is exact, as X sends it; code must read `id_str`. */
export function xUser(o: XUserOptions) {
  return {
    id: Number.isSafeInteger(Number(o.id)) ? Number(o.id) : 0,
    id_str: o.id,
    name: o.name ?? 'Test Person',
    screen_name: o.screenName ?? `user${o.id.slice(-6)}`,
    location: null,
    protected: false,
    verified: o.verified ?? false,
    followers_count: o.followers ?? 10,
    friends_count: o.following ?? 20,
    statuses_count: o.posts ?? 30,
    created_at: 'Wed Jan 28 18:41:09 +0000 2015',
  };
}

/** X's `created_at` format: "Mon May 19 14:01:46 +0000 2025". */
export function xCreatedAt(at: Date): string {
  return at.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1 $3 $2 $5 +0000 $4');
}

let sequence = 0;
/** A fresh, X-sized id (19 digits, beyond 2^53) so tests do not collide. */
export function xId(): string {
  sequence += 1;
  return `19${String(Date.now()).slice(-10)}${String(sequence).padStart(7, '0')}`;
}

export interface TweetOptions {
  id?: string;
  text: string;
  user: ReturnType<typeof xUser>;
  createdAt?: Date;
  mentions?: { id: string; screenName: string }[];
  inReplyTo?: { statusId: string; userId: string; screenName: string };
  retweetOf?: { id: string; userId: string };
  quoteOf?: { id: string; userId: string };
  extendedText?: string;
}

/** A v1.1 Tweet object as tweet_create_events carries it. */
export function tweet(o: TweetOptions) {
  const id = o.id ?? xId();
  const at = o.createdAt ?? new Date();
  const mentions = (o.mentions ?? []).map((m) => ({ screen_name: m.screenName, name: m.screenName, id: 0, id_str: m.id, indices: [0, m.screenName.length + 1] }));
  const embedded = (ref: { id: string; userId: string }) => ({
    created_at: xCreatedAt(at),
    id: 0,
    id_str: ref.id,
    text: 'the brand said something',
    user: xUser({ id: ref.userId, screenName: 'brand' }),
    entities: { hashtags: [], urls: [], user_mentions: [], symbols: [] },
  });
  return {
    created_at: xCreatedAt(at),
    id: 0,
    id_str: id,
    text: o.text,
    display_text_range: [0, o.text.length],
    source: '<a href="https://mobile.x.com" rel="nofollow">X Web App</a>',
    truncated: o.extendedText !== undefined,
    in_reply_to_status_id: o.inReplyTo ? 0 : null,
    in_reply_to_status_id_str: o.inReplyTo?.statusId ?? null,
    in_reply_to_user_id: o.inReplyTo ? 0 : null,
    in_reply_to_user_id_str: o.inReplyTo?.userId ?? null,
    in_reply_to_screen_name: o.inReplyTo?.screenName ?? null,
    user: o.user,
    is_quote_status: o.quoteOf !== undefined,
    ...(o.quoteOf && { quoted_status_id_str: o.quoteOf.id, quoted_status: embedded(o.quoteOf) }),
    ...(o.retweetOf && { retweeted_status: embedded(o.retweetOf) }),
    ...(o.extendedText !== undefined && {
      extended_tweet: { full_text: o.extendedText, display_text_range: [0, o.extendedText.length], entities: { hashtags: [], urls: [], user_mentions: mentions, symbols: [] } },
    }),
    entities: { hashtags: [], urls: [], user_mentions: o.extendedText !== undefined ? [] : mentions, symbols: [] },
    favorite_count: 0,
    retweet_count: 0,
    lang: 'und',
    timestamp_ms: String(at.getTime()),
  };
}

export function favoriteEvent(o: { id?: string; liker: ReturnType<typeof xUser>; tweetId: string; tweetAuthorId: string; at?: Date }) {
  const at = o.at ?? new Date();
  return {
    id: o.id ?? createHmac('md5', 'fav').update(`${o.liker.id_str}:${o.tweetId}:${sequence++}`).digest('hex'),
    created_at: xCreatedAt(at),
    timestamp_ms: at.getTime(),
    favorited_status: tweet({ id: o.tweetId, text: 'a brand post', user: xUser({ id: o.tweetAuthorId, screenName: 'brand' }) }),
    user: o.liker,
  };
}

export function followEvent(o: { type: 'follow' | 'unfollow'; source: ReturnType<typeof xUser>; target: ReturnType<typeof xUser>; at?: Date }) {
  return { type: o.type, created_timestamp: String((o.at ?? new Date()).getTime()), target: o.target, source: o.source };
}

export function directMessageEvent(o: { id?: string; senderId: string; recipientId: string; text: string; at?: Date }) {
  return {
    type: 'message_create',
    id: o.id ?? xId(),
    created_timestamp: String((o.at ?? new Date()).getTime()),
    message_create: {
      target: { recipient_id: o.recipientId },
      sender_id: o.senderId,
      source_app_id: '13090192',
      message_data: { text: o.text, entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } },
    },
  };
}

export function tweetDeleteEvent(o: { tweetId: string; userId: string; at?: Date }) {
  return { status: { id: o.tweetId, user_id: o.userId }, timestamp_ms: String((o.at ?? new Date()).getTime()) };
}

/** `{ for_user_id, ...events }` as one POST body. */
export function xDelivery(forUserId: string, events: Record<string, unknown>): string {
  return JSON.stringify({ for_user_id: forUserId, ...events });
}
