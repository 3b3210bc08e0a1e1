import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { API_PREFIX } from '../../src/app';
import { AppUser } from '../../src/auth/app-user.entity';
import { AUDIT_EVENTS } from '../../src/auth/audit-event.entity';
import { expectProblem, ProblemJson } from '../support/fixtures';
import {
  bearer,
  DAY,
  emailCode,
  failLogins,
  loadLoginUser,
  logInWith,
  LoginUser,
  MINUTE,
  NEW_PASSWORD,
  nextTotpStep,
  otpStep,
  outboxMails,
  passwordStep,
  TOTP_STEP_MS,
  totpAt,
  waitForMail,
  wrongCode,
} from '../support/login';
import { fillPath, nestRoutes, servedRoutes } from '../support/routes';
import { Api, DEMO_PASSWORD, expectStatus, startTestApp, TEST_JWT_SECRET, TestApp, USERS } from '../support/test-app';

/**
 * The exchange's 2FA login policy (SPEC §7; seeds: 2FA information package), every rule on
 * the injected clock, never by sleeping: two steps (password, then an OTP from the
 * authenticator app or by e-mail); codes used once; e-mailed codes valid 5 minutes, one per
 * 5 minutes; 5 consecutive failed logins within 30 minutes lock (three wrong OTPs count
 * as one); unknown names answered and locked like known ones; tokens revoked on logout,
 * password change and lock; passwords of ≥16 characters that expire after 90 days;
 * self-service reset; administrators unlock and reset OTP devices; the audit log. Then
 * the HTTP hardening around it: rate limit, security headers, CORS.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WRONG_PASSWORD = 'Wrong!Passw0rd-2026';
let unknownSeq = 0;
const unknownName = (): string => `nobody.${++unknownSeq}.${process.pid}@nowhere.example.com`;

/** A problem document without the request path it names, to compare two answers. */
const answerOf = (res: request.Response) => ({
  status: res.status,
  contentType: res.headers['content-type'],
  body: { ...(res.body as ProblemJson), instance: undefined },
});

