import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../domain/shared/errors.js';
import { applyXActivity, crcResponseToken, extractXActivity, followExternalId, XDelivery } from '../../../domain/social/ingest/x.js';
import { FakeCustomers, FakeInteractions, FakePublisher, fakeAnalyzer, fixedClock, sequentialIds } from '../../support/fakes.js';
import { sample } from '../../support/webhooks.js';
import { directMessageEvent, favoriteEvent, followEvent, tweet, tweetDeleteEvent, xCreatedAt, xUser } from '../../support/x.js';

const BRAND = '900000000000000001';
const parse = (raw: string) => XDelivery.parse(JSON.parse(raw));
const delivery = (events: Record<string, unknown>, forUserId = BRAND) => parse(JSON.stringify({ for_user_id: forUserId, ...events }));
const brandUser = xUser({ id: BRAND, screenName: 'acme', name: 'Acme Outdoor' });
const ana = xUser({ id: '1650000000000000001', screenName: 'ana_trails', name: 'Ana Ruiz', followers: 1520, following: 310, posts: 8842, verified: true });

function errorOf(run: () => unknown): InvalidInput {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInput);
    return error as InvalidInput;
  }
  throw new Error('expected InvalidInput');
}

describe('CRC', () => {
  it('answers sha256= + base64 HMAC-SHA256(consumer secret, crc_token), the shape of the documented response', () => {
    // the example secret and token of X's own CRC samples; value checked against Python's hmac module
    const token = crcResponseToken('z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu', '9b4507b3-9040-4669-9ca3-6b94edb50553');
    expect(token).toBe('sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8=');
    const documented = JSON.parse(sample('x-crc-response.official-docs.json')) as Record<string, string>;
    expect(Object.keys(documented)).toEqual(['response_token']);
    expect(token).toMatch(/^sha256=[A-Za-z0-9+/]{43}=$/);
    expect(documented.response_token).toMatch(/^sha256=[A-Za-z0-9+/]{43}=$/);
  });
});

describe('direct_message_events', () => {
  it('turns the verbatim sample into a dm from the sender, with the users map as identity and reach', () => {
    const { signals, removals, skipped } = extractXActivity(parse(sample('x-aaa-direct_message_events.json')), ['4337869213']);
    expect(skipped).toEqual({});
    expect(removals).toEqual([]);
    expect(signals).toEqual([
      {
        channel: 'x',
        kind: 'dm',
        externalId: '954491830116155396',
        accountId: '4337869213',
        author: {
          externalId: '3001969357',
          handle: 'furiouscamper',
          name: 'Jordan Brinks',
          influence: { followers: 22, following: 45, posts: 494, verified: false },
        },
        text: 'Hello World!',
        occurredAt: new Date(1516403560557).toISOString(),
      },
    ]);
  });

  it('skips messages the brand sent', () => {
    const raw = sample('x-aaa-direct_message_events.json')
      .replace('"recipient_id": "4337869213"', '"recipient_id": "3001969357"')
      .replace('"sender_id": "3001969357"', '"sender_id": "4337869213"');
    const { signals, skipped } = extractXActivity(parse(raw), ['4337869213']);
    expect(signals).toEqual([]);
    expect(skipped).toEqual({ 'own-account': 1 });
  });

  it('acknowledges and ignores a delivery for an account the tenant has not connected', () => {
    const { signals, skipped } = extractXActivity(parse(sample('x-aaa-direct_message_events.json')), [BRAND]);
    expect(signals).toEqual([]);
    expect(skipped).toEqual({ 'account-not-connected': 1 });
  });

  it('keeps a Spanish message with emoji exactly, and a sender missing from the users map by id only', () => {
    const text = '¡Hola! Mi pedido #4411 llegó roto 😡📦 ¿me ayudáis?';
    const { signals } = extractXActivity(delivery({ direct_message_events: [directMessageEvent({ id: '1045000000000000077', senderId: '777', recipientId: BRAND, text })] }), [BRAND]);
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ kind: 'dm', externalId: '1045000000000000077', text, author: { externalId: '777' } });
    expect(signals[0]!.author).toEqual({ externalId: '777' });
  });

  it('acknowledges other direct message event types', () => {
    const { signals, skipped } = extractXActivity(delivery({ direct_message_events: [{ type: 'reaction_create', id: '5', created_timestamp: '1' }] }), [BRAND]);
    expect(signals).toEqual([]);
    expect(skipped).toEqual({ 'unsupported:direct_message_events/reaction_create': 1 });
  });
});

