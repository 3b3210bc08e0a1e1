import { join } from 'node:path';
import { Page } from 'playwright-core';
import { ConsolePage, consoleSuite, expectAccessible, logIn, SCREENSHOTS } from './console';

/**
 * The web console in a real Chromium against the real service with the demo data (SPEC §12):
 * the DA guideline's walkthrough with the maker, the checker and the HKEX operator each in a
 * browser context of their own, the language switch, and axe-core on every screen in both
 * languages. Any browser console error fails the test that caused it.
 */

jest.setTimeout(300_000);

const { open } = consoleSuite();

/** Lets transitions (rows fading in, the loader fading out) finish before a screenshot. */
const settled = (page: Page) => page.waitForTimeout(800);

const statusLine = (page: Page) => page.getByTestId('status-line');
const dialog = (page: Page) => page.getByRole('dialog', { name: 'PLEASE CONFIRM TO PROCEED' });

describe("the DA guideline's walkthrough: maker, checker and operator in three browsers", () => {
  let maker: ConsolePage;
  let checker: ConsolePage;
  let operator: ConsolePage;
  let reference = '';
  let formPath = '';

  it('the maker logs in with the authenticator code, drafts a DA3 Change and submits it', async () => {
    maker = await open();
    const { page } = maker;
    await page.goto('/');
    // The page first asks the refresh cookie for a session; with none it shows the login.
    await page.getByRole('heading', { name: 'User Login' }).waitFor();
    await expectAccessible(page, 'login');
    await logIn(page, 'aaa@bank.com.hk');
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    await page.getByRole('link', { name: 'eServices' }).click();
    await page.getByRole('button', { name: 'New eService' }).click();
    await page.getByRole('menuitem', { name: /DA3/ }).click();
    await page.waitForURL('**/eservices/new/DA3');
    await page.getByText('DETAILS OF REQUESTS').waitFor();
    await expectAccessible(page, 'new DA3');
    // "Change" is the request type by default (the guideline's step d).
    await expect(page.getByRole('combobox', { name: 'Maintenance Request' }).inputValue()).resolves.toBe('Change');
    await expect(page.getByRole('combobox', { name: 'As' }).inputValue()).resolves.toBe('HKSCC Participant (B01234)');
    const line = page.getByTestId('line-0');
    await line.getByLabel('User ID').fill('B01234X1');
    await line.getByLabel('Email Address').fill('da.one@bank.com.hk');
    await page.getByLabel('We confirm that we understand and accept the above').check();
    // The contact person is prefilled from the maker's own profile.
    await expect(page.getByLabel('Name of Contact Person').inputValue()).resolves.toBe('AAA');
    await page.getByRole('button', { name: 'SUBMIT' }).click();
    await expect(dialog(page).getByText('The record will be ready to send to HKEX.').isVisible()).resolves.toBe(true);
    await dialog(page).getByLabel('Any message to the next step user? (optional)').fill('New designated e-mail');
    await dialog(page).getByRole('button', { name: 'CONFIRM' }).click();
    await statusLine(page).filter({ hasText: 'Ready to Send to HKEX' }).waitFor();
    reference = ((await page.getByTestId('reference-number').textContent()) ?? '').replace('Reference Number: ', '');
    expect(reference).toMatch(/^DA3_\d{8}$/);
    expect(await statusLine(page).textContent()).toMatch(
      /^Status: \d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d HKT Ready to Send to HKEX$/,
    );
    formPath = new URL(page.url()).pathname;
    // PREVIEW from the service's rules: the registry before and after (the quota stays at 70).
    await page
      .getByTestId('preview')
      .getByRole('row', { name: /MAX\. NO\. OF USERS/ })
      .filter({ hasText: '70 → 70' })
      .waitFor();
    // The maker who submitted may reclaim it; the guideline's screen shows RECLAIM and CLONE.
    await page.getByRole('button', { name: 'RECLAIM' }).waitFor();
    await expectAccessible(page, 'form (maker)');
  });

  it('the checker finds it in the tasks list, claims it and confirms it to HKEX', async () => {
    checker = await open();
    const { page } = checker;
    await logIn(page, 'dwong@bank.com.hk');
    const row = page.getByRole('row').filter({ hasText: reference });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('User Maintenance CC');
    await expect(row.textContent()).resolves.toContain('ABC Company');
    await expect(row.textContent()).resolves.toContain(
      `${reference} - CCASS/ CCMS Delegated Administrator Application/ Maintenance Form`,
    );
    await expect(row.textContent()).resolves.toContain('Ready to Send to HKEX');
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'tasks.png') });
    await expectAccessible(page, 'tasks');
    await row.getByRole('link').click();
    await page.waitForURL(`**${formPath}`);
    await page.getByRole('button', { name: 'CLAIM', exact: true }).click();
    await statusLine(page)
      .filter({ hasText: /^Status: Claimed By D Wong on \d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d HKT$/ })
      .waitFor();
    await page.getByText('COMPANY INFORMATION').waitFor();
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'form.png'), fullPage: true });
    await expectAccessible(page, 'form (checker)');
    await page.getByRole('button', { name: 'CONFIRM', exact: true }).click();
    await expect(dialog(page).getByText('The record will be sent to HKEX.').isVisible()).resolves.toBe(true);
    await dialog(page).getByRole('button', { name: 'CONFIRM' }).click();
    await statusLine(page).filter({ hasText: 'Sent to HKEX' }).waitFor();
  });

  it("the maker's open form shows the claim and the confirmation without a reload", async () => {
    await statusLine(maker.page).filter({ hasText: 'Sent to HKEX' }).waitFor({ timeout: 30_000 });
  });

  it('the HKEX operator sees it in the queue with its arrival check and completes it', async () => {
    operator = await open();
    const { page } = operator;
    await logIn(page, 'ops1@hkex.com.hk');
    await page.getByRole('link', { name: 'Sent to HKEX' }).click();
    const row = page.getByRole('row').filter({ hasText: reference });
    await row.waitFor();
    // The arrival check runs in a worker: passed once it has.
    await row.filter({ hasText: 'Passed' }).waitFor({ timeout: 60_000 });
    await settled(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'queue.png') });
    await expectAccessible(page, 'queue');
    await row.getByRole('link').click();
    await page.getByRole('button', { name: 'COMPLETE' }).click();
    await dialog(page).getByRole('button', { name: 'CONFIRM' }).click();
    await statusLine(page).filter({ hasText: 'Completed' }).waitFor({ timeout: 60_000 });
    await page.getByText('Reason for rejection').waitFor({ state: 'detached' });
  });

  it('a reload keeps the session (the refresh cookie), and the history tells the whole story as a timeline', async () => {
    const { page } = checker;
    // The access token lived in the page's memory only: the reload renews it from the
    // refresh cookie, without the password and one-time password again.
    await page.goto(formPath);
    await statusLine(page).filter({ hasText: 'Completed' }).waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe(formPath);
    const history = page.getByRole('region', { name: 'HISTORY' });
    for (const step of ['CREATE · AAA', 'SUBMIT · AAA', 'CLAIM · D Wong', 'CONFIRM · D Wong', 'COMPLETE'])
      await history.getByText(step, { exact: false }).first().waitFor();
    await expect(history.getByText('“New designated e-mail”').isVisible()).resolves.toBe(true);
  });
});

