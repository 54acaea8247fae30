/**
 * Loyalty API: the program (admin), a customer's loyalty, adjustments (admin, audited), explicit enrolment,
 * the rewards catalogue (admin) and redemptions (with an Idempotency-Key).
 */
import { randomUUID } from 'node:crypto';
import { AdjustmentInput, LoyaltyProgramView, LoyaltyQuery, LoyaltyView, RedemptionInput, RedemptionView, RewardInput, RewardPage, RewardView } from '../../api/loyalty/schemas.js';
import { recordAudit, userActor } from '../../domain/audit/index.js';
import { InvalidInput, NotFound } from '../../domain/shared/errors.js';
import { adjust, cancelRedemption, enrolMember, programOf, redeem, updateProgram, view, type Reward } from '../../domain/loyalty/engine.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction, meterTenant } from '../shared/chain.js';
import { authorize, header, json, parseJsonBytes, pathParam, rawBody, validate, type HttpEvent } from '../shared/http.js';
import { ports as shared } from '../shared/ports.js';
import { routeRoles } from '../shared/route-auth.js';
import { loyaltyPorts } from './ports.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

export const handler = httpFunction(FUNCTIONS.loyaltyApi.id, async (event: HttpEvent) => {
  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);
  const tenantId = actor.tenantId;
  const ctx = { tenantId, correlationId: correlationIdOf(event) };
  const ports = loyaltyPorts();
  const body = () => parseJsonBytes(rawBody(event));
  const customerView = async (customerId: string) => {
    const q = validate(LoyaltyQuery, event.queryStringParameters ?? {}, 'loyalty query');
    const customer = await shared.customers.get(tenantId, customerId);
    if (!customer || customer.mergedInto) throw new NotFound('Customer not found');
    const [summary, ledger] = await Promise.all([view(ports, tenantId, customerId), ports.store.ledger(tenantId, customerId, q.limit, q.cursor)]);
    return LoyaltyView.parse({ ...summary, ledger });
  };

  switch (event.routeKey) {
    case 'GET /v1/settings/loyalty':
      return json(200, LoyaltyProgramView.parse(await programOf(ports.store, tenantId)));
    case 'PUT /v1/settings/loyalty': {
      const program = await updateProgram(ports.store, tenantId, body(), shared.clock.now());
      await recordAudit(shared.audit, { tenantId, actor: userActor(actor), action: 'loyalty.program_changed', targetId: `loyalty-program:${program.version}`, at: program.updatedAt, details: { version: program.version } });
      return json(200, LoyaltyProgramView.parse(program));
    }
    case 'GET /v1/customers/{customerId}/loyalty':
      return json(200, await customerView(pathParam(event, 'customerId')));
    case 'POST /v1/customers/{customerId}/loyalty/enrolment': {
      const customerId = pathParam(event, 'customerId');
      await enrolMember(ports, ctx, customerId);
      return json(200, await customerView(customerId));
    }
    case 'POST /v1/customers/{customerId}/loyalty/adjustments': {
      const customerId = pathParam(event, 'customerId');
      const input = validate(AdjustmentInput, body(), 'adjustment');
      const adjustmentId = header(event, 'idempotency-key') ?? randomUUID();
      if (!IDEMPOTENCY_KEY.test(adjustmentId)) throw new InvalidInput('Idempotency-Key: 8 to 128 letters, digits or ._:-', { field: 'Idempotency-Key' });
      await adjust(ports, { ...ctx, actorId: actor.subject }, customerId, { ...input, adjustmentId });
      await recordAudit(shared.audit, { tenantId, actor: userActor(actor), action: 'loyalty.adjusted', targetId: customerId, at: shared.clock.now().toISOString(), details: { points: input.points, adjustmentId } });
      return json(201, await customerView(customerId));
    }
    case 'GET /v1/loyalty/rewards':
      return json(200, RewardPage.parse({ items: await ports.store.rewards(tenantId), nextCursor: null }));
    case 'POST /v1/loyalty/rewards': {
      const input = validate(RewardInput, body(), 'reward');
      const now = shared.clock.now().toISOString();
      const reward: Reward = { rewardId: randomUUID(), ...input, createdAt: now, updatedAt: now };
      await ports.store.putReward(tenantId, reward);
      return json(201, RewardView.parse(reward));
    }
    case 'GET /v1/loyalty/rewards/{rewardId}': {
      const reward = await ports.store.reward(tenantId, pathParam(event, 'rewardId'));
      if (!reward) throw new NotFound('Reward not found');
      return json(200, RewardView.parse(reward));
    }
    case 'PUT /v1/loyalty/rewards/{rewardId}': {
      const current = await ports.store.reward(tenantId, pathParam(event, 'rewardId'));
      if (!current) throw new NotFound('Reward not found');
      const input = validate(RewardInput, body(), 'reward');
      const reward: Reward = { rewardId: current.rewardId, ...input, createdAt: current.createdAt, updatedAt: shared.clock.now().toISOString() };
      await ports.store.putReward(tenantId, reward);
      return json(200, RewardView.parse(reward));
    }
    case 'DELETE /v1/loyalty/rewards/{rewardId}': {
      const current = await ports.store.reward(tenantId, pathParam(event, 'rewardId'));
      if (!current) throw new NotFound('Reward not found');
      // retired, not deleted: redemptions name it
      const reward: Reward = { ...current, active: false, updatedAt: shared.clock.now().toISOString() };
      await ports.store.putReward(tenantId, reward);
      return json(200, RewardView.parse(reward));
    }
    case 'POST /v1/customers/{customerId}/loyalty/redemptions': {
      const key = header(event, 'idempotency-key');
      if (!key || !IDEMPOTENCY_KEY.test(key)) throw new InvalidInput('Idempotency-Key header: required, 8 to 128 letters, digits or ._:-', { field: 'Idempotency-Key' });
      const input = validate(RedemptionInput, body(), 'redemption');
      const redemption = await redeem(ports, ctx, pathParam(event, 'customerId'), { rewardId: input.rewardId, idempotencyKey: key });
      return json(201, RedemptionView.parse(redemption));
    }
    case 'POST /v1/customers/{customerId}/loyalty/redemptions/{redemptionId}/cancel': {
      const customerId = pathParam(event, 'customerId');
      const redemption = await cancelRedemption(ports, ctx, customerId, pathParam(event, 'redemptionId'));
      await recordAudit(shared.audit, { tenantId, actor: userActor(actor), action: 'loyalty.redemption_cancelled', targetId: customerId, at: shared.clock.now().toISOString(), details: { redemptionId: redemption.redemptionId } });
      return json(200, RedemptionView.parse(redemption));
    }
    default:
      throw new NotFound('Route not found');
  }
});