describe('tweet_create_events', () => {
  const at = new Date('2026-11-20T10:15:30.000Z');

  it('a tweet mentioning the brand is a mention with the author, reach and text', () => {
    const text = 'Just finished the Camino in my new @acme boots 🥾❤️ zero blisters!';
    const t = tweet({ id: '1924465506158878979', text, user: ana, mentions: [{ id: BRAND, screenName: 'acme' }], createdAt: at });
    const { signals } = extractXActivity(delivery({ tweet_create_events: [t] }), [BRAND]);
    expect(signals).toEqual([
      {
        channel: 'x',
        kind: 'mention',
        externalId: '1924465506158878979',
        accountId: BRAND,
        author: { externalId: ana.id_str, handle: 'ana_trails', name: 'Ana Ruiz', influence: { followers: 1520, following: 310, posts: 8842, verified: true } },
        text,
        occurredAt: at.toISOString(),
      },
    ]);
  });

  it('a reply to the brand is a comment on the tweet it answers, in Spanish with emoji', () => {
    const text = '@acme ¿Tenéis la chaqueta en talla M? 🙏🧥';
    const t = tweet({ text, user: ana, inReplyTo: { statusId: '1860000000000000001', userId: BRAND, screenName: 'acme' }, mentions: [{ id: BRAND, screenName: 'acme' }] });
    const [signal] = extractXActivity(delivery({ tweet_create_events: [t] }), [BRAND]).signals;
    expect(signal).toMatchObject({ kind: 'comment', text, parentId: '1860000000000000001', externalId: t.id_str });
  });

  it('a longform post: the full text, and a mention that only its extended entities carry (verbatim docs sample)', () => {
    const raw = sample('x-aaa-tweet_create_events-longform.official-docs.jsonc').replace(
      '"user": { ... },',
      `"user": ${JSON.stringify(xUser({ id: '1603419180975409153', screenName: 'historian' }))},`,
    );
    // the sample's brand is the author itself: its own post is not a customer interaction
    expect(extractXActivity(parse(raw), ['1603419180975409153'])).toEqual({ signals: [], removals: [], skipped: { 'own-account': 1 } });

    // for @xai (mentioned after the 280th character) it is a mention with the whole text
    const forXai = raw.replace('"for_user_id": "1603419180975409153"', '"for_user_id": "1661523610111193088"');
    const { signals } = extractXActivity(parse(forXai), ['1661523610111193088']);
    expect(signals).toHaveLength(1);
    const signal = signals[0]!;
    expect(signal.kind).toBe('mention');
    // the id is the exact id_str, not the numeric id JSON.parse rounded to 1924465506158879000
    expect(signal.externalId).toBe('1924465506158878979');
    expect(signal.text).toMatch(/^The Antikythera Mechanism: A Window into Ancient Ingenuity Discovered in 1901 among the wreckage of a Roman ship off the Greek island/);
    expect(signal.text).not.toContain('https://t.co/bzbEKj8cd8');
    expect(signal.occurredAt).toBe('2025-05-19T14:01:46.000Z');
  });

  it('prefers a note_tweet text when X sends one', () => {
    const t = { ...tweet({ text: 'cut at 140…', user: ana, mentions: [{ id: BRAND, screenName: 'acme' }] }), note_tweet: { text: 'the whole long note ✍️ @acme' } };
    expect(extractXActivity(delivery({ tweet_create_events: [t] }), [BRAND]).signals[0]?.text).toBe('the whole long note ✍️ @acme');
  });

  it("a retweet of the brand's tweet is a share without text; a retweet of someone else's is skipped", () => {
    const rt = tweet({ text: 'RT @acme: Winter sale starts now', user: ana, retweetOf: { id: '1860000000000000002', userId: BRAND } });
    const other = tweet({ text: 'RT @someone: hi @acme', user: ana, retweetOf: { id: '1860000000000000003', userId: '42' }, mentions: [{ id: BRAND, screenName: 'acme' }] });
    const { signals, skipped } = extractXActivity(delivery({ tweet_create_events: [rt, other] }), [BRAND]);
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ kind: 'share', externalId: rt.id_str, postId: '1860000000000000002' });
    expect(signals[0]).not.toHaveProperty('text');
    expect(skipped).toEqual({ 'not-addressed-to-brand': 1 });
  });

  it("a quote of the brand's tweet is a share with the quoter's words", () => {
    const q = tweet({ text: 'This is the best deal of the year 🔥', user: ana, quoteOf: { id: '1860000000000000004', userId: BRAND } });
    const [signal] = extractXActivity(delivery({ tweet_create_events: [q] }), [BRAND]).signals;
    expect(signal).toMatchObject({ kind: 'share', text: 'This is the best deal of the year 🔥', postId: '1860000000000000004' });
  });

  it("the brand's own tweets and replies are not customer interactions; unrelated tweets are skipped", () => {
    const own = tweet({ text: 'New collection out!', user: brandUser });
    const ownReply = tweet({ text: '@ana_trails thanks!', user: brandUser, inReplyTo: { statusId: '1', userId: ana.id_str, screenName: 'ana_trails' } });
    const unrelated = tweet({ text: 'nothing to do with the brand', user: ana });
    const { signals, skipped } = extractXActivity(delivery({ tweet_create_events: [own, ownReply, unrelated] }), [BRAND]);
    expect(signals).toEqual([]);
    expect(skipped).toEqual({ 'own-account': 2, 'not-addressed-to-brand': 1 });
  });

  it('reads the time from created_at when timestamp_ms is absent', () => {
    const { timestamp_ms: _drop, ...t } = tweet({ text: 'hey @acme', user: ana, mentions: [{ id: BRAND, screenName: 'acme' }], createdAt: at });
    expect(t.created_at).toBe(xCreatedAt(at));
    expect(extractXActivity(delivery({ tweet_create_events: [t] }), [BRAND]).signals[0]?.occurredAt).toBe(at.toISOString());
  });
});

