/**
 * The OpenAPI 3.1 document, generated from the route declarations and their zod schemas.
 */
import { z } from 'zod';
import { ROUTES } from '../wiring/routes.js';
import { apiSchemas } from './schemas.js';

const SUCCESS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted: the work goes on; poll or repeat' };

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input',
  401: 'Missing or invalid credentials (token or webhook signature)',
  403: 'The caller lacks the role, or a handshake token did not match',
  404: 'Not found, or another tenant’s',
  409: 'Conflict',
  410: 'Gone: the link expired or was used',
  413: 'Payload too large',
  429: 'Throttled',
  502: 'An upstream service (e-mail, platform) failed',
};

type JsonSchema = Record<string, unknown>;

const componentRef = (id: string) => `#/components/schemas/${id}`;

export function buildOpenApiDocument(serverUrl?: string) {
  const { schemas } = z.toJSONSchema(apiSchemas, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
    uri: componentRef,
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) {
    delete schema.$id;
    delete schema.$schema;
  }
  const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const id = apiSchemas.get(schema)?.id;
    if (id) return { $ref: componentRef(id) };
    const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
    delete generated.$schema;
    return generated;
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = route.openapi.query ? queryParameters(toSchema(route.openapi.query, 'input')) : [];
    const content = route.openapi.response
      ? { 'application/json': { schema: toSchema(route.openapi.response, 'output') } }
      : { [route.openapi.responseContentType ?? 'application/json']: { schema: {} } };
    const successStatus = route.openapi.successStatus ?? 200;
    const responses: Record<string, unknown> = {
      [String(successStatus)]: { description: SUCCESS_TEXT[successStatus] ?? 'OK', content },
    };
    for (const [status, description] of Object.entries(route.openapi.otherStatuses ?? {})) {
      responses[status] = { description, content };
    }
    for (const status of route.openapi.errors) {
      responses[String(status)] = {
        description: ERROR_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      summary: route.summary,
      tags: [route.openapi.tag],
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(route.auth === 'public' ? { security: [] } : { security: [{ bearer: [] }], 'x-roles': route.auth.roles }),
      parameters: [...params, ...query],
      ...(route.openapi.body && {
        requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.openapi.body, 'input') } } },
      }),
      responses,
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Social CRM API',
      version: '1.0.0',
      description: 'Tenant comes from the bearer token. Errors answer { "error": { "code", "message" } }.',
    },
    ...(serverUrl && { servers: [{ url: serverUrl }] }),
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

function queryParameters(schema: JsonSchema): unknown[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, s]) => ({ name, in: 'query', required: required.has(name), schema: s }));
}
