/** Sign-in: a demo tenant + role locally; the Cognito hosted UI (code + PKCE) in AWS. */
import { useEffect, useState } from 'preact/hooks';
import { cognitoSettings, localTenants, signIn, startHostedSignIn, type CognitoSettings, type LocalTenant } from '../session';

const ROLE_TEXT: Record<string, string> = {
  admin: 'everything, including settings and privacy',
  marketer: 'customers, segments, campaigns',
  agent: 'customers and service',
  finance: 'costs and budgets',
  approver: 'approves or rejects campaigns (four eyes)',
};

export function SignIn({ problem }: { problem?: string | undefined }) {
  const [tenants, setTenants] = useState<LocalTenant[] | undefined>();
  const [cognito, setCognito] = useState<CognitoSettings | undefined>();
  const [looked, setLooked] = useState(false);
  useEffect(() => {
    void Promise.all([cognitoSettings(), localTenants()]).then(([c, t]) => {
      setCognito(c);
      setTenants(t);
      setLooked(true);
    });
  }, []);

  return (
    <main class="signin" id="main">
      <h1>Social CRM console</h1>
      {problem && (
        <div class="notice error" role="alert">
          {problem}
        </div>
      )}
      {cognito && (
        <button type="button" class="primary" onClick={() => void startHostedSignIn(cognito)}>
          Sign in
        </button>
      )}
      {!cognito && tenants && (
        <>
          <p>Local runtime: pick a demo tenant and the role to act as.</p>
          {tenants.map((t) => (
            <section key={t.tenantId} class="card">
              <h2>{t.tenantId}</h2>
              <ul class="roles">
                {Object.entries(t.tokens).map(([role, token]) => (
                  <li key={role}>
                    <button type="button" data-testid={`signin-${t.tenantId}-${role}`} onClick={() => signIn(token)}>
                      {role}
                    </button>{' '}
                    <span class="muted">{ROLE_TEXT[role] ?? ''}</span>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
      {looked && !cognito && !tenants && <p class="notice error">No sign-in is configured for this console (no config.json and no local runtime).</p>}
    </main>
  );
}
