import { da3, expectStatus, FormJson, startTestApp, TestApp, USERS } from '../support/test-app';
import { completionSettled, sentToHkex, waitForForm } from '../support/workflow';

/**
 * Completions change the registry from what they read of it. On PostgreSQL transactions run
 * side by side, so two completions of the same participantship must still take turns.
 */
describe('Concurrent completions of one participantship', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** A DA3 Add of a new DA checker, made by AAA and checked by E Lee, Sent to HKEX. */
  const addForm = (surname: string): Promise<FormJson> =>
    sentToHkex(
      t,
      da3({
        requestType: 'ADD',
        lines: [{ surname, otherNames: 'TEST', email: `${surname}@bank.com.hk`, daRole: 'checker' }],
      }),
      { maker: USERS.maker, checker: USERS.checker2 },
    );

  it('three ADD forms completed at once get three different new DA User IDs', async () => {
    const forms = [await addForm('ONE'), await addForm('TWO'), await addForm('THREE')];
    const operator = await t.as(USERS.operator);
    const answers = await Promise.all(forms.map((f) => operator.act(f.id, 'complete')));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    const done = await Promise.all(forms.map((f) => waitForForm(operator, f.id, completionSettled)));
    expect(done.map((f) => f.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    const assigned = done.map((f) => f.lines[0].assignedUserId as string).sort();
    expect(assigned).toEqual(['B01234X4', 'B01234X5', 'B01234X6']);
    const maker = await t.as(USERS.maker);
    const listing = (await expectStatus(maker.get('/participantships/HKSCC/B01234/user-profiles'), 200)).body;
    expect(listing.totals.totalDelegatedAdministrators).toBe(6);
  });
});
