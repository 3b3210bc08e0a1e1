import { Api, startTestApp, TestApp, USERS } from '../support/test-app';
import {
  bearer,
  emailCode,
  loadLoginUser,
  logInWith,
  nextTotpStep,
  otpStep,
  passwordStep,
  totpAt,
  wrongCode,
} from '../support/login';

/**
 * What users set for themselves (SPEC §11): their language, and their second login step —
 * an authenticator app enrolled by themselves (a QR code's otpauth URI, then its first code),
 * or codes by e-mail.
 */
describe('the caller’s own settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const as = async (username: string): Promise<Api> => bearer(t, (await logInWith(t, username)).token);

  describe('language', () => {
    it('is en by default, and the user sets zh-HK or en', async () => {
      const u = await loadLoginUser(t);
      const me = await as(u.username);
      expect((await me.get('/me')).body).toMatchObject({ language: 'en', otpChannel: 'totp' });
      const set = await me.patch('/me', { language: 'zh-HK' });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ language: 'zh-HK', otpChannel: 'totp' });
      expect((await me.get('/me')).body.language).toBe('zh-HK');
      expect((await me.patch('/me', { language: 'en' })).body.language).toBe('en');
    });

    it.each([{ language: 'fr' }, { language: 'zh-hk' }, { language: 7 }, { theme: 'dark' }])(
      'refuses %j with 400 and changes nothing',
      async (body) => {
        const u = await loadLoginUser(t);
        const me = await as(u.username);
        await me.patch('/me', { language: 'zh-HK' }).expect(200);
        expect((await me.patch('/me', body)).status).toBe(400);
        expect((await me.get('/me')).body.language).toBe('zh-HK');
      },
    );

    it('comes from the data file when a user is created, and a later load does not undo the user’s choice', async () => {
      const file = {
        operators: [
          {
            username: 'zh.operator@hkex.com.hk',
            name: 'ZH Operator',
            password: 'Demo!Passw0rd-2026',
            language: 'zh-HK',
          },
        ],
      };
      expect((await t.load(file)).rejected).toEqual([]);
      nextTotpStep(t);
      const first = await passwordStep(t, 'zh.operator@hkex.com.hk');
      const token = (await otpStep(t, first.body.challengeId, emailCode(first.body.challengeId))).body.accessToken;
      const me = bearer(t, token);
      expect((await me.get('/me')).body.language).toBe('zh-HK');
      await me.patch('/me', { language: 'en' }).expect(200);
      await t.load(file);
      expect((await me.get('/me')).body.language).toBe('en');
    });

    it('refuses a data file row with another language', async () => {
      const report = await t.load({ operators: [{ username: 'fr.operator@hkex.com.hk', name: 'FR', language: 'fr' }] });
      expect(report.rejected).toEqual([expect.objectContaining({ reason: 'language must be en or zh-HK' })]);
    });
  });

  describe('authenticator app enrolment', () => {
    it('shows a new secret, and makes it the channel only once its first code confirms it', async () => {
      const u = await loadLoginUser(t);
      const me = await as(u.username);
      const started = await me.post('/auth/totp/enrolment');
      expect(started.status).toBe(200);
      const { otpauthUri, secret } = started.body as { otpauthUri: string; secret: string };
      expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
      expect(otpauthUri).toContain(`secret=${secret}`);
      expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/HKEX%20Client%20Connect:/);
      expect(otpauthUri).toContain(encodeURIComponent(u.username));

      // Not yet confirmed: the old app still logs in.
      nextTotpStep(t);
      const before = await passwordStep(t, u.username);
      await otpStep(t, before.body.challengeId, await totpAt(u.secret!, t.clock.now())).expect(200);

      const right = await totpAt(secret, t.clock.now());
      const wrong = await me.post('/auth/totp/enrolment/confirm', { otp: wrongCode(right) });
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'otp' })]);
      const confirmed = await me.post('/auth/totp/enrolment/confirm', { otp: right });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toEqual({ language: 'en', otpChannel: 'totp' });

      // The new app logs in; the old one no longer does.
      nextTotpStep(t);
      const old = await passwordStep(t, u.username);
      expect((await otpStep(t, old.body.challengeId, await totpAt(u.secret!, t.clock.now()))).status).toBe(401);
      nextTotpStep(t);
      const fresh = await passwordStep(t, u.username);
      await otpStep(t, fresh.body.challengeId, await totpAt(secret, t.clock.now())).expect(200);
    });

    it('refuses a confirmation with no enrolment pending (409), and a code that is not 6 digits (400)', async () => {
      const u = await loadLoginUser(t);
      const me = await as(u.username);
      expect((await me.post('/auth/totp/enrolment/confirm', { otp: '123456' })).status).toBe(409);
      expect((await me.post('/auth/totp/enrolment/confirm', { otp: '12345' })).status).toBe(400);
    });

    it('lets a user whose codes come by e-mail enrol an app', async () => {
      const u = await loadLoginUser(t, { totp: false });
      const me = await as(u.username);
      expect((await me.get('/me')).body.otpChannel).toBe('email');
      const { secret } = (await me.post('/auth/totp/enrolment')).body as { secret: string };
      await me.post('/auth/totp/enrolment/confirm', { otp: await totpAt(secret, t.clock.now()) }).expect(200);
      nextTotpStep(t);
      expect((await passwordStep(t, u.username)).body.channel).toBe('totp');
    });

    it('is for the logged-in user only', async () => {
      expect((await bearer(t).post('/auth/totp/enrolment')).status).toBe(401);
    });
  });

  describe('codes by e-mail', () => {
    it('PUT /me/otp-channel {channel: "email"} forgets the app; the next login sends a code by e-mail', async () => {
      const u = await loadLoginUser(t);
      const me = await as(u.username);
      const chosen = await me.put('/me/otp-channel', { channel: 'email' });
      expect(chosen.status).toBe(200);
      expect(chosen.body.otpChannel).toBe('email');
      nextTotpStep(t);
      const next = await passwordStep(t, u.username);
      expect(next.body.channel).toBe('email');
      await otpStep(t, next.body.challengeId, emailCode(next.body.challengeId)).expect(200);
      const audit = await (await t.as(USERS.admin)).get(`/admin/audit?username=${encodeURIComponent(u.username)}`);
      expect(JSON.stringify(audit.body)).toContain('otp_channel_email');
    });

    it.each([{ channel: 'totp' }, { channel: 'sms' }, {}])('refuses %j with 400', async (body) => {
      const u = await loadLoginUser(t);
      const me = await as(u.username);
      expect((await me.put('/me/otp-channel', body)).status).toBe(400);
      expect((await me.get('/me')).body.otpChannel).toBe('totp');
    });
  });
});