describe('favorite_events and follow_events', () => {
  it("a like of the brand's tweet is a like by the liker, deduped on the favorite id", () => {
    const like = favoriteEvent({ id: 'a7ba59eab0bfcba386f7acedac279542', liker: ana, tweetId: '1860000000000000005', tweetAuthorId: BRAND, at: new Date(1522082006140) });
    const { signals } = extractXActivity(delivery({ favorite_events: [like] }), [BRAND]);
    expect(signals).toEqual([
      {
        channel: 'x',
        kind: 'like',
        externalId: 'a7ba59eab0bfcba386f7acedac279542',
        accountId: BRAND,
        author: expect.objectContaining({ externalId: ana.id_str, handle: 'ana_trails' }),
        postId: '1860000000000000005',
        occurredAt: new Date(1522082006140).toISOString(),
      },
    ]);
  });

  it("the brand liking someone's tweet is its own activity", () => {
    const like = favoriteEvent({ liker: brandUser, tweetId: '1860000000000000006', tweetAuthorId: ana.id_str });
    expect(extractXActivity(delivery({ favorite_events: [like] }), [BRAND]).skipped).toEqual({ 'own-account': 1 });
  });

  it('a follow of the brand is a follow by the source; an unfollow removes that follow; the brand following is skipped', () => {
    const at = new Date('2018-02-02T16:25:49.178Z');
    const { signals, removals, skipped } = extractXActivity(
      delivery({
        follow_events: [
          followEvent({ type: 'follow', source: ana, target: brandUser, at }),
          followEvent({ type: 'unfollow', source: ana, target: brandUser, at }),
          followEvent({ type: 'follow', source: brandUser, target: ana, at }),
        ],
      }),
      [BRAND],
    );
    expect(signals).toEqual([
      { channel: 'x', kind: 'follow', externalId: followExternalId(BRAND, ana.id_str), accountId: BRAND, author: expect.objectContaining({ externalId: ana.id_str }), occurredAt: at.toISOString() },
    ]);
    expect(removals).toEqual([{ externalId: `follow:${BRAND}:${ana.id_str}`, at: at.toISOString(), reason: 'unfollowed' }]);
    expect(skipped).toEqual({ 'own-account': 1 });
  });
});

describe('tweet_delete_events, unknown keys and malformed deliveries', () => {
  it('the verbatim delete sample is a removal of the tweet id', () => {
    const { signals, removals } = extractXActivity(parse(sample('x-aaa-tweet_delete_events.json')), ['930524282358325248']);
    expect(signals).toEqual([]);
    expect(removals).toEqual([{ externalId: '1045405559317569537', at: new Date(1432228155593).toISOString(), reason: 'tweet-deleted' }]);
  });

  it('counts event keys it does not handle, including envelopes without for_user_id', () => {
    const blocks = delivery({ block_events: [{ type: 'block' }], direct_message_indicate_typing_events: [{}], apps: {}, user_has_blocked: 'false' });
    expect(extractXActivity(blocks, [BRAND]).skipped).toEqual({ 'unsupported:block_events': 1, 'unsupported:direct_message_indicate_typing_events': 1 });
    const revoke = parse('{"user_event":{"revoke":{"date_time":"2018-05-24T09:48:12+00:00","target":{"app_id":"13090192"},"source":{"user_id":"63046977"}}}}');
    expect(extractXActivity(revoke, [BRAND])).toEqual({ signals: [], removals: [], skipped: { 'unsupported:user_event': 1 } });
  });

  it('one malformed event fails the whole delivery with the path of the problem', () => {
    const good = tweet({ text: 'hi @acme', user: ana, mentions: [{ id: BRAND, screenName: 'acme' }] });
    const { id_str: _id, ...withoutIdStr } = tweet({ text: 'only a numeric id', user: ana });
    const error = errorOf(() => extractXActivity(delivery({ tweet_create_events: [good, withoutIdStr] }), [BRAND]));
    expect(JSON.stringify(error.details)).toContain('tweet_create_events.1.id_str');
    expect(() => extractXActivity(delivery({ follow_events: [{ type: 'follow', created_timestamp: '1', source: {}, target: brandUser }] }), [BRAND])).toThrow(InvalidInput);
    expect(() => extractXActivity(delivery({ direct_message_events: [{ type: 'message_create', id: '1', created_timestamp: '1' }] }), [BRAND])).toThrow(InvalidInput);
    expect(() => extractXActivity(delivery({ tweet_create_events: [{ ...good, timestamp_ms: null, created_at: 'yesterday' }] }), [BRAND])).toThrow(InvalidInput);
  });

  it('refuses numeric ids beyond 2^53, which JSON.parse has already corrupted', () => {
    expect(XDelivery.safeParse(JSON.parse('{"for_user_id": 1603419180975409153}')).success).toBe(false);
    const numericDelete = delivery({ tweet_delete_events: [{ status: { id: 1045405559317569537, user_id: '1' }, timestamp_ms: '1' }] });
    expect(() => extractXActivity(numericDelete, [BRAND])).toThrow(InvalidInput);
  });
});

