// The console's single page: the session, the header, and the hash router (routes.js).
import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { getKinds, getNamespaces, getSession, onSessionChange, signOut } from './api.js';
import { listHref, parseHash } from './routes.js';
import { ErrorBanner } from './ui.jsx';
import SignIn from './pages/SignIn.jsx';
import KindList from './pages/KindList.jsx';
import ObjectForm from './pages/ObjectForm.jsx';
import Instance from './pages/Instance.jsx';
import './console.css';

function useHashRoute() {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function Header({ session, onSignOut }) {
  return (
    <header className="topbar">
      <a className="brand" href={listHref()}>
        Redis operator console
      </a>
      {session && session.authenticated && (
        <span className="who">
          <span data-testid="user" title={(session.groups || []).join(', ')}>
            {session.user || 'signed in'}
          </span>
          {session.mode === 'token' ? (
            <button type="button" className="btn btn-default btn-sm" data-testid="sign-out" onClick={onSignOut}>
              Sign out
            </button>
          ) : (
            <span className="muted"> (the kubeconfig of the user who started the console)</span>
          )}
        </span>
      )}
    </header>
  );
}

/** What every page needs once signed in: the kinds and the namespaces. */
function useCatalog(enabled) {
  const [catalog, setCatalog] = useState(null);
  const [error, setError] = useState(null);
  const load = useCallback(() => {
    setError(null);
    Promise.all([getKinds(), getNamespaces()])
      .then(([kinds, namespaces]) => setCatalog({ kinds: kinds.kinds || [], namespaces }))
      .catch((e) => setError(e.message));
  }, []);
  useEffect(() => {
    if (enabled) load();
    else setCatalog(null);
  }, [enabled, load]);
  return { catalog, error, reload: load };
}

function Page({ route, catalog }) {
  const kindOf = (id) => catalog.kinds.find((k) => k.id === id);
  if (route.page === 'list') return <KindList kinds={catalog.kinds} namespaces={catalog.namespaces} />;
  if (route.page === 'notFound') {
    return (
      <ErrorBanner message="There is no such page.">
        <a href={listHref()}>Back to the list</a>
      </ErrorBanner>
    );
  }
  const kind = kindOf(route.kind);
  if (!kind || kind.error) {
    return (
      <ErrorBanner message={kind ? `${kind.kind}: ${kind.error}` : `This console serves no kind "${route.kind}".`}>
        <a href={listHref()}>Back to the list</a>
      </ErrorBanner>
    );
  }
  const key = `${route.page}/${route.kind}/${route.namespace}/${route.name || ''}`;
  if (route.page === 'new') {
    return (
      <ObjectForm key={key} mode="create" kind={kind} namespaces={catalog.namespaces} namespace={route.namespace} />
    );
  }
  if (route.page === 'edit') {
    return (
      <ObjectForm
        key={key}
        mode="edit"
        kind={kind}
        namespaces={catalog.namespaces}
        namespace={route.namespace}
        name={route.name}
      />
    );
  }
  return <Instance key={key} kind={kind} namespace={route.namespace} name={route.name} />;
}

function App() {
  const route = useHashRoute();
  const [session, setSession] = useState(null);
  const [sessionError, setSessionError] = useState(null);
  const authenticated = Boolean(session && session.authenticated);
  const { catalog, error: catalogError, reload } = useCatalog(authenticated);

  const loadSession = useCallback(() => {
    setSessionError(null);
    getSession()
      .then(setSession)
      .catch((e) => setSessionError(e.message));
  }, []);
  useEffect(loadSession, [loadSession]);
  useEffect(() => onSessionChange(setSession), []);

  const doSignOut = () => {
    signOut()
      .then(setSession)
      .catch((e) => setSessionError(e.message));
  };

  let body;
  if (sessionError) {
    body = (
      <ErrorBanner message={sessionError}>
        <button type="button" className="btn btn-default" onClick={loadSession}>
          Try again
        </button>
      </ErrorBanner>
    );
  } else if (!session) {
    body = <p className="muted">Loading…</p>;
  } else if (!authenticated) {
    body = <SignIn onSignedIn={setSession} />;
  } else if (catalogError) {
    body = (
      <ErrorBanner message={catalogError}>
        <button type="button" className="btn btn-default" onClick={reload}>
          Try again
        </button>
      </ErrorBanner>
    );
  } else if (!catalog) {
    body = <p className="muted">Loading…</p>;
  } else {
    body = <Page route={route} catalog={catalog} />;
  }

  return (
    <>
      <Header session={session} onSignOut={doSignOut} />
      <main>{body}</main>
    </>
  );
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
