/**
 * The console's security headers, one policy for both places that serve it: the local runtime (local/console.ts)
 * and CloudFront's response headers policy (infra/contexts/console.ts). `connectSrc`: where the page may fetch
 * besides its own origin (the Cognito domain that trades the sign-in code for tokens in AWS).
 */
export function consoleContentSecurityPolicy(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'self'",
    `connect-src 'self'${connectSrc.map((s) => ` ${s}`).join('')}`,
    "img-src 'self' data:",
    // Preact's style props and uPlot's sizing are inline styles
    "style-src 'self' 'unsafe-inline'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}