describe('applyXActivity', () => {
  function setup() {
    return {
      customers: new FakeCustomers(),
      interactions: new FakeInteractions(),
      publisher: new FakePublisher(),
      analyzer: fakeAnalyzer,
      clock: fixedClock(),
      ids: sequentialIds(),
    };
  }
  const ctx = { tenantId: 'acme', correlationId: 'corr-x' };

  it('records a multi-event delivery once, stores reach on the identity, and a redelivery changes nothing', async () => {
    const ports = setup();
    const events = {
      tweet_create_events: [tweet({ text: 'I love my @acme tent', user: ana, mentions: [{ id: BRAND, screenName: 'acme' }] })],
      favorite_events: [favoriteEvent({ liker: ana, tweetId: '1860000000000000007', tweetAuthorId: BRAND })],
      follow_events: [followEvent({ type: 'follow', source: ana, target: brandUser })],
    };
    const first = await applyXActivity(ports, ctx, extractXActivity(delivery(events), [BRAND]));
    expect(first.results.map((r) => [r.interaction.kind, r.outcome])).toEqual([
      ['mention', 'recorded'],
      ['like', 'recorded'],
      ['follow', 'recorded'],
    ]);
    expect(ports.customers.customers.size).toBe(1);
    const customer = [...ports.customers.customers.values()][0]!;
    expect(customer.identities).toEqual([
      expect.objectContaining({ channel: 'x', externalId: ana.id_str, handle: 'ana_trails', influence: { followers: 1520, following: 310, posts: 8842, verified: true, updatedAt: expect.any(String) } }),
    ]);
    expect(ports.publisher.published).toHaveLength(3);
    const again = await applyXActivity(ports, ctx, extractXActivity(delivery(events), [BRAND]));
    expect(again.results.every((r) => r.outcome === 'duplicate')).toBe(true);
    expect(ports.publisher.published).toHaveLength(3);
  });

  it('a tweet delete erases the stored text; an unfollow marks the follow removed; unknown ids change nothing', async () => {
    const ports = setup();
    const t = tweet({ text: 'secret plans @acme', user: ana, mentions: [{ id: BRAND, screenName: 'acme' }] });
    await applyXActivity(ports, ctx, extractXActivity(delivery({ tweet_create_events: [t], follow_events: [followEvent({ type: 'follow', source: ana, target: brandUser })] }), [BRAND]));
    const result = await applyXActivity(
      ports,
      ctx,
      extractXActivity(
        delivery({
          tweet_delete_events: [tweetDeleteEvent({ tweetId: t.id_str, userId: ana.id_str }), tweetDeleteEvent({ tweetId: '1', userId: ana.id_str })],
          follow_events: [followEvent({ type: 'unfollow', source: ana, target: brandUser })],
        }),
        [BRAND],
      ),
    );
    expect(result.removed).toBe(2);
    const deleted = await ports.interactions.findByExternalId('acme', 'x', t.id_str);
    expect(deleted).toMatchObject({ kind: 'mention', removedAt: expect.any(String) });
    expect(deleted).not.toHaveProperty('text');
    expect(deleted).not.toHaveProperty('sentiment');
    expect(JSON.stringify([...ports.interactions.stored.values()])).not.toContain('secret plans');
    expect(await ports.interactions.findByExternalId('acme', 'x', followExternalId(BRAND, ana.id_str))).toMatchObject({ kind: 'follow', removedAt: expect.any(String) });
  });
});
