import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createSessionFetch,
  getAccessToken,
  loginPathFor,
  safeRedirect,
  setAccessToken,
  whenSessionExpires,
} from './session';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => setAccessToken(null));

describe('the session fetch', () => {
  it('sends the bearer token kept in memory', async () => {
    setAccessToken('t1');
    const seen: string[] = [];
    const send = createSessionFetch(async (r) => {
      seen.push(new Request(r as Request).headers.get('authorization') ?? '');
      return json(200, {});
    });
    await send(new Request('http://console/api/v1/me'));
    expect(seen).toEqual(['Bearer t1']);
  });

  it('on a 401 renews the token once through the refresh cookie and retries with it', async () => {
    setAccessToken('old');
    const calls: string[] = [];
    const send = createSessionFetch(async (input, init) => {
      const r = input instanceof Request ? input : new Request(new URL(String(input), 'http://console'), init);
      const path = new URL(r.url, 'http://console').pathname;
      calls.push(`${r.method} ${path} ${r.headers.get('authorization') ?? ''}`.trim());
      if (path === '/api/v1/auth/refresh') return json(200, { accessToken: 'new' });
      return r.headers.get('authorization') === 'Bearer new' ? json(200, { ok: true }) : json(401, {});
    });
    const res = await send(new Request('http://console/api/v1/tasks'));
    expect(res.status).toBe(200);
    expect(getAccessToken()).toBe('new');
    expect(calls).toEqual([
      'GET /api/v1/tasks Bearer old',
      'POST /api/v1/auth/refresh',
      'GET /api/v1/tasks Bearer new',
    ]);
  });

  it('forgets the token and goes to the login when the refresh fails', async () => {
    setAccessToken('old');
    const expired = vi.fn();
    whenSessionExpires(expired);
    const send = createSessionFetch(async (input) =>
      new URL(input instanceof Request ? input.url : String(input), 'http://console').pathname ===
      '/api/v1/auth/refresh'
        ? json(404, {})
        : json(401, {}),
    );
    const res = await send(new Request('http://console/api/v1/tasks'));
    expect(res.status).toBe(401);
    expect(getAccessToken()).toBeNull();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it("does not renew on the login steps' own 401 (a wrong password is an answer, not an expiry)", async () => {
    const expired = vi.fn();
    whenSessionExpires(expired);
    const send = createSessionFetch(async () => json(401, { code: 'UNAUTHENTICATED' }));
    expect((await send(new Request('http://console/api/v1/auth/login', { method: 'POST' }))).status).toBe(401);
    expect(expired).not.toHaveBeenCalled();
  });

  it("does not renew on the password set-up's own 401 (a wrong e-mailed code), which happens with no session", async () => {
    const expired = vi.fn();
    whenSessionExpires(expired);
    const paths: string[] = [];
    const send = createSessionFetch(async (input) => {
      paths.push(new URL(input instanceof Request ? input.url : String(input), 'http://console').pathname);
      return json(401, { code: 'UNAUTHENTICATED' });
    });
    const confirm = new Request('http://console/api/v1/auth/password-reset/confirm', { method: 'POST' });
    expect((await send(confirm)).status).toBe(401);
    expect(paths).toEqual(['/api/v1/auth/password-reset/confirm']);
    expect(expired).not.toHaveBeenCalled();
  });
});

describe('the way back after the login', () => {
  it('remembers the page, not the login itself', () => {
    expect(loginPathFor('/eservices/42?edit=true')).toBe('/login?redirect=%2Feservices%2F42%3Fedit%3Dtrue');
    expect(loginPathFor('/')).toBe('/login');
    expect(loginPathFor('/login?redirect=%2Ftasks')).toBe('/login');
  });

  it('returns only to a page of this console', () => {
    expect(safeRedirect('/eservices/42')).toBe('/eservices/42');
    expect(safeRedirect('//evil.example/x')).toBe('/tasks');
    expect(safeRedirect('https://evil.example/')).toBe('/tasks');
    expect(safeRedirect(undefined)).toBe('/tasks');
  });
});
