/**
 * Facebook Page webhooks: feed comments, posts, reactions, shares, the mention field and Messenger,
 * from the verbatim samples and variants built on the structures of the Graph API Page webhook reference.
 */
import { describe, expect, it } from 'vitest';
import { extractMetaDelivery } from '../../../domain/social/ingest/meta.js';
import { InvalidInput } from '../../../domain/shared/errors.js';
import { sample } from '../../support/webhooks.js';
import { changesEntry, delivery, messagingEntry, messengerMessage, pageComment, pagePost, pageReaction, parsed } from '../../support/meta.js';

const PAGE = '1234567890321';
const receivedAt = '2026-11-23T10:00:00.000Z';
const extract = (body: string, pages = [PAGE]) => extractMetaDelivery(parsed(body), { accounts: { facebook: pages, instagram: [], whatsapp: [] }, receivedAt });
const page = (...changes: unknown[]) => delivery('page', [changesEntry(PAGE, changes, 1700000000)]);

describe('Page feed comments: edits and removals', () => {
  it('turns `edited` into an edit of the stored comment, with the new text', () => {
    const body = page(pageComment({ pageId: PAGE, verb: 'edited', commentId: '900728623356296_900744590021366', fromId: '42', message: '¡Ya llegó mi pedido! 🎉', createdTime: 1448555737 }));
    const { signals, amendments } = extract(body);
    expect(signals).toEqual([]);
    expect(amendments).toEqual([
      { channel: 'facebook', externalId: '900728623356296_900744590021366', amendment: { kind: 'edit', text: '¡Ya llegó mi pedido! 🎉', at: new Date(1448555737 * 1000).toISOString() } },
    ]);
  });

  it('turns `remove` into a removal, whoever removed it (the page moderating a customer included)', () => {
    const body = page(pageComment({ pageId: PAGE, verb: 'remove', commentId: '905578656204626_905579239537901', fromId: PAGE, fromName: 'John Doe' }));
    const { amendments, skipped } = extract(body);
    expect(amendments).toEqual([{ channel: 'facebook', externalId: '905578656204626_905579239537901', amendment: { kind: 'remove', at: expect.any(String) } }]);
    expect(skipped).toEqual({});
  });

  it('reads the older `sender_id`/`sender_name` form, numeric ids as strings', () => {
    const body = page({
      field: 'feed',
      value: { item: 'comment', verb: 'add', comment_id: '1_2', post_id: `${PAGE}_1`, parent_id: `${PAGE}_1`, sender_id: 8423678347823, sender_name: 'Tester', created_time: 1449135003, message: 'Love it' },
    });
    const [signal] = extract(body).signals;
    expect(signal?.author).toEqual({ externalId: '8423678347823', name: 'Tester' });
  });

  it('acknowledges an edit without text and a comment without a person, writing nothing', () => {
    const noText = pageComment({ pageId: PAGE, verb: 'edited', fromId: '42' });
    const anonymous = pageComment({ pageId: PAGE, message: 'who am I' });
    const { signals, amendments, skipped } = extract(page(noText, anonymous));
    expect(signals).toEqual([]);
    expect(amendments).toEqual([]);
    expect(skipped).toEqual({ 'edit-without-text': 1, unattributed: 1 });
  });
});

