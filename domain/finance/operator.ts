/**
 * The platform operator: reads costs across tenants for chargeback. Its tokens come only from the
 * deployment's own admin pool, i.e. from another issuer than the tenants' pool (OPERATOR_ISSUER), carry
 * the `operator` group and no tenant. A tenant's token fails the issuer check whatever groups it claims.
 */
import { CLAIMS, parseGroupsClaim } from '../shared/auth.js';
import { Forbidden, Unauthorized } from '../shared/errors.js';

export interface Operator {
  subject: string;
}

export function operatorFromClaims(claims: Record<string, unknown> | undefined, operatorIssuer: string | undefined): Operator {
  const subject = claims?.[CLAIMS.subject];
  if (!claims || typeof subject !== 'string') throw new Unauthorized('A bearer token is required');
  const groups = parseGroupsClaim(claims[CLAIMS.groups]);
  if (!operatorIssuer || claims.iss !== operatorIssuer || !groups.includes('operator') || claims[CLAIMS.tenant] !== undefined) {
    throw new Forbidden('This action needs the operator role of the deployment admin pool');
  }
  return { subject };
}
