/**
 * The public consent links, authenticated by their signed token alone (no bearer token, no session):
 * - GET /consent/confirm: the double opt-in link (single use, expiring);
 * - POST /unsubscribe: RFC 8058 one-click unsubscribe; the body is empty or `List-Unsubscribe=One-Click`
 *   and is not needed, so it is not read;
 * - GET /unsubscribe: says what the link does and changes nothing, because mail scanners prefetch links.
 * The tenant is the token's; a forged or altered token is refused before anything is read.
 */
import { ConsentConfirmedView, ConsentTokenQuery, UnsubscribedView, UnsubscribePreviewView } from '../../api/consent/schemas.js';
import { consentTokenSettings } from '../../adapters/consent/consent-config.js';
import { confirmDoubleOptIn, unsubscribeByLink } from '../../domain/consent/consent.js';
import { InvalidConsentToken, verifyConsentToken, type ConsentTokenKind } from '../../domain/consent/consent-tokens.js';
import { NotFound } from '../../domain/shared/errors.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction, meterTenant } from '../shared/chain.js';
import { json, type HttpEvent } from '../shared/http.js';
import { consentPorts, ports } from '../shared/ports.js';

async function verifiedToken(event: HttpEvent, kind: ConsentTokenKind) {
  const query = ConsentTokenQuery.safeParse(event.queryStringParameters ?? {});
  if (!query.success) throw new InvalidConsentToken('The link has no valid token');
  const { keys } = await consentTokenSettings();
  const token = verifyConsentToken(keys, query.data.token, kind, ports.clock.now());
  meterTenant(token.tenantId);
  return token;
}

export const handler = httpFunction(FUNCTIONS.consentPublic.id, async (event: HttpEvent) => {
  switch (event.routeKey) {
    case 'GET /consent/confirm': {
      const record = await confirmDoubleOptIn(consentPorts(), await verifiedToken(event, 'confirm'), correlationIdOf(event));
      return json(
        200,
        ConsentConfirmedView.parse({ confirmed: true, purpose: record.purpose, channel: record.channel, confirmedAt: record.confirmedAt }),
      );
    }
    case 'POST /unsubscribe': {
      const result = await unsubscribeByLink(consentPorts(), await verifiedToken(event, 'unsubscribe'), correlationIdOf(event));
      return json(200, UnsubscribedView.parse({ unsubscribed: true, purpose: 'marketing', channel: result.channel, changed: result.changed }));
    }
    case 'GET /unsubscribe': {
      const token = await verifiedToken(event, 'unsubscribe');
      return json(
        200,
        UnsubscribePreviewView.parse({
          purpose: 'marketing',
          channel: token.channel,
          method: 'POST',
          message: `POST this same URL to stop receiving offers by ${token.channel}. Opening it changes nothing.`,
        }),
      );
    }
    default:
      throw new NotFound(`No route ${event.routeKey}`);
  }
});