describe('Page feed posts, reactions and shares', () => {
  it("makes a visitor's post on the page a `content` interaction; a post living elsewhere a `mention`", () => {
    const visitor = pagePost({ pageId: PAGE, item: 'post', postId: `${PAGE}_7293787835232`, fromId: '8423678347823', fromName: 'John Doe', message: "Let's check this" });
    const elsewhere = pagePost({ pageId: PAGE, item: 'photo', postId: '8423678347823_555', fromId: '8423678347823', message: 'Mirad qué chaqueta 😍' });
    const { signals } = extract(page(visitor, elsewhere));
    expect(signals.map((s) => [s.kind, s.externalId, s.text])).toEqual([
      ['content', `${PAGE}_7293787835232`, "Let's check this"],
      ['mention', '8423678347823_555', 'Mirad qué chaqueta 😍'],
    ]);
  });

  it("skips the page's own posts, and edits/removes posts by post id", () => {
    const own = pagePost({ pageId: PAGE, fromId: PAGE, message: 'New collection!' });
    const edit = pagePost({ pageId: PAGE, verb: 'edit', postId: `${PAGE}_1`, fromId: '9', message: 'edited text' });
    const remove = pagePost({ pageId: PAGE, item: 'photo', verb: 'remove', postId: `${PAGE}_2`, fromId: '9' });
    const { signals, amendments, skipped } = extract(page(own, edit, remove));
    expect(signals).toEqual([]);
    expect(skipped).toEqual({ 'own-account': 1 });
    expect(amendments.map((a) => [a.externalId, a.amendment.kind])).toEqual([
      [`${PAGE}_1`, 'edit'],
      [`${PAGE}_2`, 'remove'],
    ]);
  });

  it("makes a reaction a `like` named by who reacted to what; its removal removes that like", () => {
    const add = pageReaction({ pageId: PAGE, postId: `${PAGE}_98735342324352`, fromId: '77', fromName: 'John Doe' });
    const onComment = pageReaction({ pageId: PAGE, postId: `${PAGE}_98735342324352`, commentId: `${PAGE}_1264545546974600`, fromId: '77' });
    const remove = pageReaction({ pageId: PAGE, verb: 'remove', postId: `${PAGE}_98735342324352`, fromId: '77', reaction: 'wow' });
    const { signals, amendments } = extract(page(add, onComment, remove));
    expect(signals).toEqual([
      expect.objectContaining({ kind: 'like', externalId: `reaction:${PAGE}_98735342324352:77`, postId: `${PAGE}_98735342324352`, author: { externalId: '77', name: 'John Doe' } }),
      expect.objectContaining({ kind: 'like', externalId: `reaction:${PAGE}_1264545546974600:77`, parentId: `${PAGE}_1264545546974600` }),
    ]);
    expect(signals[0]).not.toHaveProperty('text');
    expect(amendments).toEqual([{ channel: 'facebook', externalId: `reaction:${PAGE}_98735342324352:77`, amendment: { kind: 'remove', at: expect.any(String) } }]);
  });

  it('treats a changed reaction and the legacy `like` item as the same like (deduped within a delivery)', () => {
    const like = { field: 'feed', value: { item: 'like', verb: 'add', post_id: `${PAGE}_940663242694065`, parent_id: `${PAGE}_940663242694065`, sender_id: 909653922461664, created_time: 1450701319, sender_name: 'Tester' } };
    const changed = { field: 'feed', value: { item: 'reaction', verb: 'edit', reaction_type: 'wow', post_id: `${PAGE}_940663242694065`, sender_id: 909653922461664, created_time: 1475578854 } };
    const { signals, skipped } = extract(page(like, changed));
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ kind: 'like', externalId: `reaction:${PAGE}_940663242694065:909653922461664` });
    expect(skipped).toEqual({ repeated: 1 });
  });

  it('makes a share a `share` with the sharer\'s words', () => {
    const share = {
      field: 'feed',
      value: { item: 'share', verb: 'add', share_id: 98735342324352, post_id: '4455_98735342324352', sender_id: 4455, created_time: 1460111843, published: 1, message: 'Ein Link zu was ganz anderem', link: 'http://www.google.com/', sender_name: 'Test Sender' },
    };
    const [signal] = extract(page(share)).signals;
    expect(signal).toMatchObject({ kind: 'share', externalId: '4455_98735342324352', text: 'Ein Link zu was ganz anderem', author: { externalId: '4455', name: 'Test Sender' } });
  });

  it('refuses a post without its post id', () => {
    const bad = { field: 'feed', value: { item: 'status', verb: 'add', from: { id: '1' }, message: 'x' } };
    expect(() => extract(page(bad))).toThrow(InvalidInput);
  });
});

describe('Page mention field', () => {
  it('recognises the verbatim samples, which do not name who mentioned the page', () => {
    for (const name of ['meta-page-mention-comment.restfb.json', 'meta-page-mention-post.restfb.json']) {
      const { signals, skipped } = extract(sample(name));
      expect(signals).toEqual([]);
      expect(skipped).toEqual({ unattributed: 1 });
    }
  });

  it('makes a mention with its sender a `mention` interaction (comment id, else post id)', () => {
    const withSender = (name: string) => sample(name).replace('"item": "', '"sender_id": "6677", "sender_name": "Lucía",\n            "item": "');
    const comment = extract(withSender('meta-page-mention-comment.restfb.json')).signals;
    const post = extract(withSender('meta-page-mention-post.restfb.json')).signals;
    expect(comment).toEqual([
      {
        channel: 'facebook',
        kind: 'mention',
        externalId: '7363534231324_3754798971271444',
        accountId: PAGE,
        author: { externalId: '6677', name: 'Lucía' },
        text: 'Just a test message',
        postId: '1234567890321_7363534231324',
        occurredAt: new Date(1614340862 * 1000).toISOString(),
      },
    ]);
    expect(post).toEqual([expect.objectContaining({ kind: 'mention', externalId: '1234567890321_98722536423179', text: 'A test post message' })]);
  });

  it('ignores the verbatim mention for a page the tenant has not connected', () => {
    expect(extract(sample('meta-page-mention-post.restfb.json'), ['999']).skipped).toEqual({ 'account-not-connected': 1 });
  });
});