describe('the language switch', () => {
  it('turns every page into Traditional Chinese, is remembered for the user, and stays accessible', async () => {
    const { page, context } = await open();
    await page.goto('/login');
    await page.getByText('繁體中文').click();
    await page.getByRole('heading', { name: '用戶登入' }).waitFor();
    await expectAccessible(page, 'login (zh-HK)');
    await page.getByText('English').click();
    await logIn(page, 'elee@bank.com.hk');
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    await page.getByText('繁體中文').click();
    await page.getByRole('heading', { name: '待辦事項' }).waitFor();
    await expect(page.getByRole('columnheader', { name: '工作狀態' }).isVisible()).resolves.toBe(true);
    await expectAccessible(page, 'tasks (zh-HK)');
    await page.getByRole('link', { name: '電子服務' }).click();
    await page.getByRole('heading', { name: '電子服務' }).waitFor();
    await expectAccessible(page, 'eServices (zh-HK)');
    await page.getByRole('link', { name: '用戶登記冊' }).click();
    await page.getByRole('heading', { name: '用戶資料列表' }).waitFor();
    await page.getByText('最多用戶數目').first().waitFor();
    await expectAccessible(page, 'registry (zh-HK)');
    await page.getByRole('link', { name: '電子服務' }).click();
    await page.getByRole('row').getByRole('link').first().click();
    await page.getByText('公司資料').waitFor();
    await expectAccessible(page, 'form (zh-HK)');
    // Remembered on the server: a new browser of the same user opens in Chinese after login.
    await context.close();
    const again = await open();
    await logIn(again.page, 'elee@bank.com.hk');
    await again.page.getByRole('heading', { name: '待辦事項' }).waitFor();
    await again.page.getByText('English').click();
    await again.page.getByRole('heading', { name: 'Tasks' }).waitFor();
    await again.page.getByRole('link', { name: 'Registry' }).click();
    await again.page.getByText('MAX. NO. OF USERS').first().waitFor();
    await expectAccessible(again.page, 'registry');
  });
});
