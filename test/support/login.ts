import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { emailOtpFor, newTotpSecret, totpNow } from '../../src/auth/one-time-passwords';
import { Api, currentTotp, DEMO_PASSWORD, TEST_JWT_SECRET, TestApp } from './test-app';

/**
 * Login fixtures for the 2FA rules of SPEC §7: users of their own (so a lock or a password
 * change stays in one test), the two login steps as raw requests, and the clock moved in
 * whole TOTP steps (30 s) so a code's time step is what the test says it is.
 */

export const TOTP_STEP_MS = 30_000;
export const MINUTE = 60_000;
export const DAY = 24 * 3600_000;

/** Passwords that meet the exchange's rule (≥16, number, lower, capital, one of !@#$%^&*()). */
export const NEW_PASSWORD = 'Fresh#Passw0rd-2027';
export const OTHER_PASSWORD = 'Other(Passw0rd)2028';

export interface LoginUser {
  username: string;
  /** The authenticator app's secret; null: OTPs go by e-mail. */
  secret: string | null;
}

let seq = 0;

/**
 * A participant user of a company of its own (or an HKEX operator / administrator), with
 * an authenticator app unless `totp: false`, loaded through the data loader (SPEC §10).
 */
export async function loadLoginUser(
  t: TestApp,
  options: { totp?: boolean; kind?: 'participant' | 'operator' | 'admin'; label?: string } = {},
): Promise<LoginUser> {
  const n = ++seq;
  const username = `${options.label ?? 'login'}.${n}.${process.pid}@login-test.example.com`;
  const secret = options.totp === false ? null : newTotpSecret();
  const user = {
    username,
    name: `Login Test ${n}`,
    password: DEMO_PASSWORD,
    ...(secret ? { totpSecret: secret } : {}),
  };
  const kind = options.kind ?? 'participant';
  const report = await t.load(
    kind === 'participant'
      ? {
          companies: [
            { name: `Login Test Company ${n} ${process.pid}`, users: [{ ...user, rights: ['EU_UserMaintenance'] }] },
          ],
        }
      : kind === 'operator'
        ? { operators: [user] }
        : { administrators: [user] },
  );
  if (report.rejected.length) throw new Error(`login user rejected: ${JSON.stringify(report.rejected)}`);
  return { username, secret };
}

/** Step one as a raw request. */
export const passwordStep = (t: TestApp, username: string, password: string = DEMO_PASSWORD): request.Test =>
  request(t.app.getHttpServer()).post('/api/v1/auth/login').send({ username, password });

/** Step two as a raw request. */
export const otpStep = (t: TestApp, challengeId: string, otp: string): request.Test =>
  request(t.app.getHttpServer()).post('/api/v1/auth/otp').send({ challengeId, otp });

/** What the user's authenticator app shows at `at` (default: the test clock's now). */
export const totpAt = (secret: string, at: Date): Promise<string> => totpNow(secret, at);

/** The code e-mailed for a challenge (derived from the test server's secret, as the service does). */
export const emailCode = (challengeId: string): string => emailOtpFor(TEST_JWT_SECRET, challengeId);

/** Moves the clock to the start of the next TOTP time step. */
export function nextTotpStep(t: TestApp): void {
  const now = t.clock.now().getTime();
  t.clock.advance(TOTP_STEP_MS - (now % TOTP_STEP_MS));
}

/** A 6-digit code different from every code given. */
export function wrongCode(...codes: string[]): string {
  for (let n = 0; ; n++) {
    const candidate = String((123456 + n * 7919) % 1_000_000).padStart(6, '0');
    if (!codes.includes(candidate)) return candidate;
  }
}

/**
 * The whole login (password, then the OTP of the user's channel) with any password; moves
 * the clock one TOTP step first, since a code's time step is accepted once per user.
 * Returns the token (and whether the password must be changed).
 */
export async function logInWith(
  t: TestApp,
  username: string,
  password: string = DEMO_PASSWORD,
): Promise<{ token: string; passwordChangeRequired: boolean }> {
  nextTotpStep(t);
  const first = await passwordStep(t, username, password);
  if (first.status !== 200) throw new Error(`login of ${username}: ${first.status} ${JSON.stringify(first.body)}`);
  const { challengeId, channel } = first.body as { challengeId: string; channel: 'totp' | 'email' };
  const otp = channel === 'totp' ? await currentTotp(t.app, t.clock, username) : emailCode(challengeId);
  const second = await otpStep(t, challengeId, otp);
  if (second.status !== 200) throw new Error(`OTP of ${username}: ${second.status} ${JSON.stringify(second.body)}`);
  return {
    token: second.body.accessToken as string,
    passwordChangeRequired: second.body.passwordChangeRequired === true,
  };
}

export const bearer = (t: TestApp, token?: string): Api => new Api(t.app, token);

/** `n` wrong passwords for `username`; returns the last answer. */
export async function failLogins(t: TestApp, username: string, n: number): Promise<request.Response> {
  let last: request.Response | undefined;
  for (let i = 0; i < n; i++) last = await passwordStep(t, username, `Wrong!Passw0rd-${i}-xyz`);
  return last!;
}

/** The e-mails written to the app's outbox folder (no SMTP server in tests) whose file name contains `part`. */
export function outboxMails(t: TestApp, part: string): string[] {
  const dir = join(t.dir, 'outbox');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml') && f.includes(part))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** Waits until the outbox holds an e-mail whose file name contains `part` (the queue sends it). */
export async function waitForMail(t: TestApp, part: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [mail] = outboxMails(t, part);
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`no e-mail ${part} in the outbox after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
