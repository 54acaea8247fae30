/**
 * `npm run bench` (loyalty): awards through the whole path, a signed Facebook comment from a member → webhook →
 * bus → loyalty queue → LoyaltyAwarder → points on the account, with every other consumer of the comment running
 * too (activity, knowledge, service). Printed beside the 2-item-transaction floor measured in the same run at the
 * same concurrency (an award is one such transaction: the account with its revision and the source's marker, plus
 * the ledger entry):
 * - awards per second end to end, and the ratio to the floor;
 * - DynamoDB calls and write units per award of the LoyaltyAwarder alone, and of the whole path per comment.
 * The awards are counted from the members' accounts afterwards, not assumed from the deliveries sent.
 *
 * Sizes: BENCH_LOYALTY_MEMBERS (default 40), BENCH_LOYALTY_AWARDS (default 200), BENCH_LOYALTY_CONCURRENCY (default 8).
 */
import type { LocalRuntime } from '../local/runtime.js';
import { bigId, facebookComment, postMeta } from './deliveries.js';
import { apiCall, measuredBurst } from './end-to-end.js';
import type { Floor } from './floor.js';

const MEMBERS = Number(process.env.BENCH_LOYALTY_MEMBERS ?? 40);
const AWARDS = Number(process.env.BENCH_LOYALTY_AWARDS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_LOYALTY_CONCURRENCY ?? 8);
const COMMENT_POINTS = 5;

type Tenant = LocalRuntime['credentials']['tenants'][number];

async function lifetimeOf(runtime: LocalRuntime, tenant: Tenant, ids: string[]): Promise<number> {
  let total = 0;
  for (const id of ids) total += (await apiCall(runtime, tenant.tokens.marketer, `/v1/customers/${id}/loyalty`)).lifetimeEarned as number;
  return total;
}

export async function benchLoyalty(runtime: LocalRuntime, floor: Floor, rounds: number, floorOps: number) {
  const tenant = runtime.credentials.tenants[0]!;
  // 1. a program where every comment earns (no daily cap in the way of the count)
  await apiCall(runtime, tenant.tokens.admin, '/v1/settings/loyalty', {
    method: 'PUT',
    body: JSON.stringify({ rules: { signup: { points: 100, lifetimeCap: 1 }, comment: { points: COMMENT_POINTS, perDayCap: 10_000 } } }),
  });
  // 2. members who signed up with their Facebook id, so their comments resolve to them
  const run = bigId('6');
  const members: { id: string; psid: string }[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const psid = `${run}${i}`;
    const body = await apiCall(runtime, tenant.tokens.marketer, '/v1/customers', {
      method: 'POST',
      body: JSON.stringify({ email: `loyal.${run}.${i}@example.com`, externalIds: [{ channel: 'facebook', externalId: psid }] }),
    });
    members.push({ id: body.id as string, psid });
  }
  // one warm-up comment each: containers loaded, everyone known to every consumer
  for (const m of members) await postMeta(runtime.url, tenant.tenantId, tenant.secrets.meta.appSecret, facebookComment(tenant.accounts.facebook, m.psid, 'warm up'));
  await runtime.drain(600_000);
  const before = await lifetimeOf(runtime, tenant, members.map((m) => m.id));

  // 3. the floor before, the comments, the floor after
  const { seconds, failures, tally, tx } = await measuredBurst(runtime, floor, { rounds, floorOps, concurrency: CONCURRENCY, count: AWARDS }, (i) => postMeta(runtime.url, tenant.tenantId, tenant.secrets.meta.appSecret, facebookComment(tenant.accounts.facebook, members[i % members.length]!.psid, 'Love it! 😍')));

  const awarded = ((await lifetimeOf(runtime, tenant, members.map((m) => m.id))) - before) / COMMENT_POINTS;
  const awarder = [...tally.byOwner.entries()].filter(([k]) => k.includes('LoyaltyAwarder')).reduce((s, [, v]) => s + v, 0);
  const awarderWu = [...tally.writeUnitsByOwner.entries()].filter(([k]) => k.includes('LoyaltyAwarder')).reduce((s, [, v]) => s + v, 0);
  const perSecond = awarded / seconds;
  const per = (n: number) => (awarded > 0 ? n / awarded : Number.NaN);
  console.log(`\nLoyalty: ${AWARDS} comments from ${MEMBERS} members, ${CONCURRENCY} in flight, floor ${rounds}+${rounds} rounds of ${floorOps} ops`);
  console.table([
    {
      'awards counted': awarded,
      'webhook failures': failures,
      'awards/s e2e': perSecond.toFixed(1),
      'tx floor/s min/med/max': `${tx.min.toFixed(0)}/${tx.median.toFixed(0)}/${tx.max.toFixed(0)}`,
      'awards/tx floor': `${((100 * perSecond) / tx.median).toFixed(0)}%`,
      'awarder calls/award': per(awarder).toFixed(1),
      'awarder WU/award': per(awarderWu).toFixed(1),
      'all calls/comment': per(tally.calls).toFixed(1),
      'all WU/comment': per(tally.writeUnits).toFixed(1),
    },
  ]);
  if (awarded !== AWARDS) console.log(`  NOTE: ${AWARDS} comments sent but ${awarded} awards counted`);
}
