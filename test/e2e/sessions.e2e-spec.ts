import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppUser } from '../../src/auth/app-user.entity';
import { AuditEvent } from '../../src/auth/audit-event.entity';
import { RefreshToken } from '../../src/auth/refresh-token.entity';
import { REFRESH_COOKIE } from '../../src/auth/browser-sessions';
import { CONSOLE_CSP, cspHeader, TOOLS_CSP } from '../../src/common/security-headers';
import { expectProblem } from '../support/fixtures';
import {
  bearer,
  failLogins,
  loadLoginUser,
  LoginUser,
  MINUTE,
  NEW_PASSWORD,
  nextTotpStep,
  otpStep,
  passwordStep,
} from '../support/login';
import { currentTotp, DEMO_PASSWORD, expectStatus, startTestApp, TestApp } from '../support/test-app';

/**
 * Browser sessions (SPEC §11): the login sets a refresh cookie (HttpOnly, Secure,
 * SameSite=Strict, Path=/api/v1/auth); POST /auth/refresh exchanges it for an access token
 * and a new cookie; a spent cookie presented again ends the session; idle timeout and
 * absolute lifetime by the injected clock; logout, a password change and a lock end it.
 */

const HOUR = 60 * MINUTE;

interface BrowserLogin {
  accessToken: string;
  cookie: string;
  setCookie: string;
}

/** The value of the refresh cookie a response sets, with the whole Set-Cookie line. */
function refreshCookieOf(res: request.Response): { value: string; line: string } {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const line = lines.find((l) => l.startsWith(`${REFRESH_COOKIE}=`));
  if (!line) throw new Error(`no ${REFRESH_COOKIE} cookie set: ${JSON.stringify(res.headers)}`);
  return { value: line.slice(REFRESH_COOKIE.length + 1).split(';')[0], line };
}

