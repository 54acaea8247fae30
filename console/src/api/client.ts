/**
 * The typed API client: openapi-fetch over the generated `paths` (schema.d.ts), the session's bearer token on
 * every call, and each error answer turned into an ApiError the pages can show as the person can act on it.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths, components } from './schema';
import { currentSession } from '../session';

export type Schemas = components['schemas'];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    const session = currentSession();
    if (session) request.headers.set('authorization', `Bearer ${session.token}`);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(auth);

/** The data of a call, or throws ApiError (with the API's code and message) for any error answer. */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: Awaited<typeof call>;
  try {
    result = await call;
  } catch {
    throw new ApiError(0, 'network', 'The API cannot be reached. Check your connection and try again.');
  }
  if (result.data !== undefined && result.response.ok) return result.data;
  const body = result.error as Schemas['Error'] | undefined;
  throw new ApiError(result.response.status, body?.error?.code ?? 'error', body?.error?.message ?? result.response.statusText);
}
