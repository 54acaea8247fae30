/** API errors as the person can act on them: sign in again, ask for a role, see the current state, retry. */
import { ApiError } from '../api/client';
import { currentSession, signOut } from '../session';

export function ErrorNotice({ error, action, onRetry }: { error: unknown; action?: string; onRetry?: () => void }) {
  const session = currentSession();
  if (error instanceof ApiError) {
    if (error.status === 401)
      return (
        <div class="notice error" role="alert">
          <strong>Your sign-in has expired or is not valid.</strong>{' '}
          <button type="button" onClick={() => signOut()}>
            Sign in again
          </button>
        </div>
      );
    if (error.status === 403)
      return (
        <div class="notice error" role="alert">
          <strong>Your role ({session?.role ?? 'unknown'}) cannot {action ?? 'do this'}.</strong> Ask an administrator of tenant{' '}
          {session?.tenantId} for a role that can.
        </div>
      );
    if (error.status === 404)
      return (
        <div class="notice" role="status">
          <strong>Not found.</strong> {error.message}
        </div>
      );
    if (error.status === 409)
      return (
        <div class="notice warn" role="alert">
          <strong>Someone changed this first.</strong> {error.message}{' '}
          {onRetry && (
            <button type="button" onClick={onRetry}>
              Reload the current state
            </button>
          )}
        </div>
      );
    if (error.status === 400)
      return (
        <div class="notice error" role="alert">
          <strong>Please check the input:</strong> {error.message}
        </div>
      );
    if (error.status === 429)
      return (
        <div class="notice warn" role="alert">
          <strong>Too many requests just now.</strong>{' '}
          {onRetry && (
            <button type="button" onClick={onRetry}>
              Try again
            </button>
          )}
        </div>
      );
  }
  return (
    <div class="notice error" role="alert">
      <strong>Something went wrong:</strong> {error instanceof Error ? error.message : String(error)}{' '}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
