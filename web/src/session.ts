/**
 * The session in the page: the access token lives in memory only (never in storage), so a
 * reload or a new tab starts from the refresh cookie or the login. `sessionFetch` is the
 * fetch of the generated client: it sends the bearer token and, on a 401, renews the token
 * once through POST /api/v1/auth/refresh (the httpOnly refresh cookie), then retries; when
 * that fails the user is sent to the login and back to the page afterwards.
 */

let accessToken: string | null = null;
const listeners = new Set<() => void>();

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  accessToken = token;
  for (const l of listeners) l();
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Where the login sends the user back to: the page the session ended on. */
export function loginPathFor(back: string): string {
  return back === '/' || back.startsWith('/login') ? '/login' : `/login?redirect=${encodeURIComponent(back)}`;
}

/** A path the login may return to: only one of this console (no other origin). */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/login')
    ? value
    : '/tasks';
}

let refreshing: Promise<boolean> | null = null;

/** One refresh at a time, shared by every request that got a 401 meanwhile. */
export function refreshSession(fetchImpl: typeof fetch = fetch): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      // Across tabs too: the cookie is spent by each refresh, and two refreshes with the same
      // cookie count as its reuse, which ends the session. The browser's cookie jar is shared,
      // so the tab that waits sends the cookie the other one received.
      const send = () => fetchImpl('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' });
      const res =
        typeof navigator !== 'undefined' && navigator.locks
          ? await navigator.locks.request('eservices-refresh', send)
          : await send();
      if (!res.ok) return false;
      const body = (await res.json()) as { accessToken?: string };
      if (!body.accessToken) return false;
      setAccessToken(body.accessToken);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Called when the session cannot be renewed; the app points it at its router. */
let onExpired: () => void = () => {
  window.location.assign(loginPathFor(window.location.pathname + window.location.search));
};
export function whenSessionExpires(handler: () => void): void {
  onExpired = handler;
}

/** Steps before a session, whose 401 is their answer (a wrong password or code), not a session's end. */
const AUTH_STEPS = [
  '/api/v1/auth/login',
  '/api/v1/auth/otp',
  '/api/v1/auth/refresh',
  '/api/v1/auth/password-reset',
  '/api/v1/auth/password-reset/confirm',
];

export function createSessionFetch(
  fetchImpl: typeof fetch = (...a) => fetch(...a),
): (request: Request) => Promise<Response> {
  return async (request: Request) => {
    const retry = request.clone();
    const send = (r: Request): Promise<Response> => {
      if (accessToken) r.headers.set('Authorization', `Bearer ${accessToken}`);
      return fetchImpl(r);
    };
    const response = await send(request);
    const path = new URL(request.url, 'http://x').pathname;
    if (response.status !== 401 || AUTH_STEPS.includes(path)) return response;
    if (await refreshSession(fetchImpl)) return send(retry);
    setAccessToken(null);
    onExpired();
    return response;
  };
}
