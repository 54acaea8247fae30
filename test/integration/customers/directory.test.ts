/**
 * Finding customers by name through the API: the start of a display name, a family name or a handle, folded
 * (case, accents, an @), kept right through renames, merges and erasure, and never across tenants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, feedComment, pageDelivery, postMeta } from '../../support/webhooks.js';
import { uniqueEmail } from '../../support/stores.js';

let rt: TestRuntime;
let marketer: ReturnType<typeof api>;
let admin: ReturnType<typeof api>;
const RUN = `${Date.now().toString(36)}`;

beforeAll(async () => {
  rt = await startTestRuntime();
  const acme = rt.credentials.tenants[0]!;
  marketer = api(rt.url, acme.tokens.marketer);
  admin = api(rt.url, acme.tokens.admin);
});
afterAll(async () => rt?.stop());

const register = async (body: Record<string, unknown>) => {
  const res = await marketer('/v1/customers', { method: 'POST', body: JSON.stringify({ email: uniqueEmail(), ...body }) });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const byName = async (name: string, client = marketer) => {
  const res = await client(`/v1/customers?name=${encodeURIComponent(name)}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as { id: string }[]).map((c) => c.id);
};

describe('GET /v1/customers?name=', () => {
  it('finds by the start of the display name or the family name, whatever the case and accents', async () => {
    const id = await register({ givenName: 'José', familyName: `Álvarez${RUN}` });
    expect(await byName('jose')).toContain(id);
    expect(await byName(`ALVAREZ${RUN}`.slice(0, 10))).toContain(id);
    expect(await byName(`José Álv`)).toContain(id);
    expect(await byName(`alvarez${RUN}x`)).not.toContain(id);
  });

  it('follows a rename: the old name no longer finds the customer, the new one does', async () => {
    const id = await register({ displayName: `Oldname${RUN}` });
    expect(await byName(`oldname${RUN}`)).toEqual([id]);
    expect((await marketer(`/v1/customers/${id}`, { method: 'PATCH', body: JSON.stringify({ displayName: `Newname${RUN}` }) })).status).toBe(200);
    expect(await byName(`oldname${RUN}`)).toEqual([]);
    expect(await byName(`newname${RUN}`)).toEqual([id]);
  });

  it('finds a person a webhook created, by the name the platform showed', async () => {
    const acme = rt.credentials.tenants[0]!;
    const fan = `88${Date.now()}`.slice(0, 15);
    const body = pageDelivery(acme.accounts.facebook, [feedComment({ pageId: acme.accounts.facebook, fromId: fan, fromName: `Dana Camper${RUN}`, message: 'Nice tent' })]);
    expect((await postMeta(rt.url, 'acme', acme.secrets.meta.appSecret, body)).status).toBe(200);
    const found = await marketer(`/v1/customers?channel=facebook&externalId=${fan}`);
    expect(await byName(`dana camper${RUN}`)).toEqual([found.body.items[0].id]);
  });

  it('answers a merge by the survivor only, and an erased person not at all', async () => {
    const survivor = await register({ displayName: `Mergeme${RUN} One` });
    const merged = await register({ displayName: `Mergeme${RUN} Two` });
    expect((await byName(`mergeme${RUN}`)).sort()).toEqual([survivor, merged].sort());
    const merge = await marketer(`/v1/customers/${survivor}/merge`, { method: 'POST', body: JSON.stringify({ mergeWith: merged }) });
    expect([200, 202]).toContain(merge.status);
    expect(await byName(`mergeme${RUN}`)).toEqual([survivor]);

    const erased = await register({ displayName: `Eraseme${RUN}` });
    expect(await byName(`eraseme${RUN}`)).toEqual([erased]);
    expect((await admin(`/v1/customers/${erased}/erasure`, { method: 'POST' })).status).toBe(202);
    await rt.drain(60_000);
    expect(await byName(`eraseme${RUN}`)).toEqual([]);
  });

  it("never answers another tenant's customers, and refuses a search too short to be useful", async () => {
    const id = await register({ displayName: `Private${RUN}` });
    const globex = api(rt.url, rt.credentials.tenants[1]!.tokens.marketer);
    expect(await byName(`private${RUN}`, globex)).toEqual([]);
    expect(await byName(`private${RUN}`)).toEqual([id]);
    for (const bad of ['a', '%20%20', 'x'.repeat(65)]) expect((await marketer(`/v1/customers?name=${bad}`)).status, bad).toBe(400);
    expect((await marketer(`/v1/customers?name=ab&email=a@b.example`)).status).toBe(400);
  });
});
