import { join } from 'node:path';
import { Locator, Page } from 'playwright-core';
import { apiCall, apiToken, ConsolePage, consoleSuite, expectAccessible, logIn, SCREENSHOTS } from './console';

/**
 * Every kind of request a maker files, typed into the console in a real Chromium against the
 * real service with the demo data (SPEC §4, §12): a DA4 with its fee and the registry before
 * and after, and DA3 Add, Disable, Enable, Unlock and Delete in turn on ABC Company's HKSCC
 * participantship. The maker types and submits each form on screen; D Wong confirms and the
 * HKEX operator completes it over the API (their screens are tested elsewhere); the maker then
 * reads the effect in the console's User Profile Listing.
 */

jest.setTimeout(300_000);

const suite = consoleSuite({ AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
let maker: ConsolePage;
let checkerToken = '';
let operatorToken = '';

beforeAll(async () => {
  maker = await suite.open();
  await logIn(maker.page, 'aaa@bank.com.hk', '/eservices');
  checkerToken = await apiToken(suite.world, 'dwong@bank.com.hk');
  operatorToken = await apiToken(suite.world, 'ops1@hkex.com.hk');
});

interface Form {
  id: string;
  status: string;
  referenceNumber: string;
  lines?: { userId: string | null; assignedUserId?: string | null }[];
}

const dialog = (page: Page) => page.getByRole('dialog', { name: 'PLEASE CONFIRM TO PROCEED' });
const statusLine = (page: Page) => page.getByTestId('status-line');
const listing = (page: Page) => page.getByRole('region', { name: 'HKSCC B01234' });
const profileRow = (page: Page, userId: string): Locator =>
  listing(page)
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: userId, exact: true }) });

/** SUBMIT with the seeds' dialog; returns the form as the service has it then. */
async function submitOnScreen(page: Page): Promise<Form> {
  await page.getByLabel('We confirm that we understand and accept the above').check();
  await page.getByRole('button', { name: 'SUBMIT' }).click();
  await dialog(page).getByRole('button', { name: 'CONFIRM' }).click();
  await statusLine(page).filter({ hasText: 'Ready to Send to HKEX' }).waitFor();
  const id = new URL(page.url()).pathname.split('/').pop()!;
  return apiCall<Form>(suite.world, checkerToken, 'GET', `/eservices/${id}`);
}

