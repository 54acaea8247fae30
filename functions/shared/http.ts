/**
 * The HTTP side of the shared chain: request helpers and response builders. Every handler answers
 * through these, so errors and bodies have one shape (`{ error: { code, message } }` with the status the error maps to).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { actorFromClaims, requireRole, type Actor, type Role } from '../../domain/shared/auth.js';
import { DomainError, InvalidInput, PayloadTooLarge } from '../../domain/shared/errors.js';

export type HttpEvent = APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function text(statusCode: number, body: string): HttpResult {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

export function errorResponse(error: DomainError): HttpResult {
  return json(error.status, {
    error: { code: error.code, message: error.message, ...(error.details !== undefined && { details: error.details }) },
  });
}

/** API Gateway caps payloads at 10 MB; we refuse far earlier, before parsing anything. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The exact bytes the client sent: API Gateway may hand them base64-encoded. */
export function rawBody(event: HttpEvent): Buffer {
  const body = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new PayloadTooLarge(`The body exceeds ${MAX_BODY_BYTES} bytes`);
  return bytes;
}

export function parseJsonBytes(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidInput('The body is not valid JSON');
  }
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InvalidInput(`Invalid ${what}`, {
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return result.data;
}

export function header(event: HttpEvent, name: string): string | undefined {
  // HTTP APIs lowercase header names; be tolerant of callers that did not
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function pathParam(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new InvalidInput(`Missing path parameter ${name}`);
  return value;
}

/** The caller, from the JWT authorizer's verified claims, with one of the allowed roles. */
export function authorize(event: HttpEvent, roles: readonly Role[]): Actor {
  const claims = (event as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext.authorizer?.jwt?.claims;
  const actor = actorFromClaims(claims);
  requireRole(actor, roles);
  return actor;
}
