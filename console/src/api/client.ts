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

/**
 * Asks the API for the CSV of a cost answer (`Accept: text/csv`, the same figures as its JSON) and hands it to the
 * browser as a download; the token goes in the header, never in a link.
 */
export async function downloadCsv(path: string, query: Record<string, string>, name: string): Promise<void> {
  const session = currentSession();
  const url = `${location.origin}${path}?${new URLSearchParams(query).toString()}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'text/csv', ...(session && { authorization: `Bearer ${session.token}` }) } });
  } catch {
    throw new ApiError(0, 'network', 'The API cannot be reached. Check your connection and try again.');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as Schemas['Error'] | undefined;
    throw new ApiError(response.status, body?.error?.code ?? 'error', body?.error?.message ?? response.statusText);
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = `${name}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
