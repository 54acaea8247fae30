/**
 * The local API Gateway: turns each HTTP request into an HTTP API payload 2.0 event for the route's
 * handler (the same routes as the CDK stack, from wiring/routes.ts), verifies bearer tokens as the JWT
 * authorizer does, and writes the handler's structured result back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ROUTES, type RouteDeclaration } from '../wiring/routes.js';
import { FUNCTIONS } from '../wiring/functions.js';
import { flattenClaims, verifyToken } from './jwt.js';
import { invokeWithTimeout } from './lambda-context.js';

/** API Gateway HTTP APIs take payloads up to 10 MB. */
const MAX_PAYLOAD = 10 * 1024 * 1024;

interface CompiledRoute {
  route: RouteDeclaration;
  routeKey: string;
  pattern: RegExp;
  params: string[];
}

export function compileRoutes(routes: readonly RouteDeclaration[] = ROUTES): CompiledRoute[] {
  return routes.map((route) => {
    const params: string[] = [];
    const source = route.path
      .split('/')
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment)?.[1];
        if (!param) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        params.push(param);
        return '([^/]+)';
      })
      .join('/');
    return { route, routeKey: `${route.method} ${route.path}`, pattern: new RegExp(`^${source}$`), params };
  });
}

/** Content types API Gateway passes as text; anything else arrives base64-encoded. */
function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return true;
  return /^(text\/|application\/(json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|x-www-form-urlencoded|javascript))/i.test(contentType);
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The decoded path segment, or undefined when its percent-encoding is malformed (e.g. `%E0%A4%A`). */
export function decodePathSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

export interface LocalApiOptions {
  port: number;
  host?: string;
  jwtKey: Buffer;
  /** Answers a GET no route matches (the console's static files); returns false to let the 404 stand. */
  fallback?: (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean;
  /** Takes a signed file upload (campaign attachments, local/files.ts) before the routes are looked at: true when it answered. */
  upload?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  /** GET /health: the runtime's own answer (not a route of the API). */
  health?: () => Promise<{ status: number; body: unknown }>;
}

export function startHttpServer(options: LocalApiOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const routes = compileRoutes();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('local api gateway error', error);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'Internal error' } });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://local');
    if (options.upload && (await options.upload(req, res, url))) return;
    const method = (req.method ?? 'GET').toUpperCase();
    if (options.health && method === 'GET' && url.pathname === '/health') {
      const { status, body } = await options.health();
      return sendJson(res, status, body);
    }
    const candidates = routes.filter((r) => r.pattern.test(url.pathname));
    const match = candidates.find((r) => r.route.method === method);
    if (!match && !candidates.length && method === 'GET' && options.fallback?.(req, res, url.pathname)) return;
    if (!match) {
      return sendJson(res, candidates.length ? 405 : 404, {
        error: { code: candidates.length ? 'method_not_allowed' : 'not_found', message: `No route ${method} ${url.pathname}` },
      });
    }
    const body = await readBody(req);
    if (body === 'too-large') return sendJson(res, 413, { error: { code: 'payload_too_large', message: 'Payload exceeds 10 MB' } });

    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }

    let authorizer: { jwt: { claims: Record<string, string>; scopes: null } } | undefined;
    if (match.route.auth !== 'public') {
      const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
      const claims = bearer ? await verifyToken(options.jwtKey, bearer.trim()) : undefined;
      if (!claims) return sendJson(res, 401, { error: { code: 'unauthorized', message: 'A valid bearer token is required' } });
      authorizer = { jwt: { claims: flattenClaims(claims), scopes: null } };
    }

    const values = match.pattern.exec(url.pathname)!.slice(1);
    const pathParameters: Record<string, string> = {};
    for (const [i, name] of match.params.entries()) {
      const decoded = decodePathSegment(values[i]!);
      // API Gateway answers 400 to a path whose percent-encoding is malformed; so does the local gateway.
      if (decoded === undefined) return sendJson(res, 400, { error: { code: 'bad_request', message: `Malformed percent-encoding in path parameter ${name}` } });
      pathParameters[name] = decoded;
    }
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
    const textual = isTextual(headers['content-type']);
    const now = new Date();

    const event: APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } } = {
      version: '2.0',
      routeKey: match.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
      ...(match.params.length > 0 && { pathParameters }),
      ...(body.length > 0 && { body: textual ? body.toString('utf8') : body.toString('base64') }),
      isBase64Encoded: body.length > 0 && !textual,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'local',
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: match.routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        ...(authorizer && { authorizer }),
      },
    };

    let result: APIGatewayProxyStructuredResultV2;
    try {
      result = (await invokeWithTimeout(FUNCTIONS[match.route.function], event)) as APIGatewayProxyStructuredResultV2;
    } catch (error) {
      // API Gateway answers 500/503 when the integration fails or times out; nothing of the error leaks
      console.error(`function ${match.route.function} failed:`, (error as Error).message);
      return sendJson(res, 500, { error: { code: 'internal', message: 'Internal error' } });
    }
    const responseBody = result.body ?? '';
    res.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string> | undefined) });
    res.end(result.isBase64Encoded ? Buffer.from(responseBody, 'base64') : responseBody);
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({
        server,
        url: `http://${options.host ?? '127.0.0.1'}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
