import { join } from 'node:path';
import { Page, Response } from 'playwright-core';
import { totpNow } from '../../src/auth/one-time-passwords';
import { qrDataUrl } from '../../web/src/qr';
import { ConsolePage, consoleSuite, emailedOtp, expectAccessible, SCREENSHOTS } from './console';

/**
 * First-time set-up in a real Chromium against the real service (information package,
 * Appendix C; SPEC §7, §11, §12): the demo users gchan@ and hho@bank.com.hk have no password
 * and no authenticator app. Each sets a password with a code e-mailed to them (read from the
 * service's outbox), watching each rule of the password policy tick as they type; logs in
 * with it and the e-mailed code; then registers an authenticator app from the QR code (the
 * code the app would show is computed from the key the page displays) or chooses e-mailed
 * codes; logs out and logs in again with the new channel. axe-core on every new screen, in
 * English and in Traditional Chinese. Any browser console error fails the test.
 */

jest.setTimeout(300_000);

const NEW_PASSWORD = 'Fresh#Passw0rd-2027';

const suite = consoleSuite();
const { open } = suite;

/**
 * The demo users at their first logon hold no access right (so the other tests' e-mails stay
 * as they are): once logged in, the console tells them so rather than asking for pages the
 * API refuses them.
 */
const NO_RIGHTS = 'No access to eServices';
const NO_RIGHTS_ZH = '未能使用電子服務';

/** The JSON answer of the next POST to an API path, while `act` runs. */
async function answerOf<T>(page: Page, path: string, act: () => Promise<void>): Promise<T> {
  const answer: Promise<Response> = page.waitForResponse(
    (r) => new URL(r.url()).pathname === path && r.request().method() === 'POST',
  );
  await act();
  const response = await answer;
  expect(response.status()).toBeLessThan(300);
  return (await response.json()) as T;
}

/** Which rules of the checklist are ticked now. */
async function ticked(page: Page): Promise<string[]> {
  const items = page.getByTestId('password-rules').locator('[data-rule]');
  const out: string[] = [];
  for (const item of await items.all())
    if ((await item.getAttribute('data-met')) === 'true') out.push((await item.getAttribute('data-rule'))!);
  return out;
}

/**
 * A refusal the test provoked on purpose: the browser logs the failed request as a console
 * error, which is expected here (once), and any other error still fails the test.
 */
function expectLoggedRefusal(person: ConsolePage, path: string, status: number): void {
  const at = person.errors.findIndex((e) => e.includes(`status of ${status}`) && e.includes(`${path})`));
  expect({ refusal: at >= 0 ? 'logged' : 'missing', errors: person.errors }).toMatchObject({ refusal: 'logged' });
  person.errors.splice(at, 1);
}

const settled = (page: Page) => page.waitForTimeout(800);

const STEP_MS = 30_000;

