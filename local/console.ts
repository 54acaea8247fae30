/**
 * The console on the local API Gateway: GET requests that match no API route get the built static files
 * (console/dist), and `/local/credentials` hands the console the demo tenants' dev tokens so it can offer a
 * tenant + role picker. That endpoint exists only here, on 127.0.0.1; in AWS the console signs in with Cognito.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleContentSecurityPolicy } from '../console/security-headers.js';
import type { Credentials } from './seed.js';

/** Where console/build.ts writes the console by default (git-ignored). */
export const CONSOLE_DIST = fileURLToPath(new URL('../console/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The same policy as CloudFront's response headers policy (infra/contexts/console.ts), less what needs HTTPS or Cognito. */
export const CONSOLE_SECURITY_HEADERS = {
  'content-security-policy': consoleContentSecurityPolicy(),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export interface ConsoleOptions {
  dir: string;
  /** The demo tenants' tokens, once the runtime has written them. */
  credentials: () => Credentials | undefined;
}

/** True when it answered the request; false lets the API gateway answer 404. */
export function serveConsole(options: ConsoleOptions) {
  return (req: IncomingMessage, res: ServerResponse, pathname: string): boolean => {
    if (pathname === '/local/credentials') {
      // only for a page served from this machine: a foreign Host is a DNS-rebinding attempt
      if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(req.headers.host ?? '')) return false;
      const credentials = options.credentials();
      const tenants = (credentials?.tenants ?? []).map((t) => ({ tenantId: t.tenantId, tokens: t.tokens }));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ tenants }));
      return true;
    }
    if (pathname.startsWith('/v1/') || pathname.startsWith('/webhooks/')) return false;
    const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    let file = join(options.dir, relative || 'index.html');
    if (!file.startsWith(options.dir + sep) && file !== options.dir) return false;
    if (!existsSync(file) || !statSync(file).isFile()) {
      if (extname(file)) return false;
      file = join(options.dir, 'index.html'); // the console routes in the hash; any other page path gets the app
      if (!existsSync(file)) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('The console is not built: run `npx tsx console/build.ts` (npm start does it).');
        return true;
      }
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      ...CONSOLE_SECURITY_HEADERS,
    });
    res.end(readFileSync(file));
    return true;
  };
}
