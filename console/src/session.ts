/**
 * Who is signed in. Locally the person picks a demo tenant and role and the console uses that dev token
 * (from the runtime's local-only /local/credentials); in AWS it signs in with the Cognito hosted UI,
 * authorization code + PKCE, as a public client with no secret. The token lives in sessionStorage only.
 */
export const ROLES = ['admin', 'marketer', 'agent', 'finance', 'approver'] as const;
export type Role = (typeof ROLES)[number];

export interface Session {
  token: string;
  tenantId: string;
  role: Role | string;
  expiresAt: number;
}

const KEY = 'social-crm.session';
let listeners: (() => void)[] = [];

export function onSessionChange(listener: () => void): () => void {
  listeners.push(listener);
  return () => (listeners = listeners.filter((l) => l !== listener));
}

export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  const session = JSON.parse(raw) as Session;
  return session.expiresAt * 1000 > Date.now() ? session : undefined;
}

/** The tenant, role and expiry the token itself states (the API trusts the same claims). */
export function sessionFromToken(token: string): Session {
  const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  const groups = (payload['cognito:groups'] as string[] | undefined) ?? [];
  return { token, tenantId: String(payload['custom:tenantId'] ?? ''), role: groups[0] ?? 'unknown', expiresAt: Number(payload.exp ?? 0) };
}

export function signIn(token: string): Session {
  const session = sessionFromToken(token);
  sessionStorage.setItem(KEY, JSON.stringify(session));
  for (const l of listeners) l();
  return session;
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}

/** Deploy-time settings (config.json, written by CDK next to the app); absent locally. */
export interface CognitoSettings {
  domain: string;
  clientId: string;
  redirectUri: string;
}

export async function cognitoSettings(): Promise<CognitoSettings | undefined> {
  const response = await fetch('./config.json', { cache: 'no-store' }).catch(() => undefined);
  if (!response?.ok) return undefined;
  const config = (await response.json().catch(() => ({}))) as { cognito?: CognitoSettings };
  return config.cognito;
}

export interface LocalTenant {
  tenantId: string;
  tokens: Record<string, string>;
}

export async function localTenants(): Promise<LocalTenant[] | undefined> {
  const response = await fetch('/local/credentials', { cache: 'no-store' }).catch(() => undefined);
  if (!response?.ok) return undefined;
  return ((await response.json()) as { tenants: LocalTenant[] }).tenants;
}

const b64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** 1. make a verifier and state, 2. keep them for the return, 3. go to the hosted UI with the S256 challenge. */
export async function startHostedSignIn(settings: CognitoSettings): Promise<void> {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('social-crm.pkce', JSON.stringify({ verifier, state }));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const url = new URL('/oauth2/authorize', settings.domain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: 'openid email profile',
    state,
    code_challenge_method: 'S256',
    code_challenge: challenge,
  }).toString();
  location.assign(url.toString());
}

/** On the way back: check the state, trade the code and verifier for tokens, keep the ID token. */
export async function finishHostedSignIn(settings: CognitoSettings): Promise<Session | undefined> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) return undefined;
  const saved = JSON.parse(sessionStorage.getItem('social-crm.pkce') ?? '{}') as { verifier?: string; state?: string };
  sessionStorage.removeItem('social-crm.pkce');
  history.replaceState(null, '', location.pathname + location.hash);
  if (!saved.verifier || saved.state !== params.get('state')) throw new Error('The sign-in answer did not match this browser’s request. Sign in again.');
  const response = await fetch(new URL('/oauth2/token', settings.domain), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: settings.clientId,
      code,
      redirect_uri: settings.redirectUri,
      code_verifier: saved.verifier,
    }),
  });
  if (!response.ok) throw new Error('Cognito refused the sign-in code. Sign in again.');
  const tokens = (await response.json()) as { id_token: string };
  return signIn(tokens.id_token);
}
