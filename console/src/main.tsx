/**
 * The console's shell: sign-in, the navigation built from the page registry, and hash routing (so the same
 * static files work behind CloudFront and the local runtime without server rewrites).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { matchRoute, PAGES } from './pages/registry';
import { SignIn } from './pages/signin';
import { cognitoSettings, currentSession, finishHostedSignIn, onSessionChange, signOut } from './session';

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

function App() {
  const [session, setSession] = useState(currentSession());
  const [problem, setProblem] = useState<string>();
  useEffect(() => onSessionChange(() => setSession(currentSession())), []);
  useEffect(() => {
    if (!new URLSearchParams(location.search).has('code')) return;
    void cognitoSettings()
      .then((settings) => settings && finishHostedSignIn(settings))
      .catch((e: Error) => setProblem(e.message));
  }, []);
  const hash = useHash();
  if (!session) return <SignIn problem={problem} />;

  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const visible = PAGES.filter((p) => p.roles.includes(session.role as never));
  const found = matchRoute(path || visible[0]?.routes[0] || '/');
  const Page = found?.page.component;
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <nav aria-label="Pages">
          <strong class="brand">Social CRM</strong>
          {visible.map((p) => (
            <a key={p.id} href={`#${p.routes[0]}`} aria-current={found?.page.id === p.id ? 'page' : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
        <span class="who">
          {session.tenantId} · {session.role}{' '}
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {Page && found ? (
          // keyed by the path: following a link (even to the page shown at home) loads it afresh
          <Page key={path} params={found.params} query={new URLSearchParams(search)} />
        ) : visible.length === 0 ? (
          <p class="notice">
            Your role ({session.role}) has no page in this console yet. The pages for it arrive with their APIs.
          </p>
        ) : (
          <p class="notice">No such page.</p>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