describe('first-time set-up with an authenticator app (English)', () => {
  const username = 'gchan@bank.com.hk';
  let person: ConsolePage;
  let secret = '';
  let enrolledStep = 0;

  it('sets a password with the e-mailed code, each rule of the policy ticking as it is typed', async () => {
    person = await open();
    const { page } = person;
    await page.goto('/login');
    await page.getByRole('heading', { name: 'User Login' }).waitFor();
    // No password yet: the login refuses, and says nothing more.
    await page.getByLabel('User ID or e-mail').fill(username);
    await page.getByLabel(/^Password/).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'LOG IN' }).click();
    await page.getByRole('alert').filter({ hasText: 'The username or password is incorrect.' }).waitFor();
    expectLoggedRefusal(person, '/api/v1/auth/login', 401);

    await page.getByRole('button', { name: 'Forgot/Reset your password? >' }).click();
    await page.getByRole('heading', { name: 'Set Up or Reset Password' }).waitFor();
    await expect(page.getByLabel('User ID or e-mail').inputValue()).resolves.toBe(username);
    await expectAccessible(page, 'set-up: User ID');
    const { challengeId } = await answerOf<{ challengeId: string }>(page, '/api/v1/auth/password-reset', () =>
      page.getByRole('button', { name: 'SUBMIT' }).click(),
    );
    await page.getByText('a one-time password has been e-mailed to its registered address').waitFor();

    // Nothing met yet; then each rule ticks when the password first meets it.
    await expect(ticked(page)).resolves.toEqual([]);
    const field = page.getByLabel(/^New password/);
    const typed: [string, string[]][] = [
      ['F', ['capital']],
      ['resh', ['lower', 'capital']],
      ['#', ['lower', 'special', 'capital']],
      ['Passw0', ['number', 'lower', 'special', 'capital']],
      ['rd-2027', ['length', 'number', 'lower', 'special', 'capital']],
    ];
    for (const [keys, expected] of typed) {
      await field.pressSequentially(keys);
      await expect(ticked(page)).resolves.toEqual(expected);
    }
    await page.getByLabel('Confirm new password').fill(NEW_PASSWORD.slice(0, -1));
    await expect(ticked(page)).resolves.not.toContain('match');
    await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await expect(ticked(page)).resolves.toEqual(['length', 'number', 'lower', 'special', 'capital', 'match']);
    // Screen readers hear each rule's state too.
    await expect(page.locator('[data-rule="special"]').textContent()).resolves.toBe(
      '✓ At least 1 special character from !@#$%^&*() — met',
    );

    // A wrong e-mailed code is refused and changes nothing.
    const code = await emailedOtp(suite.world, challengeId);
    await page.getByLabel('One-time password (e-mail)').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'SUBMIT' }).click();
    await page.getByRole('alert').filter({ hasText: 'The one-time password is incorrect or has expired.' }).waitFor();
    expectLoggedRefusal(person, '/api/v1/auth/password-reset/confirm', 401);
    await page.getByRole('heading', { name: 'Set Up or Reset Password' }).waitFor();

    await page.getByLabel('One-time password (e-mail)').fill(code);
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'first-time-password.png') });
    await expectAccessible(page, 'set-up: new password');
    await page.getByRole('button', { name: 'SUBMIT' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password has been set.' }).waitFor();
    await page.getByRole('heading', { name: 'User Login' }).waitFor();
  });

  it('logs in with the new password and the e-mailed code, then registers an app from the QR code', async () => {
    const { page } = person;
    await page.getByLabel(/^Password/).fill(NEW_PASSWORD);
    const login = await answerOf<{ challengeId: string; channel: string }>(page, '/api/v1/auth/login', () =>
      page.getByRole('button', { name: 'LOG IN' }).click(),
    );
    expect(login.channel).toBe('email');
    await page.getByText('A one-time password has been e-mailed to you').waitFor();
    await page.getByLabel('One-time password').fill(await emailedOtp(suite.world, login.challengeId));
    await page.getByRole('button', { name: 'SUBMIT OTP' }).click();

    await page.getByRole('heading', { name: 'Set Up OTP Channel' }).waitFor();
    await expectAccessible(page, 'set-up: OTP channel');
    const enrolment = await answerOf<{ otpauthUri: string; secret: string }>(page, '/api/v1/auth/totp/enrolment', () =>
      page.getByRole('button', { name: 'REGISTER DEVICE' }).click(),
    );
    const qr = page.getByRole('img', { name: 'QR code of the authenticator key' });
    await qr.waitFor();
    // The QR code draws the otpauth:// URI the service issued, for this user…
    const uri = new URL(enrolment.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(decodeURIComponent(uri.pathname)).toContain(username);
    await expect(qr.getAttribute('src')).resolves.toBe(await qrDataUrl(enrolment.otpauthUri));
    // …and the key shown as text for typing in is the one in that URI.
    secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(secret).toBe(uri.searchParams.get('secret'));

    // The app's first code, computed from the key the page shows.
    enrolledStep = Math.floor(Date.now() / STEP_MS);
    await page.getByLabel('Code shown by the app').fill(await totpNow(secret, new Date(enrolledStep * STEP_MS + 1000)));
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'first-time-setup.png') });
    await expectAccessible(page, 'set-up: QR code');
    await page.getByRole('button', { name: 'SUBMIT' }).click();
    await page.getByRole('heading', { name: NO_RIGHTS }).waitFor();
    await page.getByText("Your company's Delegated Administrator can grant it.", { exact: false }).waitFor();
    await expectAccessible(page, 'no access right');
    expect(new URL(page.url()).pathname).toBe('/tasks');
  });

  it('logs out, and logs in again with the password and the authenticator code, landing on the tasks', async () => {
    const { page } = person;
    await page.getByRole('button', { name: 'Logout' }).click();
    await page.getByRole('heading', { name: 'User Login' }).waitFor();
    await page.getByLabel('User ID or e-mail').fill(username);
    await page.getByLabel(/^Password/).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'LOG IN' }).click();
    await page.getByText('Enter the code your authenticator app shows.').waitFor();
    // A code is never accepted twice: the step after the one that confirmed the app (the
    // service accepts one step of drift, so it is good at once).
    const step = enrolledStep + 1;
    await page.getByLabel('One-time password').fill(await totpNow(secret, new Date(step * STEP_MS + 1000)));
    await page.getByRole('button', { name: 'SUBMIT OTP' }).click();
    await page.getByRole('heading', { name: NO_RIGHTS }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/tasks');
  });
});

