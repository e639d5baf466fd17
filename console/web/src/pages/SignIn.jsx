// Sign-in with a bearer token (POST /api/session), shown when GET /api/session says authenticated false.
import { useState } from 'react';
import { signIn } from '../api.js';
import { ErrorBanner } from '../ui.jsx';

export default function SignIn({ onSignedIn }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  const submit = async (event) => {
    event.preventDefault();
    if (!token.trim()) {
      setError('Paste a bearer token first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await signIn(token.trim());
      setToken('');
      if (session.authenticated) onSignedIn(session);
      else setError('The token was not accepted.');
    } catch (e) {
      setError(e.status === 401 ? `The API server refused this token: ${e.message}` : e.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="signin">
      <h1>Sign in</h1>
      <form onSubmit={submit}>
        <div className="form-group">
          <label className="control-label" htmlFor="token">
            Bearer token
          </label>
          <input
            id="token"
            className="form-control"
            type="password"
            autoComplete="off"
            spellCheck="false"
            data-testid="token"
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
          <p className="help-block">
            The console makes every Kubernetes call with this token; it is kept in the server&apos;s memory for this
            session only.
          </p>
        </div>
        <ErrorBanner message={error} />
        <button type="submit" className="btn btn-primary" data-testid="sign-in" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
