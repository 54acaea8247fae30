import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../api/openapi.js';
import { ROUTES } from '../../../wiring/routes.js';

const doc = buildOpenApiDocument('https://api.example.com') as any;

describe('OpenAPI document', () => {
  it('has one operation per declared route, with unique operation ids', () => {
    const operations = ROUTES.map((r) => doc.paths[r.path]?.[r.method.toLowerCase()]);
    expect(operations.every(Boolean)).toBe(true);
    const ids = operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents each route’s success status, other answers and errors', () => {
    for (const route of ROUTES) {
      const responses = doc.paths[route.path][route.method.toLowerCase()].responses;
      const expected = [route.openapi.successStatus ?? 200, ...Object.keys(route.openapi.otherStatuses ?? {}).map(Number), ...route.openapi.errors];
      expect(Object.keys(responses).map(Number).sort(), `${route.method} ${route.path}`).toEqual([...new Set(expected)].sort());
      for (const status of route.openapi.errors) {
        expect(responses[String(status)].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
      }
    }
  });

  it('requires a bearer token exactly on non-public routes and lists their roles', () => {
    for (const route of ROUTES) {
      const op = doc.paths[route.path][route.method.toLowerCase()];
      if (route.auth === 'public') expect(op.security).toEqual([]);
      else {
        expect(op.security).toEqual([{ bearer: [] }]);
        expect(op['x-roles']).toEqual(route.auth.roles);
      }
    }
  });

  it('resolves every $ref to a component', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas, ref).toHaveProperty(ref);
  });
});