describe('Login policy (SPEC §7)', () => {
  let t: TestApp;
  let admin: Api;
  let operator: Api;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.as(USERS.admin);
    operator = await t.as(USERS.operator);
  });
  afterAll(() => t.close());
  // Every test starts at the beginning of a TOTP time step the earlier tests have not used.
  beforeEach(() => nextTotpStep(t));

  const challengeOf = async (username: string): Promise<string> => {
    const res = await expectStatus(passwordStep(t, username), 200);
    return res.body.challengeId as string;
  };
  const codeNow = (u: LoginUser, stepsAway = 0): Promise<string> =>
    totpAt(u.secret!, new Date(t.clock.now().getTime() + stepsAway * TOTP_STEP_MS));
  const me = (token: string) => bearer(t, token).get('/me');
  const enc = encodeURIComponent;

  describe('two steps: the password, then a one-time password', () => {
    it('the right password gives a challenge, not a token; the authenticator code completes the login', async () => {
      const u = await loadLoginUser(t);
      const first = await expectStatus(passwordStep(t, u.username), 200);
      expect(first.body).toEqual({ otpRequired: true, challengeId: expect.stringMatching(UUID), channel: 'totp' });
      const second = await expectStatus(otpStep(t, first.body.challengeId, await codeNow(u)), 200);
      expect(second.body).toEqual({ accessToken: expect.any(String), expiresIn: expect.any(Number) });
      const who = await expectStatus(me(second.body.accessToken), 200);
      expect(who.body).toMatchObject({ username: u.username, kind: 'participant' });
    });

    it('a wrong code is refused (401) and gives no token', async () => {
      const u = await loadLoginUser(t);
      const challengeId = await challengeOf(u.username);
      const problem = await expectProblem(otpStep(t, challengeId, wrongCode(await codeNow(u))), 401, 'UNAUTHENTICATED');
      expect(problem).not.toHaveProperty('accessToken');
    });

    it('a TOTP code is accepted once: the same code for a second login is refused (replay)', async () => {
      const u = await loadLoginUser(t);
      const code = await codeNow(u);
      await expectStatus(otpStep(t, await challengeOf(u.username), code), 200);
      const again = await challengeOf(u.username);
      await expectProblem(otpStep(t, again, code), 401, 'UNAUTHENTICATED');
      // Nor is the code of an earlier step, though within the drift allowed.
      await expectProblem(otpStep(t, again, await codeNow(u, -1)), 401, 'UNAUTHENTICATED');
      // The next step's code is new: accepted.
      t.clock.advance(TOTP_STEP_MS);
      await expectStatus(otpStep(t, again, await codeNow(u)), 200);
    });

    it.each([
      [-2, 401],
      [-1, 200],
      [0, 200],
      [1, 200],
      [2, 401],
    ])('a code %i time steps away from the clock: %i (one step of drift either way)', async (steps, status) => {
      const u = await loadLoginUser(t);
      const res = await otpStep(t, await challengeOf(u.username), await codeNow(u, steps));
      expect(res.status).toBe(status);
    });
  });

  describe('OTP by e-mail (no authenticator app)', () => {
    it('the code is e-mailed to the user and completes the login', async () => {
      const u = await loadLoginUser(t, { totp: false });
      const first = await expectStatus(passwordStep(t, u.username), 200);
      expect(first.body).toEqual({ otpRequired: true, challengeId: expect.stringMatching(UUID), channel: 'email' });
      const challengeId = first.body.challengeId as string;
      const mail = await waitForMail(t, `otp-${challengeId}`);
      expect(mail).toContain(u.username);
      expect(mail).toContain(emailCode(challengeId));
      await expectProblem(otpStep(t, challengeId, wrongCode(emailCode(challengeId))), 401, 'UNAUTHENTICATED');
      const second = await expectStatus(otpStep(t, challengeId, emailCode(challengeId)), 200);
      await expectStatus(me(second.body.accessToken), 200);
    });

    it('one code per 5 minutes: a login within 5 minutes answers the same challenge and sends no second e-mail', async () => {
      const u = await loadLoginUser(t, { totp: false });
      const first = await challengeOf(u.username);
      t.clock.advance(4 * MINUTE + 30_000);
      expect(await challengeOf(u.username)).toBe(first);
      await waitForMail(t, `otp-${first}`);
      expect(outboxMails(t, 'otp-').filter((m) => m.includes(u.username))).toHaveLength(1);
      // After 5 minutes a new code is sent; the first one is no longer valid.
      t.clock.advance(MINUTE);
      const next = await challengeOf(u.username);
      expect(next).not.toBe(first);
      await expectProblem(otpStep(t, first, emailCode(first)), 401, 'UNAUTHENTICATED');
      await expectStatus(otpStep(t, next, emailCode(next)), 200);
    });

    it('an e-mailed code is valid for 5 minutes', async () => {
      const onTime = await loadLoginUser(t, { totp: false });
      const late = await loadLoginUser(t, { totp: false });
      const a = await challengeOf(onTime.username);
      const b = await challengeOf(late.username);
      t.clock.advance(4 * MINUTE + 59_000);
      await expectStatus(otpStep(t, a, emailCode(a)), 200);
      t.clock.advance(1_000);
      await expectProblem(otpStep(t, b, emailCode(b)), 401, 'UNAUTHENTICATED');
    });

    it('an e-mailed code is used once', async () => {
      const u = await loadLoginUser(t, { totp: false });
      const challengeId = await challengeOf(u.username);
      await expectStatus(otpStep(t, challengeId, emailCode(challengeId)), 200);
      await expectProblem(otpStep(t, challengeId, emailCode(challengeId)), 401, 'UNAUTHENTICATED');
    });
  });

  describe('lockout: 5 consecutive failed logins within 30 minutes', () => {
    it('lock the account; then the right password gets ACCOUNT_LOCKED, the very answer a wrong one gets', async () => {
      const u = await loadLoginUser(t);
      for (let i = 0; i < 4; i++) {
        await expectProblem(passwordStep(t, u.username, WRONG_PASSWORD), 401, 'UNAUTHENTICATED');
        t.clock.advance(5 * MINUTE);
      }
      const pending = await challengeOf(u.username);
      await expectProblem(passwordStep(t, u.username, WRONG_PASSWORD), 401, 'ACCOUNT_LOCKED');
      const right = await passwordStep(t, u.username);
      const wrong = await passwordStep(t, u.username, WRONG_PASSWORD);
      await expectProblem(Promise.resolve(right), 401, 'ACCOUNT_LOCKED');
      expect(answerOf(right)).toEqual(answerOf(wrong));
      // A challenge taken before the lock cannot finish the login either.
      await expectProblem(otpStep(t, pending, await codeNow(u)), 401, 'ACCOUNT_LOCKED');
    });

    it('counts every one of concurrent wrong passwords, none answered 500', async () => {
      const u = await loadLoginUser(t);
      const answers = await Promise.all([1, 2, 3, 4].map(() => passwordStep(t, u.username, WRONG_PASSWORD)));
      expect(answers.map((a) => [a.status, a.body.code])).toEqual(Array(4).fill([401, 'UNAUTHENTICATED']));
      // Four were counted: the fifth locks.
      await expectProblem(passwordStep(t, u.username, WRONG_PASSWORD), 401, 'ACCOUNT_LOCKED');
    });

    it('failures spread over more than 30 minutes do not lock', async () => {
      const u = await loadLoginUser(t);
      for (let i = 0; i < 6; i++) {
        await expectProblem(passwordStep(t, u.username, WRONG_PASSWORD), 401, 'UNAUTHENTICATED');
        t.clock.advance(8 * MINUTE);
      }
      await logInWith(t, u.username);
    });

    it('five consecutive failures inside 30 minutes lock, also when they straddle the end of the first failure’s window', async () => {
      const u = await loadLoginUser(t);
      await expectProblem(passwordStep(t, u.username, WRONG_PASSWORD), 401, 'UNAUTHENTICATED');
      t.clock.advance(29 * MINUTE);
      await failLogins(t, u.username, 3);
      t.clock.advance(90_000);
      // Failures 2 to 6 fall within 90 seconds of each other.
      await expectProblem(passwordStep(t, u.username, WRONG_PASSWORD), 401, 'UNAUTHENTICATED');
      await expectProblem(passwordStep(t, u.username, WRONG_PASSWORD), 401, 'ACCOUNT_LOCKED');
    });

    it('a completed login starts the count again', async () => {
      const u = await loadLoginUser(t);
      await failLogins(t, u.username, 4);
      await logInWith(t, u.username);
      await failLogins(t, u.username, 3);
      await expectProblem(passwordStep(t, u.username, WRONG_PASSWORD), 401, 'UNAUTHENTICATED');
      await expectProblem(passwordStep(t, u.username, WRONG_PASSWORD), 401, 'ACCOUNT_LOCKED');
    });

    it('three wrong OTPs count as one failed login', async () => {
      const u = await loadLoginUser(t);
      await failLogins(t, u.username, 4);
      const challengeId = await challengeOf(u.username);
      const bad = wrongCode(await codeNow(u), await codeNow(u, -1), await codeNow(u, 1));
      await expectProblem(otpStep(t, challengeId, bad), 401, 'UNAUTHENTICATED');
      await expectProblem(otpStep(t, challengeId, bad), 401, 'UNAUTHENTICATED');
      await expectProblem(otpStep(t, challengeId, bad), 401, 'ACCOUNT_LOCKED');
      await expectProblem(passwordStep(t, u.username), 401, 'ACCOUNT_LOCKED');
    });

    it('a challenge is spent by three wrong OTPs (the right code is then refused), and two wrong ones do not count', async () => {
      const u = await loadLoginUser(t);
      const bad = wrongCode(await codeNow(u), await codeNow(u, -1), await codeNow(u, 1));
      const spent = await challengeOf(u.username);
      for (let i = 0; i < 3; i++) await expectProblem(otpStep(t, spent, bad), 401, 'UNAUTHENTICATED');
      await expectProblem(otpStep(t, spent, await codeNow(u)), 401, 'UNAUTHENTICATED');
      // Four more failed logins make five with the three wrong OTPs: locked.
      for (let round = 0; round < 4; round++) {
        const challengeId = await challengeOf(u.username);
        for (let i = 0; i < 2; i++) await expectProblem(otpStep(t, challengeId, bad), 401, 'UNAUTHENTICATED');
        const third = await otpStep(t, challengeId, bad);
        expect(third.body.code).toBe(round < 3 ? 'UNAUTHENTICATED' : 'ACCOUNT_LOCKED');
      }
      const other = await loadLoginUser(t);
      const challengeId = await challengeOf(other.username);
      for (let i = 0; i < 2; i++) await expectProblem(otpStep(t, challengeId, bad), 401, 'UNAUTHENTICATED');
      await expectStatus(otpStep(t, challengeId, await codeNow(other)), 200);
    });
  });

  describe('unknown login names', () => {
    it('get exactly the answer of a known name with a wrong password', async () => {
      const known = await loadLoginUser(t);
      const wrong = await passwordStep(t, known.username, WRONG_PASSWORD);
      const unknown = await passwordStep(t, unknownName(), WRONG_PASSWORD);
      const unknownDemoPassword = await passwordStep(t, unknownName(), DEMO_PASSWORD);
      expect(wrong.body.code).toBe('UNAUTHENTICATED');
      expect(answerOf(unknown)).toEqual(answerOf(wrong));
      expect(answerOf(unknownDemoPassword)).toEqual(answerOf(wrong));
    });

    it('are locked after 5 failures like a known name, with the same answer', async () => {
      const known = await loadLoginUser(t);
      const name = unknownName();
      const knownAnswers = [];
      const unknownAnswers = [];
      for (let i = 0; i < 6; i++) {
        knownAnswers.push(answerOf(await passwordStep(t, known.username, WRONG_PASSWORD)));
        unknownAnswers.push(answerOf(await passwordStep(t, name, WRONG_PASSWORD)));
      }
      expect(unknownAnswers).toEqual(knownAnswers);
      expect(knownAnswers.map((a) => a.body.code)).toEqual([
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'ACCOUNT_LOCKED',
        'ACCOUNT_LOCKED',
      ]);
    });
  });

  describe('unlocking', () => {
    it('an administrator unlocks a locked account; the user logs in, and the count starts over', async () => {
      const u = await loadLoginUser(t);
      await failLogins(t, u.username, 5);
      await expectProblem(passwordStep(t, u.username), 401, 'ACCOUNT_LOCKED');
      await expectStatus(admin.post(`/admin/users/${enc(u.username)}/unlock`), 204);
      await failLogins(t, u.username, 4);
      await logInWith(t, u.username);
    });

    it('an operator cannot unlock (403), nor can a participant; the account stays locked', async () => {
      const u = await loadLoginUser(t);
      await failLogins(t, u.username, 5);
      await expectProblem(operator.post(`/admin/users/${enc(u.username)}/unlock`), 403, 'FORBIDDEN');
      const maker = await t.as(USERS.maker);
      await expectProblem(maker.post(`/admin/users/${enc(u.username)}/unlock`), 403, 'FORBIDDEN');
      await expectProblem(bearer(t).post(`/admin/users/${enc(u.username)}/unlock`), 401, 'UNAUTHENTICATED');
      await expectProblem(passwordStep(t, u.username), 401, 'ACCOUNT_LOCKED');
    });
  });

  describe('tokens expire', () => {
    /** The claims of a real token of the user, signed again with another expiry. */
    const resigned = async (expiresInSeconds: number): Promise<string> => {
      const u = await loadLoginUser(t);
      const token = (await logInWith(t, u.username)).token;
      const signer = new JwtService({ secret: TEST_JWT_SECRET });
      const { iat: _iat, exp: _exp, ...claims } = signer.decode<Record<string, unknown>>(token);
      return signer.sign(claims, { algorithm: 'HS256', expiresIn: expiresInSeconds });
    };

    it('an expired token is 401', async () => {
      await expectProblem(me(await resigned(-1)), 401, 'UNAUTHENTICATED');
    });

    it('a token used while valid is refused once it expires (no verification is remembered past it)', async () => {
      const token = await resigned(2);
      await expectStatus(me(token), 200);
      await new Promise((r) => setTimeout(r, 2_100));
      await expectProblem(me(token), 401, 'UNAUTHENTICATED');
    });
  });

  describe('tokens are revoked', () => {
    it('on logout: the token used and every other token of the user', async () => {
      const u = await loadLoginUser(t);
      const a = (await logInWith(t, u.username)).token;
      const b = (await logInWith(t, u.username)).token;
      await expectStatus(me(a), 200);
      await expectStatus(me(b), 200);
      await expectStatus(bearer(t, a).post('/auth/logout'), 204);
      await expectProblem(me(a), 401, 'UNAUTHENTICATED');
      await expectProblem(me(b), 401, 'UNAUTHENTICATED');
      await expectProblem(bearer(t, a).post('/auth/logout'), 401, 'UNAUTHENTICATED');
    });

    it('on a password change: every earlier token; the old password no longer logs in', async () => {
      const u = await loadLoginUser(t);
      const a = (await logInWith(t, u.username)).token;
      const b = (await logInWith(t, u.username)).token;
      await expectStatus(
        bearer(t, a).post('/auth/password', {
          currentPassword: DEMO_PASSWORD,
          newPassword: NEW_PASSWORD,
          confirmPassword: NEW_PASSWORD,
        }),
        204,
      );
      await expectProblem(me(a), 401, 'UNAUTHENTICATED');
      await expectProblem(me(b), 401, 'UNAUTHENTICATED');
      await expectProblem(passwordStep(t, u.username), 401, 'UNAUTHENTICATED');
      await expectStatus(me((await logInWith(t, u.username, NEW_PASSWORD)).token), 200);
    });

    it('on a lock: a token issued before is refused, also after the unlock', async () => {
      const u = await loadLoginUser(t);
      const token = (await logInWith(t, u.username)).token;
      await expectStatus(me(token), 200);
      await failLogins(t, u.username, 5);
      await expectProblem(me(token), 401, 'UNAUTHENTICATED');
      await expectStatus(admin.post(`/admin/users/${enc(u.username)}/unlock`), 204);
      await expectProblem(me(token), 401, 'UNAUTHENTICATED');
    });

    it('by another process (the token version raised in the database): refused once CALLER_CACHE_MS passed', async () => {
      const u = await loadLoginUser(t);
      const token = (await logInWith(t, u.username)).token;
      await expectStatus(me(token), 200); // now known to this process
      await t.app
        .get(DataSource)
        .createQueryBuilder()
        .update(AppUser)
        .set({ tokenVersion: () => '"tokenVersion" + 1' })
        .where('username = :name', { name: u.username })
        .execute();
      const revokedAt = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - revokedAt < 5_000) {
        status = (await me(token)).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe(401);
      // The default CALLER_CACHE_MS is 1,000: a little more for a slow machine.
      expect(Date.now() - revokedAt).toBeLessThan(2_000);
    });

    it('a token that is not ours, or is tampered with, is 401', async () => {
      const u = await loadLoginUser(t);
      const token = (await logInWith(t, u.username)).token;
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'full', tv: 99 })).toString('base64url');
      await expectProblem(me(`${header}.${forged}.${signature}`), 401, 'UNAUTHENTICATED');
      const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      await expectProblem(me(`${none}.${payload}.`), 401, 'UNAUTHENTICATED');
      await expectProblem(me('not-a-token'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('changing the password', () => {
    let u: LoginUser;
    let token: string;
    beforeAll(async () => {
      u = await loadLoginUser(t);
      token = (await logInWith(t, u.username)).token;
    });
    const change = (body: object) => bearer(t, token).post('/auth/password', body);

    it.each([
      ['15 characters', 'Abcdefghij1!xyz', 'at least 16 characters'],
      ['no number', 'Abcdefghijklmno!', 'a number'],
      ['no lower-case letter', 'ABCDEFGHIJKLMN1!', 'a lower-case letter'],
      ['no capital letter', 'abcdefghijklmn1!', 'a capital letter'],
      ['no character of !@#$%^&*()', 'Abcdefghijklmn1-', 'one of !@#$%^&*()'],
    ])('a new password with %s (%s) is refused (400: newPassword needs %s)', async (_, next, reason) => {
      const problem = await expectProblem(
        change({ currentPassword: DEMO_PASSWORD, newPassword: next, confirmPassword: next }),
        400,
        'VALIDATION',
      );
      expect(problem.errors).toEqual([{ field: 'newPassword', message: `needs ${reason}` }]);
      await expectStatus(me(token), 200);
    });

    it('the confirmation must match (400 on confirmPassword)', async () => {
      const problem = await expectProblem(
        change({ currentPassword: DEMO_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: `${NEW_PASSWORD}x` }),
        400,
        'VALIDATION',
      );
      expect(problem.errors).toEqual([{ field: 'confirmPassword', message: expect.any(String) }]);
    });

    it('the new password must differ from the current one (400)', async () => {
      const problem = await expectProblem(
        change({ currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD, confirmPassword: DEMO_PASSWORD }),
        400,
        'VALIDATION',
      );
      expect(problem.errors).toEqual([{ field: 'newPassword', message: 'must differ from the current password' }]);
    });

    it('a wrong current password is refused (400 on currentPassword)', async () => {
      const problem = await expectProblem(
        change({ currentPassword: WRONG_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }),
        400,
        'VALIDATION',
      );
      expect(problem.errors).toEqual([{ field: 'currentPassword', message: 'incorrect' }]);
    });

    it('after all those refusals the token and the password are as they were; 16 characters of every kind pass', async () => {
      await expectStatus(me(token), 200);
      const next = 'Abcdefghijk1!xyZ';
      expect(next).toHaveLength(16);
      await expectStatus(change({ currentPassword: DEMO_PASSWORD, newPassword: next, confirmPassword: next }), 204);
      await logInWith(t, u.username, next);
    });
  });

  describe('self-service password reset (information package, Appendix D b)', () => {
    const reset = (username: string) =>
      request(t.app.getHttpServer()).post('/api/v1/auth/password-reset').send({ username });
    const confirm = (body: object) =>
      request(t.app.getHttpServer()).post('/api/v1/auth/password-reset/confirm').send(body);

    it('a user with an authenticator app: the e-mailed code, the app code and the new password twice', async () => {
      const u = await loadLoginUser(t);
      const before = (await logInWith(t, u.username)).token;
      const answer = await expectStatus(reset(u.username), 202);
      expect(answer.body).toEqual({ challengeId: expect.stringMatching(UUID) });
      const challengeId = answer.body.challengeId as string;
      expect(await waitForMail(t, `otp-${challengeId}`)).toContain(emailCode(challengeId));
      nextTotpStep(t);
      const codes = { challengeId, emailOtp: emailCode(challengeId), totp: await codeNow(u) };
      const twice = { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };
      await expectProblem(confirm({ ...codes, ...twice, confirmPassword: 'Something!Else123' }), 400, 'VALIDATION');
      await expectProblem(confirm({ ...codes, ...twice, emailOtp: wrongCode(codes.emailOtp) }), 401, 'UNAUTHENTICATED');
      await expectProblem(confirm({ ...codes, ...twice, totp: wrongCode(codes.totp) }), 401, 'UNAUTHENTICATED');
      await expectStatus(confirm({ ...codes, ...twice }), 204);
      await expectProblem(confirm({ ...codes, ...twice }), 401, 'UNAUTHENTICATED');
      await expectProblem(me(before), 401, 'UNAUTHENTICATED');
      await expectProblem(passwordStep(t, u.username), 401, 'UNAUTHENTICATED');
      await logInWith(t, u.username, NEW_PASSWORD);
    });

    it('the same 202 answer for a user without an authenticator app and for an unknown name; neither can be confirmed', async () => {
      const withApp = await loadLoginUser(t);
      const emailOnly = await loadLoginUser(t, { totp: false });
      const answers = [];
      for (const name of [withApp.username, emailOnly.username, unknownName()]) {
        const res = await reset(name);
        answers.push({ status: res.status, contentType: res.headers['content-type'], keys: Object.keys(res.body) });
        expect(res.body.challengeId).toMatch(UUID);
      }
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);

      const refusedForApp = await confirm({
        challengeId: (await reset(withApp.username)).body.challengeId,
        emailOtp: '000000',
        totp: '000000',
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });
      for (const name of [emailOnly.username, unknownName()]) {
        const { challengeId } = (await expectStatus(reset(name), 202)).body as { challengeId: string };
        const res = await confirm({
          challengeId,
          emailOtp: emailCode(challengeId),
          totp: '000000',
          newPassword: NEW_PASSWORD,
          confirmPassword: NEW_PASSWORD,
        });
        await expectProblem(Promise.resolve(res), 401, 'UNAUTHENTICATED');
        expect(answerOf(res)).toEqual(answerOf(refusedForApp));
        expect(outboxMails(t, `otp-${challengeId}`)).toEqual([]);
      }
      await logInWith(t, emailOnly.username);
    });

    it('asking twice answers alike for every name: the challenge ids do not tell who has an authenticator app', async () => {
      const withApp = await loadLoginUser(t);
      const emailOnly = await loadLoginUser(t, { totp: false });
      const unknown = unknownName();
      const sameTwice: Record<string, boolean> = {};
      for (const [who, name] of [
        ['with an authenticator app', withApp.username],
        ['e-mail only', emailOnly.username],
        ['unknown', unknown],
      ]) {
        const first = (await expectStatus(reset(name), 202)).body.challengeId as string;
        const second = (await expectStatus(reset(name), 202)).body.challengeId as string;
        sameTwice[who] = first === second;
      }
      const alike = sameTwice['with an authenticator app'];
      expect(sameTwice).toEqual({ 'with an authenticator app': alike, 'e-mail only': alike, unknown: alike });
    });
  });

  describe('OTP device reset by an administrator', () => {
    it('the next login goes by e-mail', async () => {
      const u = await loadLoginUser(t);
      await expectStatus(admin.post(`/admin/users/${enc(u.username)}/otp-reset`), 204);
      const first = await expectStatus(passwordStep(t, u.username), 200);
      expect(first.body.channel).toBe('email');
      const challengeId = first.body.challengeId as string;
      await expectProblem(otpStep(t, challengeId, await codeNow(u)), 401, 'UNAUTHENTICATED');
      await expectStatus(otpStep(t, challengeId, emailCode(challengeId)), 200);
    });

    it('operators and participants may not (403), the device stays; an unknown user is 404', async () => {
      const u = await loadLoginUser(t);
      await expectProblem(operator.post(`/admin/users/${enc(u.username)}/otp-reset`), 403, 'FORBIDDEN');
      const checker = await t.as(USERS.checker);
      await expectProblem(checker.post(`/admin/users/${enc(u.username)}/otp-reset`), 403, 'FORBIDDEN');
      expect((await expectStatus(passwordStep(t, u.username), 200)).body.channel).toBe('totp');
      await expectProblem(admin.post(`/admin/users/${enc(unknownName())}/otp-reset`), 404, 'NOT_FOUND');
    });
  });

  describe('the audit log (GET /admin/audit)', () => {
    interface AuditItem {
      id: number;
      at: string;
      event: string;
      username: string;
      detail: string | null;
    }
    const auditOf = async (api: Api, query: string): Promise<{ items: AuditItem[]; total: number }> =>
      (await expectStatus(api.get(`/admin/audit?${query}`), 200)).body as { items: AuditItem[]; total: number };
    const reset = (username: string) =>
      request(t.app.getHttpServer()).post('/api/v1/auth/password-reset').send({ username });

    it('lists every kind of authentication event of a user, newest first, and never an e-mailed code', async () => {
      const u = await loadLoginUser(t);
      const codes: string[] = [];
      const token = (await logInWith(t, u.username)).token; // login_ok
      await expectStatus(bearer(t, token).post('/auth/logout'), 204); // logout
      const challengeId = await challengeOf(u.username);
      await expectProblem(otpStep(t, challengeId, wrongCode(await codeNow(u))), 401); // otp_failed
      await failLogins(t, u.username, 5); // login_failed, locked
      await expectStatus(admin.post(`/admin/users/${enc(u.username)}/unlock`), 204); // unlocked
      const again = (await logInWith(t, u.username)).token;
      await expectStatus(
        bearer(t, again).post('/auth/password', {
          currentPassword: DEMO_PASSWORD,
          newPassword: NEW_PASSWORD,
          confirmPassword: NEW_PASSWORD,
        }),
        204,
      ); // password_changed
      const resetId = (await expectStatus(reset(u.username), 202)).body.challengeId as string;
      codes.push(emailCode(resetId));
      nextTotpStep(t);
      await expectStatus(
        request(t.app.getHttpServer())
          .post('/api/v1/auth/password-reset/confirm')
          .send({
            challengeId: resetId,
            emailOtp: emailCode(resetId),
            totp: await codeNow(u),
            newPassword: DEMO_PASSWORD,
            confirmPassword: DEMO_PASSWORD,
          }),
        204,
      ); // password_reset
      await expectStatus(admin.post(`/admin/users/${enc(u.username)}/otp-reset`), 204); // otp_reset
      const emailChallenge = await challengeOf(u.username);
      codes.push(emailCode(emailChallenge));
      const lastLogin = await expectStatus(otpStep(t, emailChallenge, emailCode(emailChallenge)), 200);
      const last = lastLogin.body.accessToken as string;
      const { secret } = (await expectStatus(bearer(t, last).post('/auth/totp/enrolment'), 200)).body as {
        secret: string;
      };
      nextTotpStep(t);
      const enrolCode = await totpAt(secret, t.clock.now());
      await expectStatus(bearer(t, last).post('/auth/totp/enrolment/confirm', { otp: enrolCode }), 200); // otp_enrolled
      await expectStatus(bearer(t, last).put('/me/otp-channel', { channel: 'email' }), 200); // otp_channel_email
      // The browser session of that login: its refresh cookie used twice.
      const cookie = ([] as string[]).concat(lastLogin.headers['set-cookie'] ?? [])[0].split(';')[0];
      const refresh = () => request(t.app.getHttpServer()).post('/api/v1/auth/refresh').set('Cookie', cookie);
      await expectStatus(refresh(), 200);
      await expectProblem(refresh(), 401, 'UNAUTHENTICATED'); // refresh_token_reused

      const log = await auditOf(admin, `username=${enc(u.username)}&pageSize=200`);
      const expected = [
        'otp_enrolled',
        'otp_channel_email',
        'login_ok',
        'login_failed',
        'otp_failed',
        'locked',
        'unlocked',
        'logout',
        'password_changed',
        'password_reset',
        'otp_reset',
        'refresh_token_reused',
      ];
      expect([...AUDIT_EVENTS].sort()).toEqual([...expected].sort());
      expect([...new Set(log.items.map((i) => i.event))].sort()).toEqual([...expected].sort());
      expect(log.items.every((i) => i.username === u.username)).toBe(true);
      const ids = log.items.map((i) => i.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      const locked = await auditOf(operator, `event=locked&username=${enc(u.username)}`);
      expect(locked.items.map((i) => i.event)).toEqual(['locked']);

      // The whole log, every page: no e-mailed code, no password.
      const all: AuditItem[] = [];
      for (let page = 1; ; page++) {
        const chunk = await auditOf(admin, `page=${page}&pageSize=200`);
        all.push(...chunk.items);
        if (all.length >= chunk.total || chunk.items.length === 0) break;
      }
      const text = JSON.stringify(all);
      for (const secret of [...codes, DEMO_PASSWORD, NEW_PASSWORD]) expect(text).not.toContain(secret);
    });

    it('participants get 403, anonymous callers 401; operators and administrators read it', async () => {
      for (const who of [USERS.maker, USERS.checker, USERS.noRight, USERS.otherMaker]) {
        await expectProblem((await t.as(who)).get('/admin/audit'), 403, 'FORBIDDEN');
      }
      await expectProblem(bearer(t).get('/admin/audit'), 401, 'UNAUTHENTICATED');
      await auditOf(operator, 'pageSize=1');
      await auditOf(admin, 'pageSize=1');
    });
  });

  describe('the queue dashboard’s password login follows the same policy', () => {
    const dashboard = () => request(t.app.getHttpServer()).get('/api/admin/queues/api/queues');

    /** The password followed by the authenticator's current code (each code once: the clock moves a step). */
    const secretOf = async (u: { secret: string | null }): Promise<string> => {
      nextTotpStep(t);
      return DEMO_PASSWORD + (await totpAt(u.secret!, t.clock.now()));
    };

    it('a locked operator cannot use the dashboard; the password alone is not enough', async () => {
      const op = await loadLoginUser(t, { kind: 'operator' });
      expect((await dashboard().auth(op.username, DEMO_PASSWORD)).status).toBe(401);
      await expectStatus(dashboard().auth(op.username, await secretOf(op)), 200);
      const other = await loadLoginUser(t, { kind: 'operator' });
      await failLogins(t, other.username, 5);
      expect((await dashboard().auth(other.username, await secretOf(other))).status).toBe(401);
    });

    it('wrong passwords at the dashboard count as failed logins: 5 lock the account', async () => {
      const op = await loadLoginUser(t, { kind: 'operator' });
      for (let i = 0; i < 5; i++)
        expect((await dashboard().auth(op.username, `${WRONG_PASSWORD}${i}`)).status).toBe(401);
      await expectProblem(passwordStep(t, op.username), 401, 'ACCOUNT_LOCKED');
    });
  });
});

describe('Password expiry after 90 days (SPEC §7)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('at 89 days the login is as usual; after 90 the token only allows changing the password, GET /me and logout', async () => {
    const u = await loadLoginUser(t);
    t.clock.advance(89 * DAY);
    const fresh = await logInWith(t, u.username);
    expect(fresh.passwordChangeRequired).toBe(false);
    await expectStatus(bearer(t, fresh.token).get('/eservices'), 200);

    t.clock.advance(DAY + MINUTE);
    const expired = await logInWith(t, u.username);
    expect(expired.passwordChangeRequired).toBe(true);
    const api = bearer(t, expired.token);
    await expectStatus(api.get('/me'), 200);

    // Every other route that needs a token refuses it, whatever it is called on.
    const routes = nestRoutes(t.app, servedRoutes(t.app), API_PREFIX).filter((r) => !r.isPublic);
    // Logout is not among them: it is public (the refresh cookie alone may end a session) and
    // accepts an expired password's token itself (below).
    const allowed = ['GET /api/v1/me', 'POST /api/v1/auth/password'];
    expect(
      routes
        .filter((r) => r.allowedWithExpiredPassword)
        .map((r) => r.key)
        .sort(),
    ).toEqual(allowed);
    const params = {
      id: '00000000-0000-4000-8000-000000000000',
      action: 'submit',
      username: USERS.maker,
      clearingHouse: 'HKSCC',
      participantId: 'B01234',
    };
    const refused = routes.filter((r) => !allowed.includes(r.key));
    expect(refused.length).toBeGreaterThan(10);
    for (const r of refused) {
      const path = fillPath(r.path, params);
      const method = r.method.toLowerCase() as 'get' | 'post' | 'patch';
      let req = request(t.app.getHttpServer())[method](path).set('Authorization', `Bearer ${expired.token}`);
      if (r.method !== 'GET') req = req.send({});
      const problem = await expectProblem(req, 403, 'PASSWORD_EXPIRED');
      expect(problem.detail).toContain('/auth/password');
    }

    // Logging out is allowed (and revokes it).
    const another = await logInWith(t, u.username);
    await expectStatus(bearer(t, another.token).post('/auth/logout'), 204);

    const fresher = await logInWith(t, u.username);
    await expectStatus(
      bearer(t, fresher.token).post('/auth/password', {
        currentPassword: DEMO_PASSWORD,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      }),
      204,
    );
    const renewed = await logInWith(t, u.username, NEW_PASSWORD);
    expect(renewed.passwordChangeRequired).toBe(false);
    await expectStatus(bearer(t, renewed.token).get('/eservices'), 200);
  });
});