/** D Wong claims and confirms; the HKEX operator claims and completes; the worker applies it. */
async function completeOverApi(form: Form): Promise<Form> {
  const act = (token: string, action: string) =>
    apiCall<Form>(suite.world, token, 'POST', `/eservices/${form.id}/${action}`, {});
  await act(checkerToken, 'claim');
  await act(checkerToken, 'confirm');
  await act(operatorToken, 'claim');
  await act(operatorToken, 'complete');
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    const now = await apiCall<Form>(suite.world, operatorToken, 'GET', `/eservices/${form.id}`);
    if (now.status === 'COMPLETED') return now;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${form.referenceNumber} was not completed within 30 s`);
}

/** A new DA3 of the given type with one line, typed in. */
async function newDa3(page: Page, type: string, line: Record<string, string>): Promise<void> {
  await page.goto('/eservices/new/DA3');
  await page.getByText('DETAILS OF REQUESTS').waitFor();
  await page.getByRole('combobox', { name: 'Maintenance Request' }).click();
  await page.getByRole('option', { name: type, exact: true }).click();
  const row = page.getByTestId('line-0');
  for (const [label, value] of Object.entries(line)) {
    if (label === 'DA Role') {
      await row.getByRole('combobox', { name: 'DA Role' }).click();
      await page.getByRole('option', { name: value, exact: true }).click();
    } else await row.getByLabel(label, { exact: true }).fill(value);
  }
}

async function openListing(page: Page): Promise<void> {
  await page.goto('/registry');
  await listing(page).getByText('MAX. NO. OF USERS').waitFor();
}

/** The figure under one of the listing's four totals. */
async function total(page: Page, label: string): Promise<string> {
  const cell = listing(page).getByText(label, { exact: true }).locator('xpath=following-sibling::*[1]');
  return (await cell.textContent())!.trim();
}

describe('every request type, from the maker typing it to the registry changed', () => {
  it('DA4: three accounts, the fee computed by the service, and the registry 70 → 73 before and after', async () => {
    const { page } = maker;
    await openListing(page);
    expect(await total(page, 'MAX. NO. OF USERS')).toBe('70');

    await page.goto('/eservices/new/DA4');
    await page.getByLabel('Number of additional user accounts').fill('3');
    await page.getByRole('button', { name: 'SAVE' }).click();
    // "Saved." stays when the new draft moves to its own address (/eservices/{id}?edit=true).
    await page.waitForURL(/\/eservices\/[0-9a-f-]{36}\?edit=true$/);
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await expect(page.getByLabel('One-off fee').inputValue()).resolves.toBe('HKD 750');
    await expectAccessible(page, 'DA4 draft');

    await page.getByRole('button', { name: 'PREVIEW' }).click();
    const preview = page.getByTestId('preview');
    await preview
      .getByRole('row', { name: /MAX\. NO\. OF USERS/ })
      .getByText('70 → 73')
      .waitFor();
    await page.getByRole('button', { name: 'EDIT' }).click();
    const form = await submitOnScreen(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'da4-submitted.png'), fullPage: true });

    await completeOverApi(form);
    await openListing(page);
    expect(await total(page, 'MAX. NO. OF USERS')).toBe('73');
  });

  it('DA3 Add: a new DA maker gets the next free User ID, shown on the form and in the listing', async () => {
    const { page } = maker;
    await newDa3(page, 'Add', {
      Surname: 'CHAN',
      'Other Names': 'SIU MING',
      'Email Address': 'siuming.chan@bank.com.hk',
      'DA Role': 'Maker',
    });
    // Up to 20 requests on one form: "+ REQUEST" stops there.
    const more = page.getByRole('button', { name: '+ REQUEST' });
    for (let i = 1; i < 20; i++) await more.click();
    await page.getByTestId('line-19').waitFor();
    await expect(more.isDisabled()).resolves.toBe(true);
    for (let i = 19; i >= 1; i--) await page.getByRole('button', { name: `Remove request ${i + 1}` }).click();
    await expect(page.getByTestId('line-1').count()).resolves.toBe(0);
    await expectAccessible(page, 'DA3 Add draft');

    const done = await completeOverApi(await submitOnScreen(page));
    const assigned = done.lines![0].assignedUserId;
    expect(assigned).toBe('B01234X4');
    await page.goto(`/eservices/${done.id}`);
    await statusLine(page).filter({ hasText: 'Completed' }).waitFor();
    await page.getByText(assigned!, { exact: true }).first().waitFor();
    await openListing(page);
    await profileRow(page, 'B01234X4').getByText('siuming.chan@bank.com.hk').waitFor();
    expect(await total(page, 'TOTAL NO. OF DELEGATED ADMINISTRATORS')).toBe('4');
  });

  it('DA3 Disable, then Enable: the new DA is DISABLED, then ENABLED again', async () => {
    const { page } = maker;
    const line = { 'User ID': 'B01234X4', 'Email Address': 'siuming.chan@bank.com.hk' };
    await newDa3(page, 'Disable', line);
    await completeOverApi(await submitOnScreen(page));
    await openListing(page);
    await profileRow(page, 'B01234X4').getByText('DISABLED').waitFor();

    await newDa3(page, 'Enable', line);
    await completeOverApi(await submitOnScreen(page));
    await openListing(page);
    await profileRow(page, 'B01234X4').getByText('ENABLED').waitFor();
  });

  it('DA3 Unlock: checked while typing against the registry, then it completes', async () => {
    const { page } = maker;
    await newDa3(page, 'Unlock', { 'User ID': 'B01234X1', 'Email Address': 'someone.else@gmail.com' });
    // No SAVE: the service's check of what is on screen, half a second after the last key,
    // puts its finding under the field; the page has no copy of the rule.
    const line = page.getByTestId('line-0');
    const mismatch = 'the e-mail does not match the one registered for B01234X1';
    await line.getByText(mismatch).waitFor();
    await line.getByLabel('User ID').fill('X1234567');
    await line.getByText(/starts with B01234/).waitFor();
    await expectAccessible(page, 'DA3 checked while typing');
    await page.screenshot({ path: join(SCREENSHOTS, 'checked-while-typing.png') });
    await line.getByLabel('User ID').fill('B01234X1');
    await line.getByLabel('Email Address').fill('taiman.chan@bank.com.hk');
    // The check of the corrected line has come back when the format's finding is gone.
    await line.getByText(/starts with B01234/).waitFor({ state: 'detached' });
    await expect(line.getByText(mismatch).count()).resolves.toBe(0);
    const done = await completeOverApi(await submitOnScreen(page));
    expect(done.status).toBe('COMPLETED');
  });

  it('DA3 Delete: the profile leaves the listing and its account is free again', async () => {
    const { page } = maker;
    await openListing(page);
    const before = Number(await total(page, 'TOTAL NO. OF USERS'));
    await newDa3(page, 'Delete', { 'User ID': 'B01234X4', 'Email Address': 'siuming.chan@bank.com.hk' });
    await completeOverApi(await submitOnScreen(page));
    await openListing(page);
    await profileRow(page, 'B01234X1').waitFor();
    await expect(profileRow(page, 'B01234X4').count()).resolves.toBe(0);
    expect(Number(await total(page, 'TOTAL NO. OF USERS'))).toBe(before - 1);
  });
});
