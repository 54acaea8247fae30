/**
 * The consent routes (spread into ROUTES): the ledger and the public confirmation and unsubscribe links.
 */
import type { RouteDeclaration } from '../routes.js';
import { ConsentChangeRequest, ConsentConfirmedView, ConsentRecordView, ConsentTokenQuery, CustomerConsentsView, UnsubscribePreviewView, UnsubscribedView } from '../../api/consent/schemas.js';

export const CONSENT_ROUTES: readonly RouteDeclaration[] = [
  {
    method: 'GET',
    path: '/v1/customers/{customerId}/consents',
    function: 'consentApi',
    auth: { roles: ['marketer', 'admin', 'agent'] },
    summary: 'Consent of a customer: the current state per purpose and channel, and every record, newest first',
    openapi: { tag: 'consent', response: CustomerConsentsView, errors: [401, 403, 404] },
  },
  {
    method: 'POST',
    path: '/v1/customers/{customerId}/consents',
    function: 'consentApi',
    auth: { roles: ['marketer', 'admin'] },
    summary: 'Record a consent decision (201); e-mail marketing grants stay pending until the e-mailed link is followed',
    openapi: { successStatus: 201, tag: 'consent', body: ConsentChangeRequest, response: ConsentRecordView, errors: [400, 401, 403, 404, 409, 413, 502] },
  },
  {
    method: 'GET',
    path: '/consent/confirm',
    function: 'consentPublic',
    auth: 'public',
    summary: 'Double opt-in: the signed, single-use, expiring link e-mailed to the person (400 invalid, 410 expired or used)',
    openapi: { tag: 'consent', query: ConsentTokenQuery, response: ConsentConfirmedView, errors: [400, 404, 409, 410] },
  },
  {
    method: 'POST',
    path: '/unsubscribe',
    function: 'consentPublic',
    auth: 'public',
    summary: "One-click unsubscribe (RFC 8058): withdraws the link's channel marketing consent; empty or List-Unsubscribe=One-Click body",
    openapi: { tag: 'consent', query: ConsentTokenQuery, response: UnsubscribedView, errors: [400, 404, 410] },
  },
  {
    method: 'GET',
    path: '/unsubscribe',
    function: 'consentPublic',
    auth: 'public',
    summary: 'What the unsubscribe link does; changes nothing (mail scanners prefetch links): POST it to unsubscribe',
    openapi: { tag: 'consent', query: ConsentTokenQuery, response: UnsubscribePreviewView, errors: [400, 410] },
  },
];
