import { join } from 'node:path';
import { Page } from 'playwright-core';
import { ConsolePage, consoleSuite, logIn, SCREENSHOTS } from './console';

/**
 * People acting on the same form at once, in browsers of their own against the real service
 * with the demo data: two checkers of ABC Company claiming at the same moment, a return and
 * the maker's changes since it, and a stale edit (412) with its RELOAD. One service for the
 * file; each person logs in once.
 */

jest.setTimeout(300_000);

const { open } = consoleSuite();

const statusLine = (page: Page) => page.getByTestId('status-line');
const dialog = (page: Page) => page.getByRole('dialog', { name: 'PLEASE CONFIRM TO PROCEED' });
const claimButton = (page: Page) => page.getByRole('button', { name: 'CLAIM', exact: true });

/** Chromium logs every refused request as a console error: the one refusal a test expects is taken off the list, and must be there. */
function expectRefusal(p: ConsolePage, status: number, route: RegExp): void {
  const i = p.errors.findIndex((e) => e.includes(`status of ${status}`) && route.test(e));
  expect(p.errors).toContainEqual(expect.stringMatching(route));
  p.errors.splice(i, 1);
}

describe('two checkers, a return, and a stale edit', () => {
  let maker: ConsolePage;
  let wong: ConsolePage;
  let lee: ConsolePage;
  let formPath = '';
  let winner: ConsolePage;

  it('the maker drafts and submits a DA3 Change', async () => {
    maker = await open();
    const { page } = maker;
    await logIn(page, 'aaa@bank.com.hk');
    await page.goto('/eservices/new/DA3');
    await page.getByText('DETAILS OF REQUESTS').waitFor();
    const line = page.getByTestId('line-0');
    await line.getByLabel('User ID').fill('B01234X1');
    await line.getByLabel('Email Address').fill('da.one@bank.com.hk');
    await page.getByLabel('We confirm that we understand and accept the above').check();
    await page.getByRole('button', { name: 'SUBMIT' }).click();
    await dialog(page).getByRole('button', { name: 'CONFIRM' }).click();
    await statusLine(page).filter({ hasText: 'Ready to Send to HKEX' }).waitFor();
    formPath = new URL(page.url()).pathname;
  });

  it('two checkers press CLAIM at the same time: one wins, the other is told who holds it', async () => {
    [wong, lee] = [await open(), await open()];
    await logIn(wong.page, 'dwong@bank.com.hk', formPath);
    await logIn(lee.page, 'elee@bank.com.hk', formPath);
    for (const { page } of [wong, lee]) {
      if (new URL(page.url()).pathname !== formPath) await page.goto(formPath);
      await claimButton(page).waitFor();
    }
    await Promise.all([claimButton(wong.page).click(), claimButton(lee.page).click()]);
    const claimedBy = /^Status: Claimed By (D Wong|E Lee) on \d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d HKT$/;
    await statusLine(wong.page).filter({ hasText: claimedBy }).waitFor();
    await statusLine(lee.page).filter({ hasText: claimedBy }).waitFor();
    const lines = [await statusLine(wong.page).textContent(), await statusLine(lee.page).textContent()];
    // Both pages name the same person: exactly one claim was taken.
    expect(lines[0]).toBe(lines[1]);
    const winnerName = claimedBy.exec(lines[0] ?? '')![1];
    const wongWon = winnerName === 'D Wong';
    winner = wongWon ? wong : lee;
    const loser = wongWon ? lee : wong;
    // The loser sees why, naming the one who claimed it; the winner sees no such message.
    const alert = loser.page.getByRole('alert').filter({ hasText: 'This eService has changed' });
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain(`Claimed By ${winnerName}`);
    await expect(winner.page.getByText('This eService has changed').count()).resolves.toBe(0);
    // The buttons follow: the winner may CONFIRM, the loser may not claim any more.
    await winner.page.getByRole('button', { name: 'CONFIRM', exact: true }).waitFor();
    await expect(claimButton(loser.page).isEnabled()).resolves.toBe(false);
    expectRefusal(loser, 412, /\/claim\)$/);
    await loser.page.screenshot({ path: join(SCREENSHOTS, 'claim-race.png'), fullPage: true });
  });

  it('the winner returns it; the maker edits it and the form shows the changes since the return', async () => {
    const { page } = winner;
    await page.getByRole('button', { name: 'RETURN', exact: true }).click();
    await dialog(page).getByLabel('Message to the maker (required)').fill('Wrong e-mail');
    await dialog(page).getByRole('button', { name: 'CONFIRM' }).click();
    await statusLine(page).filter({ hasText: 'Draft' }).waitFor();
    await maker.page.goto(`${formPath}?edit=true`);
    const line = maker.page.getByTestId('line-0');
    await line.getByLabel('Email Address').fill('da.two@bank.com.hk');
    await maker.page.getByRole('button', { name: 'SAVE', exact: true }).click();
    await maker.page.getByText('Saved.').waitFor();
    await page.goto(formPath);
    const changes = page.getByRole('region', { name: 'CHANGES SINCE RETURNED' });
    await changes.getByText('Request 1 · Email Address').waitFor();
    await expect(changes.textContent()).resolves.toContain('da.one@bank.com.hk → da.two@bank.com.hk');
    await page.screenshot({ path: join(SCREENSHOTS, 'changes-since-return.png'), fullPage: true });
  });

  it('a stale edit: a second tab saves over an older version, is told (412), and after RELOAD saves', async () => {
    const first = maker.page;
    const second = await maker.context.newPage();
    const secondErrors: string[] = [];
    second.on('pageerror', (e) => maker.errors.push(`uncaught: ${e.message}`));
    second.on('console', (m) => {
      if (m.type() === 'error') secondErrors.push(m.text());
    });
    // The second tab renews its session from the refresh cookie.
    await second.goto(`${formPath}?edit=true`);
    await first.goto(`${formPath}?edit=true`);
    for (const page of [first, second]) await page.getByTestId('line-0').getByLabel('Email Address').waitFor();
    await first.getByTestId('line-0').getByLabel('Email Address').fill('da.three@bank.com.hk');
    await first.getByRole('button', { name: 'SAVE', exact: true }).click();
    await first.getByText('Saved.').waitFor();
    await second.getByRole('textbox', { name: 'Remarks' }).fill('From the second tab');
    await second.getByRole('button', { name: 'SAVE', exact: true }).click();
    const problem = second.getByTestId('editor-problem');
    await problem.getByText('This eService has changed').waitFor();
    await expect(problem.textContent()).resolves.toContain('Someone saved this form after you opened it');
    expect(secondErrors).toContainEqual(expect.stringContaining('status of 412'));
    secondErrors.splice(0);
    await second.screenshot({ path: join(SCREENSHOTS, 'stale-edit.png'), fullPage: true });
    await problem.getByRole('button', { name: 'RELOAD' }).click();
    await problem.waitFor({ state: 'detached' });
    // The newer content, from the first tab.
    await expect(second.getByTestId('line-0').getByLabel('Email Address').inputValue()).resolves.toBe(
      'da.three@bank.com.hk',
    );
    await second.getByRole('textbox', { name: 'Remarks' }).fill('From the second tab');
    await second.getByRole('button', { name: 'SAVE', exact: true }).click();
    await second.getByText('Saved.').waitFor();
    await second.goto(formPath);
    const history = second.getByRole('region', { name: 'HISTORY' });
    await history.getByText('From the second tab', { exact: false }).first().waitFor();
    expect(secondErrors).toEqual([]);
    await second.close();
  });
});
