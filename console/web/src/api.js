// The console server's HTTP API (console/API.md): same-origin JSON, the session cookie, and the CSRF token that
// every call that is not a GET carries in the X-CSRF-Token header (never in a URL).

let csrfToken = null;
const sessionListeners = new Set();

/** An answer that is not 2xx: `status`, and the server's JSON (`message`, `fieldErrors`, `conflicts`, `stale`). */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body || {};
  }
}

/** Called with the new session whenever the server says the session is no longer signed in. */
export function onSessionChange(listener) {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

function remember(session) {
  if (session && typeof session.csrfToken === 'string') csrfToken = session.csrfToken;
  return session;
}

async function send(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken || '';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(0, { message: `The console server cannot be reached (${error.message}).` });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text.slice(0, 500) };
    }
  }
  if (!response.ok) {
    throw new ApiError(response.status, data || { message: `${response.status} ${response.statusText}` });
  }
  return data;
}

async function request(method, path, body) {
  try {
    return await send(method, path, body);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // The session (and so its token) may have been renewed since this page read it: read it again, retry once.
    if (error.status === 403 && method !== 'GET' && /CSRF/i.test(error.message)) {
      await getSession();
      return send(method, path, body);
    }
    if (error.status === 401) checkSession();
    throw error;
  }
}

export async function getSession() {
  return remember(await send('GET', '/api/session'));
}

/** Re-reads the session and tells the listeners when it is signed out (an expired token, a restarted server). */
export async function checkSession() {
  try {
    const session = await getSession();
    if (!session.authenticated) sessionListeners.forEach((listener) => listener(session));
  } catch {
    // the server cannot be reached: the page already says so where it matters
  }
}

export async function signIn(token) {
  return remember(await request('POST', '/api/session', { token }));
}

export async function signOut() {
  return remember(await request('DELETE', '/api/session'));
}

const seg = encodeURIComponent;

export const getKinds = () => request('GET', '/api/kinds');
export const getNamespaces = () => request('GET', '/api/namespaces');
export const getForm = (kind) => request('GET', `/api/kinds/${seg(kind)}/form`);

export function getAccess(kind, namespace, name) {
  const query = new URLSearchParams({ namespace });
  if (name) query.set('name', name);
  return request('GET', `/api/kinds/${seg(kind)}/access?${query}`);
}

/** Server-side apply: {name, annotations, formData, dryRun, resourceVersion, force}. */
export const applyObject = (kind, namespace, payload) =>
  request('POST', `/api/kinds/${seg(kind)}/objects/${seg(namespace)}`, payload);

export const deleteObject = (kind, namespace, name) =>
  request('DELETE', `/api/kinds/${seg(kind)}/objects/${seg(namespace)}/${seg(name)}`);

export const watchListUrl = (kind) => `/api/kinds/${seg(kind)}/watch`;
export const watchObjectUrl = (kind, namespace, name) =>
  `/api/kinds/${seg(kind)}/objects/${seg(namespace)}/${seg(name)}/watch`;
