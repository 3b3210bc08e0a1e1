import {
  arrivedAtHkex,
  completionSettled,
  da3,
  expectStatus,
  FormJson,
  startTestApp,
  TestApp,
  USERS,
  waitForForm,
} from '../support/test-app';

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

  const addForm = async (surname: string): Promise<FormJson> => {
    const maker = await t.as(USERS.maker);
    const checker = await t.as(USERS.checker2);
    const form = await maker.createForm(
      da3({
        requestType: 'ADD',
        lines: [{ surname, otherNames: 'TEST', email: `${surname}@bank.com.hk`, daRole: 'checker' }],
      }),
    );
    await expectStatus(maker.act(form.id, 'submit'), 200);
    await expectStatus(checker.act(form.id, 'claim'), 200);
    await expectStatus(checker.act(form.id, 'confirm'), 200);
    return waitForForm(await t.as(USERS.operator), form.id, arrivedAtHkex);
  };

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
