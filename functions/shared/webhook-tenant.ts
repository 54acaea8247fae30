/**
 * The first step of every webhook: the tenant named in the path, and its webhook secrets. An unknown tenant
 * (or one without secrets) is a 404 before anything else is read; a known one is billed for the invocation.
 */
import { commerceStore } from '../../adapters/commerce/index.js';
import { NotFound } from '../../domain/shared/errors.js';
import { meterTenant } from './chain.js';
import { pathParam, type HttpEvent } from './http.js';
import { ports } from './ports.js';

export async function webhookTenant(event: HttpEvent) {
  const tenantId = pathParam(event, 'tenantId');
  const [tenant, secrets] = await Promise.all([ports.tenants.get(tenantId), ports.secrets.getTenantSecrets(tenantId)]);
  if (!tenant || !secrets) throw new NotFound('Unknown tenant');
  meterTenant(tenantId);
  return { tenant, secrets };
}

/** What the store webhooks' use cases (orders, registration) work with. */
export const commercePorts = () => ({
  customers: ports.customers,
  clock: ports.clock,
  ids: ports.ids,
  publisher: ports.publisher,
  orders: commerceStore,
  profiles: commerceStore,
});