describe('first-time set-up with e-mailed codes (繁體中文)', () => {
  const username = 'hho@bank.com.hk';
  let person: ConsolePage;

  it('sets a password, skips the app, accepts the warning and lands on the tasks', async () => {
    person = await open();
    const { page } = person;
    await page.goto('/login');
    await page.getByText('繁體中文').click();
    await page.getByRole('heading', { name: '用戶登入' }).waitFor();
    await page.getByRole('button', { name: '忘記／重設密碼？ >' }).click();
    await page.getByRole('heading', { name: '設定或重設密碼' }).waitFor();
    await page.getByLabel('用戶編號或電郵').fill(username);
    await expectAccessible(page, 'set-up: User ID (zh-HK)');
    const { challengeId } = await answerOf<{ challengeId: string }>(page, '/api/v1/auth/password-reset', () =>
      page.getByRole('button', { name: '提交' }).click(),
    );
    await page.getByLabel('一次性密碼（電郵）').fill(await emailedOtp(suite.world, challengeId));
    await page.getByRole('textbox', { name: '新密碼', exact: true }).fill('short1!');
    await expect(ticked(page)).resolves.toEqual(['number', 'lower', 'special']);
    await expect(page.locator('[data-rule="length"]').textContent()).resolves.toBe('✗ 最少16個字元 — 未符合');
    await page.getByRole('textbox', { name: '新密碼', exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('確認新密碼').fill(NEW_PASSWORD);
    await expect(ticked(page)).resolves.toEqual(['length', 'number', 'lower', 'special', 'capital', 'match']);
    await expectAccessible(page, 'set-up: new password (zh-HK)');
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByRole('status').filter({ hasText: '密碼已設定' }).waitFor();

    await page.getByLabel(/^密碼/).fill(NEW_PASSWORD);
    const login = await answerOf<{ challengeId: string }>(page, '/api/v1/auth/login', () =>
      page.getByRole('button', { name: '登入' }).click(),
    );
    await page.getByLabel('一次性密碼').fill(await emailedOtp(suite.world, login.challengeId));
    await page.getByRole('button', { name: '提交一次性密碼' }).click();
    await page.getByRole('heading', { name: '設定一次性密碼渠道' }).waitFor();
    await expectAccessible(page, 'set-up: OTP channel (zh-HK)');
    await page.getByRole('button', { name: '略過此步驟' }).click();
    await page.getByText('以電郵接收一次性密碼的用戶不能自行重設密碼').waitFor();
    await expectAccessible(page, 'set-up: e-mail warning (zh-HK)');
    await page.getByRole('button', { name: '接受' }).click();
    // Logged in, the console speaks the user's own language (English until they choose).
    await page.getByRole('heading', { name: NO_RIGHTS }).waitFor();
    await page.getByText('繁體中文').click();
    await page.getByRole('heading', { name: NO_RIGHTS_ZH }).waitFor();
    await expectAccessible(page, 'no access right (zh-HK)');
  });

  it('logs in again with the password and a code by e-mail, without being asked to set up again', async () => {
    const { page } = person;
    await page.getByRole('button', { name: '登出' }).click();
    await page.getByRole('heading', { name: '用戶登入' }).waitFor();
    await page.getByLabel('用戶編號或電郵').fill(username);
    await page.getByLabel(/^密碼/).fill(NEW_PASSWORD);
    const login = await answerOf<{ challengeId: string; channel: string }>(page, '/api/v1/auth/login', () =>
      page.getByRole('button', { name: '登入' }).click(),
    );
    expect(login.channel).toBe('email');
    await page.getByLabel('一次性密碼').fill(await emailedOtp(suite.world, login.challengeId));
    await page.getByRole('button', { name: '提交一次性密碼' }).click();
    await page.getByRole('heading', { name: NO_RIGHTS_ZH }).waitFor();
  });

  it('the authentication settings offer an authenticator app later, with its QR code, accessible in Chinese', async () => {
    const { page } = person;
    await page.getByRole('link', { name: '驗證設定' }).click();
    await page.getByRole('heading', { name: '驗證設定' }).waitFor();
    await page.getByTestId('otp-channel').filter({ hasText: '電郵' }).waitFor();
    await expectAccessible(page, 'authentication settings (zh-HK)');
    const enrolment = await answerOf<{ otpauthUri: string; secret: string }>(page, '/api/v1/auth/totp/enrolment', () =>
      page.getByRole('button', { name: '登記裝置' }).click(),
    );
    const qr = page.getByRole('img', { name: '驗證密鑰的二維碼' });
    await qr.waitFor();
    await expect(qr.getAttribute('src')).resolves.toBe(await qrDataUrl(enrolment.otpauthUri));
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toBe(new URL(enrolment.otpauthUri).searchParams.get('secret'));
    await expectAccessible(page, 'QR code (zh-HK)');
    await page.getByLabel('應用程式顯示的密碼').fill(await totpNow(secret, new Date()));
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByRole('status').filter({ hasText: '已登記驗證應用程式' }).waitFor();
    await page.getByTestId('otp-channel').filter({ hasText: '驗證應用程式' }).waitFor();
  });
});
