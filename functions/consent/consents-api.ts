/**
 * Consent API: a customer's consent ledger and current state; recording a decision (with the double
 * opt-in e-mail for e-mail marketing grants). The tenant comes from the token; the actor is recorded.
 */
import { ConsentChangeRequest, ConsentRecordView, CustomerConsentsView } from '../../api/consent/schemas.js';
import { consentTokenSettings, publicApiUrl } from '../../adapters/consent/consent-config.js';
import { emailSender } from '../../adapters/shared/email.js';
import { customerConsents, recordConsentChange } from '../../domain/consent/consent.js';
import { NotFound } from '../../domain/shared/errors.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction, meterTenant } from '../shared/chain.js';
import { authorize, json, parseJsonBytes, pathParam, rawBody, validate, type HttpEvent } from '../shared/http.js';
import { consentPorts, ports } from '../shared/ports.js';
import { routeRoles } from '../shared/route-auth.js';

export const handler = httpFunction(FUNCTIONS.consentApi.id, async (event: HttpEvent) => {
  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);
  const customerId = pathParam(event, 'customerId');

  switch (event.routeKey) {
    case 'GET /v1/customers/{customerId}/consents':
      return json(200, CustomerConsentsView.parse(await customerConsents(consentPorts(), actor.tenantId, customerId)));
    case 'POST /v1/customers/{customerId}/consents': {
      const input = validate(ConsentChangeRequest, parseJsonBytes(rawBody(event)), 'consent');
      const tokens = input.purpose === 'marketing' && input.channel === 'email' ? await consentTokenSettings() : { keys: [] };
      const record = await recordConsentChange(
        { ...consentPorts(), email: emailSender(), tenants: ports.tenants, tokens },
        {
          tenantId: actor.tenantId,
          correlationId: correlationIdOf(event),
          capturedBy: { kind: 'api', id: actor.subject },
          publicBaseUrl: publicApiUrl(event.requestContext.domainName),
        },
        customerId,
        input,
      );
      return json(201, ConsentRecordView.parse(record));
    }
    default:
      throw new NotFound(`No route ${event.routeKey}`);
  }
});