describe('Messenger', () => {
  it('makes the verbatim message (numeric ids) a facebook DM, ids as strings, time from the millisecond timestamp', () => {
    const { signals } = extract(sample('meta-messenger-message-text.restfb.json'), ['12345654332']);
    expect(signals).toEqual([
      {
        channel: 'facebook',
        kind: 'dm',
        externalId: 'mid.1457764197618:41d102a3e1ae206a38',
        accountId: '12345654332',
        author: { externalId: '987654321432' },
        text: 'hello, world!',
        occurredAt: new Date(1457764197627).toISOString(),
      },
    ]);
  });

  it('reads the official documentation element once its placeholders are filled', () => {
    const element = JSON.parse(sample('meta-messenger-message-text.official-docs.json').replace('<PSID>', '2468').replace('<PAGE_ID>', PAGE));
    const { signals } = extract(delivery('page', [messagingEntry(PAGE, [element])]));
    expect(signals).toEqual([expect.objectContaining({ channel: 'facebook', kind: 'dm', externalId: 'mid.1457764197618:41d102a3e1ae206a38', author: { externalId: '2468' } })]);
  });

  it('skips echoes (the page itself writing), dedupes a repeated mid, and keeps attachments-only messages', () => {
    const mid = 'mid.1:repeated';
    const body = delivery('page', [
      messagingEntry(PAGE, [
        messengerMessage({ pageId: PAGE, senderId: '55', text: 'Hola, ¿tenéis la talla M? 🙏', mid }),
        messengerMessage({ pageId: PAGE, senderId: '55', text: 'Hola, ¿tenéis la talla M? 🙏', mid }),
        messengerMessage({ pageId: PAGE, senderId: '55', text: 'Sí, la tenemos', isEcho: true }),
      ]),
      messagingEntry(PAGE, [messengerMessage({ pageId: PAGE, senderId: '56', attachments: [{ type: 'location', payload: { coordinates: { lat: 12.34, long: 43.21 } } }] })]),
    ]);
    const { signals, skipped } = extract(body);
    expect(signals.map((s) => [s.author.externalId, s.text])).toEqual([
      ['55', 'Hola, ¿tenéis la talla M? 🙏'],
      ['56', undefined],
    ]);
    expect(skipped).toEqual({ repeated: 1, 'own-account': 1 });
  });

  it('turns `message_edit` into an edit, and acknowledges receipts and reactions as unsupported', () => {
    const body = delivery('page', [
      messagingEntry(PAGE, [
        { sender: { id: '55' }, recipient: { id: PAGE }, timestamp: 1457764197627, message_edit: { mid: 'mid.x', text: 'hello, world! (edited)', num_edit: '1' } },
        { sender: { id: '55' }, recipient: { id: PAGE }, delivery: { mids: ['mid.y'], watermark: 1458668856253 } },
        { sender: { id: '55' }, recipient: { id: PAGE }, timestamp: 1, reaction: { mid: 'mid.y', action: 'react', emoji: '❤' } },
      ]),
    ]);
    const { amendments, skipped } = extract(body);
    expect(amendments).toEqual([{ channel: 'facebook', externalId: 'mid.x', amendment: { kind: 'edit', text: 'hello, world! (edited)', at: new Date(1457764197627).toISOString() } }]);
    expect(skipped).toEqual({ 'unsupported:page/messaging/delivery': 1, 'unsupported:page/messaging/reaction': 1 });
  });

  it('refuses a message without its mid', () => {
    const body = delivery('page', [messagingEntry(PAGE, [{ sender: { id: '1' }, recipient: { id: PAGE }, timestamp: 1, message: { text: 'x' } }])]);
    expect(() => extract(body)).toThrow(InvalidInput);
  });
});

describe('batches', () => {
  it('processes every entry and change, connected or not, and validates all before returning any', () => {
    const body = delivery('page', [
      changesEntry(PAGE, [pageComment({ pageId: PAGE, fromId: '1', message: 'I love this jacket! ❤️' }), pagePost({ pageId: PAGE, fromId: '2', message: 'Great service 👍' })]),
      changesEntry('999', [pageComment({ pageId: '999', fromId: '3', message: 'other page' })]),
      messagingEntry(PAGE, [messengerMessage({ pageId: PAGE, senderId: '4', text: 'hi' })]),
    ]);
    const { signals, skipped } = extract(body);
    expect(signals.map((s) => [s.kind, s.author.externalId])).toEqual([
      ['comment', '1'],
      ['content', '2'],
      ['dm', '4'],
    ]);
    expect(skipped).toEqual({ 'account-not-connected': 1 });

    const withBad = delivery('page', [changesEntry(PAGE, [pageComment({ pageId: PAGE, fromId: '1', message: 'fine' })]), changesEntry(PAGE, [{ field: 'feed', value: { item: 'share', verb: 'add' } }])]);
    expect(() => extract(withBad)).toThrow(InvalidInput);
  });
});
