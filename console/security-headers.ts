/**
 * The console's security headers, one definition for both places that serve it: the local runtime
 * (local/console.ts) and the CloudFront response headers policy (infra/contexts/console.ts).
 */

/**
 * The Content-Security-Policy. `connectOrigins`: where the page may fetch besides its own origin (in AWS, the
 * Cognito domain whose token endpoint trades the sign-in code for tokens; the API is same-origin at /v1).
 */
export function consoleContentSecurityPolicy(connectOrigins: readonly string[] = []): string {
  return [
    "default-src 'self'",
    ["connect-src 'self'", ...connectOrigins].join(' '),
    "img-src 'self' data:",
    // Preact's style props and uPlot's sizing are inline styles
    "style-src 'self' 'unsafe-inline'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}