describe('Browser sessions: the rotating refresh cookie (SPEC §11)', () => {
  let t: TestApp;
  const server = () => t.app.getHttpServer();
  const refresh = (cookie?: string): request.Test => {
    const test = request(server()).post('/api/v1/auth/refresh');
    return cookie === undefined ? test : test.set('Cookie', `${REFRESH_COOKIE}=${cookie}`);
  };
  const logout = (cookie?: string, token?: string): request.Test => {
    let test = request(server()).post('/api/v1/auth/logout');
    if (cookie !== undefined) test = test.set('Cookie', `${REFRESH_COOKIE}=${cookie}`);
    if (token !== undefined) test = test.set('Authorization', `Bearer ${token}`);
    return test;
  };
  /** The two login steps as a browser makes them; returns the access token and the cookie set. */
  const browserLogin = async (u: LoginUser, password = DEMO_PASSWORD): Promise<BrowserLogin> => {
    nextTotpStep(t);
    const first = await expectStatus(passwordStep(t, u.username, password), 200);
    const otp = await currentTotp(t.app, t.clock, u.username);
    const second = await expectStatus(otpStep(t, first.body.challengeId as string, otp), 200);
    const { value, line } = refreshCookieOf(second);
    return { accessToken: second.body.accessToken as string, cookie: value, setCookie: line };
  };
  /** A refresh that must work: the new access token and cookie. */
  const refreshed = async (cookie: string): Promise<BrowserLogin> => {
    const res = await expectStatus(refresh(cookie), 200);
    const { value, line } = refreshCookieOf(res);
    return { accessToken: res.body.accessToken as string, cookie: value, setCookie: line };
  };
  const tokenRows = () =>
    t.app
      .get(DataSource)
      .getRepository(RefreshToken)
      .find({ order: { id: 'ASC' } });
  const auditCount = () => t.app.get(DataSource).getRepository(AuditEvent).count();
  const me = (token: string) => bearer(t, token).get('/me');

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('the login sets the cookie HttpOnly, Secure, SameSite=Strict on /api/v1/auth; the body stays as it was', async () => {
    const u = await loadLoginUser(t);
    nextTotpStep(t);
    const first = await expectStatus(passwordStep(t, u.username), 200);
    expect(first.headers['set-cookie']).toBeUndefined(); // step one logs no one in
    const second = await expectStatus(
      otpStep(t, first.body.challengeId as string, await currentTotp(t.app, t.clock, u.username)),
      200,
    );
    const { value, line } = refreshCookieOf(second);
    const attributes = line.split(/;\s*/).slice(1);
    expect(attributes).toEqual(
      expect.arrayContaining(['Path=/api/v1/auth', 'HttpOnly', 'Secure', 'SameSite=Strict', `Max-Age=${12 * 3600}`]),
    );
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(second.body).sort()).toEqual(['accessToken', 'expiresIn']);
    expect(second.text).not.toContain(value);
    // Stored hashed only.
    const rows = await tokenRows();
    expect(JSON.stringify(rows)).not.toContain(value);
  });

  it('a refresh answers a working access token and a new cookie; the cookie it spent is refused after', async () => {
    const u = await loadLoginUser(t);
    const login = await browserLogin(u);
    const next = await refreshed(login.cookie);
    expect(next.cookie).not.toEqual(login.cookie);
    expect(next.setCookie).toMatch(/HttpOnly/);
    expect((await expectStatus(me(next.accessToken), 200)).body.username).toBe(u.username);
    // The newest one works in its turn.
    const third = await refreshed(next.cookie);
    await expectStatus(me(third.accessToken), 200);
  });

  it('a spent cookie presented again revokes the whole family: the newest cookie and its access token fail too', async () => {
    const u = await loadLoginUser(t);
    const login = await browserLogin(u);
    const stolen = login.cookie;
    const second = await refreshed(login.cookie);
    const newest = await refreshed(second.cookie);
    await expectStatus(me(newest.accessToken), 200);

    const problem = await expectProblem(refresh(stolen), 401, 'UNAUTHENTICATED');
    expect(problem.detail).toMatch(/used twice/);
    await expectProblem(refresh(newest.cookie), 401, 'UNAUTHENTICATED');
    await expectProblem(me(newest.accessToken), 401, 'UNAUTHENTICATED');

    const user = await t.app.get(DataSource).getRepository(AppUser).findOneByOrFail({ username: u.username });
    const family = (await tokenRows()).filter((r) => r.userId === user.id);
    expect(family).toHaveLength(3);
    expect(family.map((r) => r.revokedReason)).toEqual(['reuse', 'reuse', 'reuse']);
    const admin = await t.as('admin@hkex.com.hk');
    const log = await expectStatus(
      admin.get(`/admin/audit?event=refresh_token_reused&username=${encodeURIComponent(u.username)}`),
      200,
    );
    expect(log.body.items).toHaveLength(1);
  });

  it('idle timeout: a cookie unused for longer than 30 minutes is refused; each refresh starts the 30 minutes again', async () => {
    const u = await loadLoginUser(t);
    let session = await browserLogin(u);
    t.clock.advance(29 * MINUTE);
    session = await refreshed(session.cookie);
    t.clock.advance(29 * MINUTE);
    session = await refreshed(session.cookie);
    t.clock.advance(30 * MINUTE);
    const problem = await expectProblem(refresh(session.cookie), 401, 'UNAUTHENTICATED');
    expect(problem.detail).toMatch(/expired/);
  });

  it('absolute lifetime: 12 hours after the login no refresh works, however active the session', async () => {
    const u = await loadLoginUser(t);
    let session = await browserLogin(u);
    const loggedInAt = t.clock.now().getTime();
    // Every 25 minutes until just before 12 hours.
    while (t.clock.now().getTime() + 25 * MINUTE < loggedInAt + 12 * HOUR) {
      t.clock.advance(25 * MINUTE);
      session = await refreshed(session.cookie);
    }
    // The cookie's Max-Age counts down to the same end.
    const maxAge = Number(/Max-Age=(\d+)/.exec(session.setCookie)![1]);
    expect(maxAge).toBe(Math.floor((loggedInAt + 12 * HOUR - t.clock.now().getTime()) / 1000));
    t.clock.advance(loggedInAt + 12 * HOUR - t.clock.now().getTime());
    await expectProblem(refresh(session.cookie), 401, 'UNAUTHENTICATED');
  });

  it('logout with the cookie alone ends the session, clears the cookie and revokes the access tokens', async () => {
    const u = await loadLoginUser(t);
    const session = await browserLogin(u);
    const res = await expectStatus(logout(session.cookie), 204);
    const { value, line } = refreshCookieOf(res);
    expect(value).toBe('');
    expect(line).toMatch(/Path=\/api\/v1\/auth/);
    expect(line).toMatch(/Expires=Thu, 01 Jan 1970/);
    await expectProblem(refresh(session.cookie), 401, 'UNAUTHENTICATED');
    await expectProblem(me(session.accessToken), 401, 'UNAUTHENTICATED');
    // Once ended, the cookie alone no longer names a login.
    await expectProblem(logout(session.cookie), 401, 'UNAUTHENTICATED');
  });

  it('logout with the bearer token alone ends the browser session too; with both, both end', async () => {
    const u = await loadLoginUser(t);
    const one = await browserLogin(u);
    await expectStatus(logout(undefined, one.accessToken), 204);
    await expectProblem(refresh(one.cookie), 401, 'UNAUTHENTICATED');

    const two = await browserLogin(u);
    await expectStatus(logout(two.cookie, two.accessToken), 204);
    await expectProblem(refresh(two.cookie), 401, 'UNAUTHENTICATED');
    await expectProblem(me(two.accessToken), 401, 'UNAUTHENTICATED');
    // Neither: nothing to end.
    await expectProblem(logout(), 401, 'UNAUTHENTICATED');
    await expectProblem(logout(undefined, 'not-a-token'), 401, 'UNAUTHENTICATED');
  });

  it('a password change ends every browser session of the user', async () => {
    const u = await loadLoginUser(t);
    const session = await browserLogin(u);
    const other = await browserLogin(u); // another browser
    await expectStatus(
      bearer(t, session.accessToken).post('/auth/password', {
        currentPassword: DEMO_PASSWORD,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      }),
      204,
    );
    await expectProblem(refresh(session.cookie), 401, 'UNAUTHENTICATED');
    await expectProblem(refresh(other.cookie), 401, 'UNAUTHENTICATED');
    // A new login with the new password has a session that works.
    const fresh = await browserLogin(u, NEW_PASSWORD);
    await refreshed(fresh.cookie);
  });

  it('a lock after failed logins ends the browser sessions', async () => {
    const u = await loadLoginUser(t);
    const session = await browserLogin(u);
    await failLogins(t, u.username, 5);
    await expectProblem(refresh(session.cookie), 401, 'UNAUTHENTICATED');
  });

  it('no cookie, or a cookie that is not one, is 401 problem+json and changes nothing', async () => {
    const u = await loadLoginUser(t);
    const session = await browserLogin(u);
    const rowsBefore = JSON.stringify(await tokenRows());
    const auditBefore = await auditCount();
    await expectProblem(refresh(), 401, 'UNAUTHENTICATED');
    await expectProblem(refresh('garbage'), 401, 'UNAUTHENTICATED');
    await expectProblem(refresh('A'.repeat(43)), 401, 'UNAUTHENTICATED');
    await expectProblem(refresh(''), 401, 'UNAUTHENTICATED');
    // A bearer token is no refresh cookie.
    await expectProblem(bearer(t, session.accessToken).post('/auth/refresh'), 401, 'UNAUTHENTICATED');
    expect(JSON.stringify(await tokenRows())).toBe(rowsBefore);
    expect(await auditCount()).toBe(auditBefore);
    await refreshed(session.cookie);
  });

  it("a refresh whose Origin is another site is refused (403) and the cookie stays good; the service's own is accepted", async () => {
    const u = await loadLoginUser(t);
    const session = await browserLogin(u);
    const rowsBefore = JSON.stringify(await tokenRows());
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1.evil.example'])
      await expectProblem(refresh(session.cookie).set('Origin', origin), 403, 'FORBIDDEN');
    const foreignLogout = await logout(session.cookie).set('Origin', 'https://evil.example');
    await expectProblem(Promise.resolve(foreignLogout), 403, 'FORBIDDEN');
    expect(foreignLogout.headers['set-cookie']).toBeUndefined(); // the cookie is not cleared either
    expect(JSON.stringify(await tokenRows())).toBe(rowsBefore);
    const own = await expectStatus(
      refresh(session.cookie).set('Host', 'console.example:8443').set('Origin', 'https://console.example:8443'),
      200,
    );
    await refreshed(refreshCookieOf(own).value);
  });

  it('two refreshes at once with the same cookie: exactly one gets a new token, the other is a reuse and ends the session', async () => {
    const u = await loadLoginUser(t);
    const session = await browserLogin(u);
    const answers = await Promise.all([refresh(session.cookie), refresh(session.cookie)]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 401]);
    const winner = answers.find((a) => a.status === 200)!;
    await expectProblem(refresh(refreshCookieOf(winner).value), 401, 'UNAUTHENTICATED');
  });

  it('the OpenAPI document names the cookie on refresh and logout', async () => {
    const doc = (await expectStatus(request(server()).get('/api/docs-json'), 200)).body;
    expect(doc.components.securitySchemes[REFRESH_COOKIE]).toEqual({
      type: 'apiKey',
      in: 'cookie',
      name: REFRESH_COOKIE,
      description: 'HttpOnly, Secure, SameSite=Strict',
    });
    expect(doc.paths['/api/v1/auth/refresh'].post.security).toEqual([{ [REFRESH_COOKIE]: [] }]);
    expect(doc.paths['/api/v1/auth/logout'].post.security).toEqual([{ bearer: [] }, { [REFRESH_COOKIE]: [] }]);
  });

  it('refreshes are counted by outcome (eservices_session_refreshes_total)', async () => {
    const count = async (outcome: string): Promise<number> => {
      const text = (await expectStatus(request(server()).get('/metrics'), 200)).text;
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`eservices_session_refreshes_total{outcome="${outcome}"} `));
      return line ? Number(line.split(' ')[1]) : 0;
    };
    const before = { done: await count('done'), reused: await count('reused'), unknown: await count('unknown') };
    const u = await loadLoginUser(t);
    const session = await browserLogin(u);
    await refreshed(session.cookie);
    await expectProblem(refresh(session.cookie), 401);
    await expectProblem(refresh('garbage'), 401);
    expect({ done: await count('done'), reused: await count('reused'), unknown: await count('unknown') }).toEqual({
      done: before.done + 1,
      reused: before.reused + 1,
      unknown: before.unknown + 1,
    });
  });

  it('content security policy: the console policy everywhere, no inline script; the relaxed one on the tools only', async () => {
    const consolePolicy = cspHeader(CONSOLE_CSP);
    const toolsPolicy = cspHeader(TOOLS_CSP);
    const docs = await expectStatus(request(server()).get('/api/docs'), 200);
    expect(docs.headers['content-type']).toMatch(/^text\/html/);
    expect(docs.headers['content-security-policy']).toBe(toolsPolicy);
    const dashboard = await request(server()).get('/api/admin/queues');
    expect(dashboard.headers['content-security-policy']).toBe(toolsPolicy);
    for (const path of ['/tasks', '/eservices/new/DA3', '/api/v1/me', '/api/health', '/metrics', '/api/docs-json']) {
      const res = await request(server()).get(path);
      expect({ path, csp: res.headers['content-security-policy'] }).toEqual({ path, csp: consolePolicy });
    }
    expect(consolePolicy).toContain("script-src 'self';");
    expect(consolePolicy).not.toContain("unsafe-inline'; script");
    for (const directive of [
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ])
      expect(consolePolicy).toContain(directive);
  });
});

describe('Browser sessions: throttling and configuration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '3', SESSION_IDLE_MINUTES: '5', SESSION_MAX_HOURS: '1' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('the refresh route is throttled like the login: the 4th attempt in a minute from one address is 429', async () => {
    const server = t.app.getHttpServer();
    for (let i = 0; i < 3; i++) await expectProblem(request(server).post('/api/v1/auth/refresh'), 401);
    await expectProblem(request(server).post('/api/v1/auth/refresh'), 429, 'THROTTLED');
  });

  it('SESSION_IDLE_MINUTES and SESSION_MAX_HOURS set the timeouts', async () => {
    const u = await loadLoginUser(t);
    nextTotpStep(t);
    const first = await expectStatus(passwordStep(t, u.username), 200);
    const second = await expectStatus(
      otpStep(t, first.body.challengeId as string, await currentTotp(t.app, t.clock, u.username)),
      200,
    );
    expect(refreshCookieOf(second).line).toMatch(/Max-Age=3600(;|$)/);
    const rows = await t.app.get(DataSource).getRepository(RefreshToken).find();
    expect(rows).toHaveLength(1);
    expect(rows[0].expiresAt.getTime() - rows[0].createdAt.getTime()).toBe(5 * MINUTE);
  });
});
