import request from 'supertest';
import { emailOtpFor } from '../../src/auth/one-time-passwords';
import { expectStatus, startTestApp, TEST_JWT_SECRET, TestApp } from '../support/test-app';

const NEW_PASSWORD = 'First#Passw0rd-2026';

/** Information package, Appendix C: a user's first logon sets the password (e-mailed code, password twice). */
describe('First-time set-up of a password', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await startTestApp();
    const report = await t.load({
      companies: [
        {
          name: 'ABC Company',
          users: [{ username: 'newcomer@bank.com.hk', name: 'New Comer', rights: ['EU_UserMaintenance'] }],
        },
      ],
    });
    expect(report.rejected).toEqual([]);
  });
  afterAll(() => t.close());

  it('a user loaded without a password cannot log in until they set one with the e-mailed code', async () => {
    const refused = await http()
      .post('/api/v1/auth/login')
      .send({ username: 'newcomer@bank.com.hk', password: NEW_PASSWORD });
    expect(refused.status).toBe(401);

    const { challengeId } = (
      await expectStatus(http().post('/api/v1/auth/password-reset').send({ username: 'newcomer@bank.com.hk' }), 202)
    ).body as { challengeId: string };
    const mismatch = await http()
      .post('/api/v1/auth/password-reset/confirm')
      .send({
        challengeId,
        emailOtp: emailOtpFor(TEST_JWT_SECRET, challengeId),
        newPassword: NEW_PASSWORD,
        confirmPassword: 'Other#Passw0rd-2026',
      });
    expect(mismatch.status).toBe(400);
    await expectStatus(
      http()
        .post('/api/v1/auth/password-reset/confirm')
        .send({
          challengeId,
          emailOtp: emailOtpFor(TEST_JWT_SECRET, challengeId),
          newPassword: NEW_PASSWORD,
          confirmPassword: NEW_PASSWORD,
        }),
      204,
    );

    t.clock.advance(6 * 60_000); // a fresh e-mail challenge for the login
    const first = await expectStatus(
      http().post('/api/v1/auth/login').send({ username: 'newcomer@bank.com.hk', password: NEW_PASSWORD }),
      200,
    );
    expect(first.body).toMatchObject({ otpRequired: true, channel: 'email' });
    const second = await expectStatus(
      http()
        .post('/api/v1/auth/otp')
        .send({ challengeId: first.body.challengeId, otp: emailOtpFor(TEST_JWT_SECRET, first.body.challengeId) }),
      200,
    );
    const me = await expectStatus(
      http().get('/api/v1/me').set('Authorization', `Bearer ${second.body.accessToken}`),
      200,
    );
    expect(me.body).toMatchObject({ name: 'New Comer', company: { name: 'ABC Company' } });
  });

  it('loading the file again does not take the password away', async () => {
    await t.load({
      companies: [
        {
          name: 'ABC Company',
          users: [{ username: 'newcomer@bank.com.hk', name: 'New Comer', rights: ['EU_UserMaintenance'] }],
        },
      ],
    });
    t.clock.advance(6 * 60_000);
    await expectStatus(
      http().post('/api/v1/auth/login').send({ username: 'newcomer@bank.com.hk', password: NEW_PASSWORD }),
      200,
    );
  });
});
