import { describe, expect, it } from 'vitest';
import { InvalidInput, NotFound } from '../../../domain/shared/errors.js';
import {
  applyYoutubeFeed,
  extractYoutubeSignals,
  parseXml,
  parseYoutubeFeed,
  topicChannelId,
  verifyWebSubIntent,
} from '../../../domain/social/ingest/youtube.js';
import type { Tenant } from '../../../domain/shared/model.js';
import type { YoutubeVideoIndex } from '../../../domain/shared/ports.js';
import { FakeCustomers, FakeInteractions, FakePublisher, fakeAnalyzer, fixedClock, sequentialIds } from '../../support/fakes.js';
import { sample } from '../../support/webhooks.js';
import { deletedVideoFeed, topicOf, videoFeed } from '../../support/youtube.js';

const OWN = 'UCacmeOwnChannel00000001';
const CREATOR = 'UCcreatorChannel00000001';
const tenant: Tenant = {
  tenantId: 'acme',
  name: 'Acme',
  accounts: { youtube: [OWN] },
  watched: { youtube: [CREATOR, 'CHANNEL_ID'] },
  createdAt: '2026-01-01T00:00:00.000Z',
};
const now = new Date('2026-11-23T10:00:00.000Z');

describe('WebSub verification', () => {
  const ask = (params: Record<string, string>) =>
    verifyWebSubIntent(tenant, { 'hub.mode': 'subscribe', 'hub.topic': topicOf(CREATOR), 'hub.challenge': 'c-123', 'hub.lease_seconds': '432000', ...params }, now);

  it('echoes the challenge for a watched channel and records the lease expiry', () => {
    expect(ask({})).toEqual({
      challenge: 'c-123',
      subscription: {
        tenantId: 'acme',
        channelId: CREATOR,
        topic: topicOf(CREATOR),
        status: 'subscribed',
        leaseSeconds: 432000,
        verifiedAt: now.toISOString(),
        leaseExpiresAt: '2026-11-28T10:00:00.000Z',
      },
    });
  });

  it("accepts the tenant's own channel, and the topic form without /xml", () => {
    expect(ask({ 'hub.topic': topicOf(OWN) }).subscription.channelId).toBe(OWN);
    expect(ask({ 'hub.topic': `https://www.youtube.com/feeds/videos.xml?channel_id=${CREATOR}` }).subscription.channelId).toBe(CREATOR);
  });

  it('records an unsubscription as a lease that ends now', () => {
    const { challenge, subscription } = ask({ 'hub.mode': 'unsubscribe', 'hub.lease_seconds': '' });
    expect(challenge).toBe('c-123');
    expect(subscription).toMatchObject({ status: 'unsubscribed', leaseExpiresAt: now.toISOString() });
    expect(subscription).not.toHaveProperty('leaseSeconds');
  });

  it('refuses (404) topics of channels the tenant does not watch, and anything that is not a channel feed', () => {
    for (const topic of [
      topicOf('UCsomeoneElse0000000001'),
      `http://www.youtube.com/xml/feeds/videos.xml?channel_id=${CREATOR}`,
      `https://evil.example/xml/feeds/videos.xml?channel_id=${CREATOR}`,
      `https://www.youtube.com/xml/feeds/videos.xml?channel_id=${CREATOR}&channel_id=${OWN}`,
      `https://www.youtube.com/xml/feeds/videos.xml?playlist_id=${CREATOR}`,
      `https://www.youtube.com/other?channel_id=${CREATOR}`,
      'not a url',
    ]) {
      expect(() => ask({ 'hub.topic': topic }), topic).toThrow(NotFound);
    }
  });

  it('refuses incomplete requests with 400', () => {
    expect(() => ask({ 'hub.mode': 'denied' })).toThrow(InvalidInput);
    expect(() => ask({ 'hub.challenge': '' })).toThrow(InvalidInput);
    expect(() => ask({ 'hub.lease_seconds': '' })).toThrow(InvalidInput);
    expect(() => ask({ 'hub.lease_seconds': '-5' })).toThrow(InvalidInput);
    expect(() => ask({ 'hub.lease_seconds': '0' })).toThrow(InvalidInput);
    expect(() => verifyWebSubIntent(tenant, { 'hub.mode': 'subscribe', 'hub.challenge': 'x' }, now)).toThrow(InvalidInput);
  });

  it('reads channel ids from topics only when exactly one channel_id is given', () => {
    expect(topicChannelId(topicOf('UC_x-1'))).toBe('UC_x-1');
    expect(topicChannelId(`${topicOf('UC_x-1')}#frag`)).toBeUndefined();
    expect(topicChannelId(undefined)).toBeUndefined();
  });
});

