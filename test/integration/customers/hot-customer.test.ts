/**
 * A busy person: a burst of comments from one author, many in flight at once, with every consumer running.
 * Each is counted once on the profile (atomic ADDs, no read-modify-write to lose), none ends in a DLQ, and a
 * redelivered one (a retried 5xx, or the copy sent at the end) adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';
import { api, feedComment, pageDelivery, postMeta } from '../../support/webhooks.js';

let rt: TestRuntime;
type Tenant = TestRuntime['credentials']['tenants'][number];
let acme: Tenant;
let marketer: ReturnType<typeof api>;

beforeAll(async () => {
  rt = await startTestRuntime();
  acme = rt.credentials.tenants[0]!;
  marketer = api(rt.url, acme.tokens.marketer);
});
afterAll(async () => rt?.stop());

const BURST = 30;
const IN_FLIGHT = 8;

describe('a burst of comments from one person', () => {
  it(`counts each of ${BURST} comments (${IN_FLIGHT} in flight) exactly once, and none is dead-lettered`, async () => {
    const author = `hot-${Date.now()}`;
    const page = acme.accounts.facebook;
    const bodies = Array.from({ length: BURST }, (_, i) => pageDelivery(page, [feedComment({ pageId: page, fromId: author, fromName: 'Hot', message: `comment ${i}` })]));
    let next = 0;
    const refused: number[] = [];
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!;
          // as Meta does, a 5xx is delivered again (on a busy shared machine a webhook can pass its 10 s timeout)
          for (let attempt = 1; ; attempt++) {
            const status = (await postMeta(rt.url, acme.tenantId, acme.secrets.meta.appSecret, body)).status;
            if (status === 200) break;
            if (status < 500 || attempt === 5) {
              refused.push(status);
              break;
            }
          }
        }
      }),
    );
    expect(refused).toEqual([]);
    // one redelivered comment adds nothing
    expect((await postMeta(rt.url, acme.tenantId, acme.secrets.meta.appSecret, bodies[0]!)).status).toBe(200);
    await rt.drain(120_000);

    const found = await marketer(`/v1/customers?channel=facebook&externalId=${author}`);
    const customer = found.body.items[0];
    const profile = await marketer(`/v1/customers/${customer.id}`);
    expect(profile.body.activity.interactionsByChannel).toEqual({ facebook: BURST });
    for (const { dlq } of rt.queues.values()) expect(dlq.depth()).toEqual({ visible: 0, inFlight: 0 });
  }, 180_000); // a generous limit for a shared machine; nothing here asserts a time
});