describe('HTTP hardening of the login (SPEC §9)', () => {
  let limited: TestApp;
  let open: TestApp;
  const PORTAL = 'https://portal.example';
  beforeAll(async () => {
    limited = await startTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '5', CORS_ORIGINS: PORTAL } });
    open = await startTestApp({ env: { CORS_ORIGINS: undefined } });
  });
  afterAll(async () => {
    await limited.close();
    await open.close();
  });

  it('the 6th login attempt within a minute from one address is 429 problem+json, even with the right password', async () => {
    for (let i = 0; i < 5; i++) await expectProblem(passwordStep(limited, unknownName(), WRONG_PASSWORD), 401);
    await expectProblem(passwordStep(limited, USERS.maker), 429, 'THROTTLED');
    // The second step has a limit of its own.
    for (let i = 0; i < 5; i++)
      await expectProblem(otpStep(limited, '00000000-0000-4000-8000-000000000000', '123456'), 401);
    await expectProblem(otpStep(limited, '00000000-0000-4000-8000-000000000000', '123456'), 429, 'THROTTLED');
  });

  it('security headers on every kind of answer: nosniff, no framing, a CSP', async () => {
    const server = open.app.getHttpServer();
    const answers: [string, request.Response][] = [
      ['health', await request(server).get('/api/health')],
      ['401 problem', await request(server).get('/api/v1/me')],
      ['400 problem', await request(server).post('/api/v1/auth/login').send({ username: 'x' })],
      ['OpenAPI page', await request(server).get('/api/docs')],
      ['dashboard login', await request(server).get('/api/admin/queues/api/queues')],
      ['unknown route', await request(server).get('/api/v1/no-such-route')],
    ];
    for (const [what, res] of answers) {
      const h = res.headers;
      const frameAncestors = /frame-ancestors 'none'/.test(String(h['content-security-policy']));
      const xfo = /^(DENY|SAMEORIGIN)$/i.test(String(h['x-frame-options']));
      expect({
        what,
        nosniff: h['x-content-type-options'],
        noFraming: frameAncestors || xfo,
        csp: /default-src 'self'/.test(String(h['content-security-policy'])),
        poweredBy: h['x-powered-by'],
      }).toEqual({ what, nosniff: 'nosniff', noFraming: true, csp: true, poweredBy: undefined });
    }
  });

  it('CORS with CORS_ORIGINS: a preflight from that origin is allowed, from another origin it is not', async () => {
    const server = limited.app.getHttpServer();
    const preflight = (origin: string) =>
      request(server)
        .options('/api/v1/eservices')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
    const allowed = await preflight(PORTAL);
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(allowed.headers['access-control-allow-methods']).toContain('POST');
    expect(String(allowed.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();

    const other = await preflight('https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await request(server).get('/api/health').set('Origin', 'https://evil.example');
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const fromPortal = await request(server).get('/api/health').set('Origin', PORTAL);
    expect(fromPortal.headers['access-control-allow-origin']).toBe(PORTAL);
  });

  it('CORS without CORS_ORIGINS: no origin gets an Access-Control-Allow-Origin', async () => {
    const server = open.app.getHttpServer();
    const preflight = await request(server)
      .options('/api/v1/auth/login')
      .set('Origin', PORTAL)
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await request(server).get('/api/health').set('Origin', PORTAL);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });
});
