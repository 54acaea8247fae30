/**
 * Facebook Page and Messenger through real HTTP: signed deliveries of every kind the Page webhook
 * carries, edits and deletes reaching the timeline, redelivery changing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionRecorded } from '../../../events/catalog.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api } from '../../support/webhooks.js';
import { changesEntry, delivery, freshId, messagingEntry, messengerMessage, pageComment, pagePost, pageReaction, sendMeta } from '../../support/meta.js';

let rt: TestRuntime;
let acme: TestRuntime['credentials']['tenants'][number];
let marketer: ReturnType<typeof api>;
let PAGE: string;

beforeAll(async () => {
  rt = await startTestRuntime();
  acme = rt.credentials.tenants[0]!;
  PAGE = acme.accounts.facebook;
  marketer = api(rt.url, acme.tokens.marketer);
});
afterAll(async () => rt?.stop());

const send = (body: string) => sendMeta(rt.url, acme, body);
const page = (...changes: unknown[]) => delivery('page', [changesEntry(PAGE, changes)]);
const interactionEvents = () => rt.bus.recent.filter((e) => e['detail-type'] === InteractionRecorded.detailType);

async function customerOf(psid: string) {
  const found = await marketer(`/v1/customers?channel=facebook&externalId=${psid}`);
  expect(found.status).toBe(200);
  return found.body.items[0] as { id: string; identities: { channel: string; externalId: string }[] } | undefined;
}

async function timelineOf(psid: string) {
  const customer = await customerOf(psid);
  if (!customer) return [];
  const res = await marketer(`/v1/customers/${customer.id}/timeline`);
  expect(res.status).toBe(200);
  return res.body.items as Record<string, any>[];
}

describe('feed comment edits and deletes', () => {
  it('edits the stored text, then a delete removes it from the timeline; redelivering the comment does not bring it back', async () => {
    const psid = freshId();
    const commentId = `${freshId('9')}_${freshId('9')}`;
    const add = page(pageComment({ pageId: PAGE, fromId: psid, fromName: 'Ana', commentId, message: 'Me encanta la chaqueta ❤️' }));
    expect((await send(add)).body).toEqual({ received: 1, recorded: 1, duplicates: 0 });

    const edit = await send(page(pageComment({ pageId: PAGE, fromId: psid, verb: 'edited', commentId, message: 'The zip broke after one day 😡' })));
    expect(edit).toEqual({ status: 200, body: { received: 0, recorded: 0, duplicates: 0, amended: 1 } });
    let [item] = await timelineOf(psid);
    expect(item).toMatchObject({ type: 'interaction', kind: 'comment', externalId: commentId, text: 'The zip broke after one day 😡', editedAt: expect.any(String) });
    expect(item!.sentiment).toBeLessThan(0);

    const remove = page(pageComment({ pageId: PAGE, fromId: psid, verb: 'remove', commentId }));
    expect((await send(remove)).body).toEqual({ received: 0, recorded: 0, duplicates: 0, amended: 1 });
    [item] = await timelineOf(psid);
    expect(item).toMatchObject({ kind: 'comment', externalId: commentId, removedAt: expect.any(String) });
    expect(item).not.toHaveProperty('text');
    expect(item).not.toHaveProperty('sentiment');

    const events = interactionEvents().length;
    expect((await send(add)).body).toEqual({ received: 1, recorded: 0, duplicates: 1 });
    expect((await send(remove)).body).toMatchObject({ amended: 1 });
    const after = await timelineOf(psid);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toHaveProperty('text');
    expect(interactionEvents().length).toBe(events);
  });

  it('counts an edit of a comment it never stored, writing nothing', async () => {
    const res = await send(page(pageComment({ pageId: PAGE, fromId: freshId(), verb: 'edited', message: 'late edit' })));
    expect(res.body).toEqual({ received: 0, recorded: 0, duplicates: 0, amendedUnknown: 1 });
  });
});

describe('visitor posts, reactions and shares', () => {
  it('records a visitor post, a reaction and a share in one delivery, and a removed reaction loses nothing but is marked removed', async () => {
    const visitor = freshId();
    const brandPost = `${PAGE}_${freshId('9')}`;
    const body = page(
      pagePost({ pageId: PAGE, fromId: visitor, fromName: 'Leo', message: 'Great service at the Madrid store 👍' }),
      pageReaction({ pageId: PAGE, postId: brandPost, fromId: visitor }),
      { field: 'feed', value: { item: 'share', verb: 'add', post_id: `${visitor}_${freshId('9')}`, from: { id: visitor, name: 'Leo' }, created_time: Math.floor(Date.now() / 1000), message: 'Look at this 👀' } },
    );
    const res = await send(body);
    expect(res.body).toEqual({ received: 3, recorded: 3, duplicates: 0 });
    const kinds = (await timelineOf(visitor)).map((i) => i.kind).sort();
    expect(kinds).toEqual(['content', 'like', 'share']);

    expect((await send(body)).body).toEqual({ received: 3, recorded: 0, duplicates: 3 });

    const unreact = await send(page(pageReaction({ pageId: PAGE, verb: 'remove', postId: brandPost, fromId: visitor })));
    expect(unreact.body).toMatchObject({ amended: 1 });
    const like = (await timelineOf(visitor)).find((i) => i.kind === 'like');
    expect(like).toMatchObject({ externalId: `reaction:${brandPost}:${visitor}`, removedAt: expect.any(String) });
  });

  it("does not make the page's own post or reaction a customer", async () => {
    const res = await send(page(pagePost({ pageId: PAGE, fromId: PAGE, message: 'New season!' }), pageReaction({ pageId: PAGE, fromId: PAGE })));
    expect(res.body).toEqual({ received: 0, recorded: 0, duplicates: 0 });
    expect(await customerOf(PAGE)).toBeUndefined();
  });
});

describe('Messenger', () => {
  it('records a DM once, skips the page echo, and finds the person by PSID', async () => {
    const psid = freshId();
    const mid = `mid.${Date.now()}:${freshId('a')}`;
    const body = delivery('page', [
      messagingEntry(PAGE, [
        messengerMessage({ pageId: PAGE, senderId: psid, mid, text: '¿Tenéis la talla M en azul? 🙏' }),
        messengerMessage({ pageId: PAGE, senderId: psid, text: 'Sí, ¡la tenemos!', isEcho: true }),
      ]),
    ]);
    expect((await send(body)).body).toEqual({ received: 1, recorded: 1, duplicates: 0 });
    expect((await send(body)).body).toEqual({ received: 1, recorded: 0, duplicates: 1 });
    const items = await timelineOf(psid);
    expect(items).toEqual([expect.objectContaining({ channel: 'facebook', kind: 'dm', externalId: mid, text: '¿Tenéis la talla M en azul? 🙏', accountId: PAGE })]);
  });
});

describe('what the webhook acknowledges, ignores or refuses', () => {
  it('acknowledges other pages, unknown kinds and anonymous mentions with counters', async () => {
    const other = rt.credentials.tenants[1]!.accounts.facebook;
    const psid = freshId();
    const body = delivery('page', [
      changesEntry(other, [pageComment({ pageId: other, fromId: psid, message: 'not yours' })]),
      changesEntry(PAGE, [
        { field: 'feed', value: { item: 'comment', verb: 'hide', comment_id: '1_2' } },
        { field: 'mention', value: { item: 'post', verb: 'add', post_id: `${PAGE}_1`, created_time: 1614340562, message: 'hi' } },
      ]),
    ]);
    const res = await send(body);
    expect(res).toEqual({ status: 200, body: { received: 0, recorded: 0, duplicates: 0, ignored: 1, unattributed: 1, unsupported: 1 } });
    expect(await customerOf(psid)).toBeUndefined();
  });

  it('400 for a malformed reaction among good changes, with nothing written', async () => {
    const psid = freshId();
    const before = interactionEvents().length;
    const body = page(
      pageComment({ pageId: PAGE, fromId: psid, message: 'fine' }),
      { field: 'feed', value: { item: 'reaction', verb: 'add', post_id: { not: 'an id' }, from: { id: psid } } },
    );
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(JSON.stringify(res.body.error.details)).toContain('changes[1].value.post_id');
    expect(await customerOf(psid)).toBeUndefined();
    expect(interactionEvents().length).toBe(before);
  });
});