describe('Atom notification', () => {
  it('reads the verbatim sample', () => {
    expect(parseYoutubeFeed(sample('youtube-websub-new-video.xml'))).toEqual({
      entries: [
        {
          videoId: 'VIDEO_ID',
          channelId: 'CHANNEL_ID',
          title: 'Video title',
          link: 'http://www.youtube.com/watch?v=VIDEO_ID',
          authorName: 'Channel title',
          published: '2015-03-06T21:40:57+00:00',
          updated: '2015-03-09T19:05:24.552394234+00:00',
        },
      ],
      deleted: [],
    });
  });

  it("turns a watched channel's video into content by the channel owner, deduped on (videoId, updated)", () => {
    const { signals, skipped } = extractYoutubeSignals(parseYoutubeFeed(sample('youtube-websub-new-video.xml')), tenant);
    expect(skipped).toEqual({});
    expect(signals).toEqual([
      {
        videoId: 'VIDEO_ID',
        channelId: 'CHANNEL_ID',
        signal: {
          channel: 'youtube',
          kind: 'content',
          externalId: 'VIDEO_ID@2015-03-09T19:05:24.552394234+00:00',
          author: { externalId: 'CHANNEL_ID', name: 'Channel title' },
          text: 'Video title',
          postId: 'VIDEO_ID',
          occurredAt: '2015-03-09T19:05:24.552Z',
        },
      },
    ]);
  });

  it("skips the brand's own uploads and channels it does not watch", () => {
    const own = extractYoutubeSignals(parseYoutubeFeed(videoFeed({ videoId: 'abcdefghijk', channelId: OWN })), tenant);
    expect(own).toMatchObject({ signals: [], skipped: { 'own-account': 1 } });
    const other = extractYoutubeSignals(parseYoutubeFeed(videoFeed({ videoId: 'abcdefghijk', channelId: 'UCnotWatched000000000001' })), tenant);
    expect(other).toMatchObject({ signals: [], skipped: { 'channel-not-watched': 1 } });
  });

  it('decodes entities, character references and CDATA in titles (Spanish, emoji)', () => {
    const feed = videoFeed({ videoId: 'abcdefghijk', channelId: CREATOR, title: 'PLACEHOLDER' }).replace(
      '<title>PLACEHOLDER</title>',
      '<title>Reseña: botas &amp; mochila &#x1F97E; &lt;top&gt; <![CDATA[¡a <prueba>!]]> &#233;pico</title>',
    );
    expect(parseYoutubeFeed(feed).entries[0]?.title).toBe('Reseña: botas & mochila 🥾 <top> ¡a <prueba>! épico');
  });

  it('resolves namespaces by URI, not by prefix', () => {
    const feed = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<a:feed xmlns:a="http://www.w3.org/2005/Atom" xmlns:y="http://www.youtube.com/xml/schemas/2015">
  <a:entry><y:videoId>abcdefghijk</y:videoId><y:channelId>${CREATOR}</y:channelId><a:title>T</a:title>
  <a:updated>2026-11-23T09:00:00+00:00</a:updated></a:entry>
</a:feed>`;
    expect(parseYoutubeFeed(feed).entries).toEqual([{ videoId: 'abcdefghijk', channelId: CREATOR, title: 'T', updated: '2026-11-23T09:00:00+00:00' }]);
    // the same names in another namespace are not YouTube's
    const wrongNs = feed.replace('http://www.youtube.com/xml/schemas/2015', 'urn:other');
    expect(() => parseYoutubeFeed(wrongNs)).toThrow(InvalidInput);
  });

  it('reads deleted-entry tombstones', () => {
    expect(parseYoutubeFeed(deletedVideoFeed({ videoId: 'abcdefghijk', channelId: CREATOR, when: '2015-03-10T08:00:00.123456789+00:00' }))).toEqual({
      entries: [],
      deleted: [{ videoId: 'abcdefghijk', deletedAt: '2015-03-10T08:00:00.123Z', channelId: CREATOR }],
    });
  });

  it('refuses what is not well-formed XML, declarations, and feeds without what a notification must carry', () => {
    const good = videoFeed({ videoId: 'abcdefghijk', channelId: CREATOR });
    const bad = [
      `<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x "boom">]>${good}`,
      good.replace('</title>', '</titel>'),
      good.replace('<yt:videoId>', '<zz:videoId>').replace('</yt:videoId>', '</zz:videoId>'),
      good.replace('Video title', 'Fish & chips'),
      good.replace('Video title', '&nbsp;'),
      `${good}<feed xmlns="http://www.w3.org/2005/Atom"/>`,
      good.replace('</feed>', ''),
      good.replace('rel="alternate"', 'rel="alternate" rel="x"'),
      good.replace('<yt:videoId>abcdefghijk</yt:videoId>', ''),
      good.replace('<yt:videoId>abcdefghijk</yt:videoId>', '<yt:videoId>bad id!</yt:videoId>'),
      good.replace(/<updated>[^<]+<\/updated>\n {2}<\/entry>/, '</entry>'),
      good.replace('2015-03-09T19:05:24.552394234+00:00</updated>\n  </entry>', 'yesterday</updated>\n  </entry>'),
      '<rss><channel/></rss>',
      '{"not":"xml"}',
      '',
    ];
    for (const body of bad) expect(() => parseYoutubeFeed(body), body.slice(0, 80)).toThrow(InvalidInput);
    expect(() => parseYoutubeFeed(good)).not.toThrow();
  });

  it('refuses documents nested deeper than a feed needs', () => {
    const deep = `${'<a>'.repeat(40)}${'</a>'.repeat(40)}`;
    expect(() => parseXml(deep)).toThrow(InvalidInput);
  });
});

class FakeVideos implements YoutubeVideoIndex {
  readonly videos = new Map<string, { ids: Set<string>; deletedAt?: string }>();
  async remember(tenantId: string, videoId: string, _channelId: string, externalId: string) {
    const video = this.videos.get(`${tenantId}|${videoId}`) ?? { ids: new Set<string>() };
    video.ids.add(externalId);
    this.videos.set(`${tenantId}|${videoId}`, video);
    return video.deletedAt ? { deletedAt: video.deletedAt } : {};
  }
  async markDeleted(tenantId: string, videoId: string, at: string) {
    const video = this.videos.get(`${tenantId}|${videoId}`) ?? { ids: new Set<string>() };
    video.deletedAt ??= at;
    this.videos.set(`${tenantId}|${videoId}`, video);
    return [...video.ids];
  }
}

describe('applyYoutubeFeed', () => {
  const ctx = { tenantId: 'acme', correlationId: 'corr-yt' };
  function setup() {
    return {
      customers: new FakeCustomers(),
      interactions: new FakeInteractions(),
      publisher: new FakePublisher(),
      analyzer: fakeAnalyzer,
      clock: fixedClock(),
      ids: sequentialIds(),
      videos: new FakeVideos(),
    };
  }
  const notify = (ports: ReturnType<typeof setup>, xml: string) => applyYoutubeFeed(ports, ctx, extractYoutubeSignals(parseYoutubeFeed(xml), tenant));

  it('records each (videoId, updated) once; an update of the title is another notification', async () => {
    const ports = setup();
    const upload = videoFeed({ videoId: 'abcdefghijk', channelId: CREATOR, title: 'My great trip', updated: '2026-11-20T10:00:00.000000001+00:00' });
    expect((await notify(ports, upload)).results.map((r) => r.outcome)).toEqual(['recorded']);
    expect((await notify(ports, upload)).results.map((r) => r.outcome)).toEqual(['duplicate']);
    const retitled = videoFeed({ videoId: 'abcdefghijk', channelId: CREATOR, title: 'My great trip (4K)', updated: '2026-11-21T10:00:00+00:00' });
    expect((await notify(ports, retitled)).results.map((r) => r.outcome)).toEqual(['recorded']);
    expect(ports.publisher.published).toHaveLength(2);
    expect(ports.customers.customers.size).toBe(1);
    expect([...ports.customers.customers.values()][0]!.identities).toEqual([expect.objectContaining({ channel: 'youtube', externalId: CREATOR, name: 'Channel title' })]);
  });

  it("a deleted video loses every notification's title, and a late notification does not bring it back", async () => {
    const ports = setup();
    await notify(ports, videoFeed({ videoId: 'abcdefghijk', channelId: CREATOR, title: 'First title', updated: '2026-11-20T10:00:00+00:00' }));
    await notify(ports, videoFeed({ videoId: 'abcdefghijk', channelId: CREATOR, title: 'Second title', updated: '2026-11-21T10:00:00+00:00' }));
    const deleted = await notify(ports, deletedVideoFeed({ videoId: 'abcdefghijk', channelId: CREATOR, when: '2026-11-22T10:00:00+00:00' }));
    expect(deleted.removed).toBe(2);
    const stored = [...ports.interactions.stored.values()].map((s) => s.interaction);
    expect(stored).toHaveLength(2);
    for (const interaction of stored) expect(interaction).toMatchObject({ removedAt: '2026-11-22T10:00:00.000Z' });
    expect(JSON.stringify(stored)).not.toMatch(/First title|Second title/);

    const late = await notify(ports, videoFeed({ videoId: 'abcdefghijk', channelId: CREATOR, title: 'Third title', updated: '2026-11-23T10:00:00+00:00' }));
    expect(late.results).toEqual([]);
    expect(late.skipped).toEqual({ 'video-deleted': 1 });
    expect(JSON.stringify([...ports.interactions.stored.values()])).not.toContain('Third title');
  });

  it('acknowledges the delete of a video it never stored', async () => {
    const ports = setup();
    expect((await notify(ports, deletedVideoFeed({ videoId: 'zzzzzzzzzzz', channelId: CREATOR }))).removed).toBe(0);
  });
});
