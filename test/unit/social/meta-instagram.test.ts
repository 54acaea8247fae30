/**
 * Instagram webhooks: comments, mentions and DMs, from the verbatim samples and variants on the
 * documented structures (instagram-*.jsonc).
 */
import { describe, expect, it } from 'vitest';
import { extractMetaDelivery } from '../../../domain/social/ingest/meta.js';
import { InvalidInput } from '../../../domain/shared/errors.js';
import { sample } from '../../support/webhooks.js';
import { changesEntry, delivery, igComment, igMessage, messagingEntry, parsed } from '../../support/meta.js';

const IG = '17841405726653026';
const receivedAt = '2026-11-23T10:00:00.000Z';
const extract = (body: string, accounts = [IG]) => extractMetaDelivery(parsed(body), { accounts: { facebook: [], instagram: accounts, whatsapp: [] }, receivedAt });
/** The App Dashboard test samples are addressed to account "0": connect a real id instead. */
const connected = (name: string) => sample(name).replace('"id": "0"', `"id": "${IG}"`);

describe('Instagram comments', () => {
  it('makes the verbatim comment an instagram comment: IG-scoped id and username, media as post', () => {
    const { signals } = extract(connected('instagram-comment.restfb.json'));
    expect(signals).toEqual([
      {
        channel: 'instagram',
        kind: 'comment',
        externalId: '123456789',
        accountId: IG,
        author: { externalId: '1234536447', handle: 'testuser' },
        text: 'This is an example.',
        postId: '76543987',
        parentId: '987654321',
        occurredAt: new Date(1519399307 * 1000).toISOString(),
      },
    ]);
  });

  it('ignores the verbatim sample as sent (account "0" is nobody\'s)', () => {
    expect(extract(sample('instagram-comment.restfb.json')).skipped).toEqual({ 'account-not-connected': 1 });
  });

  it("skips the account's own comments (the brand answering) and dedupes a repeated comment id", () => {
    const body = delivery('instagram', [
      changesEntry(IG, [
        igComment({ fromId: '901', username: 'maria.lopez', text: '¿Hacéis envíos a Canarias? 🌴', id: '1799' }),
        igComment({ fromId: '901', username: 'maria.lopez', text: '¿Hacéis envíos a Canarias? 🌴', id: '1799' }),
        igComment({ fromId: IG, username: 'acme', text: '¡Sí! 📦' }),
      ]),
    ]);
    const { signals, skipped } = extract(body);
    expect(signals.map((s) => [s.externalId, s.author.handle, s.text])).toEqual([['1799', 'maria.lopez', '¿Hacéis envíos a Canarias? 🌴']]);
    expect(skipped).toEqual({ repeated: 1, 'own-account': 1 });
  });

  it('puts the reach figures a payload carries on the identity', () => {
    const change = igComment({ fromId: '902', username: 'big.creator', text: 'Love this 🔥' });
    Object.assign(change.value.from, { follower_count: 125000, is_verified_user: true });
    const [signal] = extract(delivery('instagram', [changesEntry(IG, [change])])).signals;
    expect(signal?.author).toEqual({ externalId: '902', handle: 'big.creator', influence: { followers: 125000, verified: true } });
  });

  it('reads live comments like comments, and refuses a comment without its id', () => {
    const live = { ...igComment({ fromId: '903', text: 'live!' }), field: 'live_comments' };
    expect(extract(delivery('instagram', [changesEntry(IG, [live])])).signals).toHaveLength(1);
    const bad = { field: 'comments', value: { from: { id: '1' }, text: 'x' } };
    expect(() => extract(delivery('instagram', [changesEntry(IG, [bad])]))).toThrow(InvalidInput);
  });
});

describe('Instagram mentions', () => {
  it('recognises the verbatim mentions, which name no person: acknowledged as unattributed', () => {
    expect(extract(connected('instagram-mention.restfb.json'))).toMatchObject({ signals: [], skipped: { unattributed: 1 } });
    // the official example, without its // comments
    const official = sample('instagram-mention-comment.official-docs.jsonc').replace(/\/\/.*$/gm, '');
    const [body] = JSON.parse(official) as unknown[];
    expect(extract(JSON.stringify(body))).toMatchObject({ signals: [], skipped: { unattributed: 1 } });
  });

  it('makes a mention that names its author a `mention` on the comment id', () => {
    const change = { field: 'mentions', value: { comment_id: '17894227972186120', media_id: '17918195224117851', from: { id: '904', username: 'fan' }, text: '@acme best coffee ☕' } };
    const [signal] = extract(delivery('instagram', [changesEntry(IG, [change])])).signals;
    expect(signal).toMatchObject({ kind: 'mention', externalId: '17894227972186120', postId: '17918195224117851', text: '@acme best coffee ☕', author: { externalId: '904', handle: 'fan' } });
  });

  it('refuses a mention without its media id', () => {
    expect(() => extract(delivery('instagram', [changesEntry(IG, [{ field: 'mentions', value: { comment_id: '1' } }])]))).toThrow(InvalidInput);
  });
});

describe('Instagram DMs', () => {
  it('makes a message an instagram DM, skips echoes, and turns is_deleted into a removal', () => {
    const body = delivery('instagram', [
      messagingEntry(IG, [
        igMessage({ accountId: IG, senderId: '905', text: 'I want to return my order 😕', mid: 'aWdfm1' }),
        igMessage({ accountId: IG, senderId: '905', text: 'Sure, here is the link', isEcho: true }),
        igMessage({ accountId: IG, senderId: '905', mid: 'aWdfm0', isDeleted: true }),
      ]),
    ]);
    const { signals, amendments, skipped } = extract(body);
    expect(signals).toEqual([expect.objectContaining({ channel: 'instagram', kind: 'dm', externalId: 'aWdfm1', accountId: IG, author: { externalId: '905' }, text: 'I want to return my order 😕' })]);
    expect(amendments).toEqual([{ channel: 'instagram', externalId: 'aWdfm0', amendment: { kind: 'remove', at: expect.any(String) } }]);
    expect(skipped).toEqual({ 'own-account': 1 });
  });

  it('ignores DMs to an account the tenant has not connected, and unknown fields as unsupported', () => {
    const body = delivery('instagram', [
      messagingEntry('other', [igMessage({ accountId: 'other', senderId: '905', text: 'x' })]),
      changesEntry(IG, [{ field: 'story_insights', value: { media_id: '1', reach: 17 } }]),
    ]);
    expect(extract(body).skipped).toEqual({ 'account-not-connected': 1, 'unsupported:instagram/story_insights': 1 });
  });
});
