import {
  crewOf,
  expectProblem,
  expectUnchanged,
  fieldsOf,
  formState,
  historyOf,
  listingOf,
  loadCompany,
} from '../support/fixtures';
import { da4, expectStatus, startTestApp, TestApp, USERS } from '../support/test-app';
import { completed } from '../support/workflow';

/**
 * SPEC §4 "DA4 — CCASS / CCMS User Account Application Form": 1 to 100 additional
 * accounts, HK$250 each, computed by the service and never taken from the client; on
 * completion the participantship's quota rises by that number.
 */
describe('DA4: user account application', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('from draft to Completed: the fee is 250 × accounts, and the quota (totals.maxUsers) rises by the accounts', async () => {
    const co = await loadCompany(t, { maxUsers: 40 });
    const api = await t.as(co.maker);
    const before = await listingOf(api, co.listingPath());
    expect(before.totals.maxUsers).toBe(40);

    const draft = await api.createForm(co.da4({ accounts: 3 }));
    expect(draft).toMatchObject({
      formType: 'DA4',
      status: 'DRAFT',
      referenceNumber: null,
      accounts: 3,
      fee: { currency: 'HKD', amount: 750 },
      title: 'CCASS / CCMS User Account Application Form',
    });
    expect(draft).not.toHaveProperty('lines');
    expect(draft).not.toHaveProperty('requestType');

    const done = await completed(t, co.da4({ accounts: 3 }), crewOf(co));
    expect(done).toMatchObject({
      status: 'COMPLETED',
      statusLabel: 'Completed',
      referenceNumber: expect.stringMatching(/^DA4_\d{8}$/),
      accounts: 3,
      fee: { currency: 'HKD', amount: 750 },
    });
    expect((await historyOf(api, done.id)).map((h) => h.action)).toEqual([
      'create',
      'submit',
      'claim',
      'confirm',
      'complete',
    ]);

    const after = await listingOf(api, co.listingPath());
    expect(after.totals).toEqual({ ...before.totals, maxUsers: 43 });
    expect(after.profiles).toEqual(before.profiles);
  });

  it('two completed DA4 forms add up on the quota', async () => {
    const co = await loadCompany(t, { maxUsers: 10 });
    const api = await t.as(co.maker);
    await completed(t, co.da4({ accounts: 1 }), crewOf(co));
    await completed(t, co.da4({ accounts: 100 }), crewOf(co));
    expect((await listingOf(api, co.listingPath())).totals.maxUsers).toBe(111);
  });

  it('a completed DA4 makes room for an ADD that the full quota refused', async () => {
    const co = await loadCompany(t, { maxUsers: 4 });
    const maker = await t.as(co.maker);
    const add = co.da3({
      requestType: 'ADD',
      lines: [{ surname: 'ROOM', otherNames: 'FOR ONE', email: co.email('room'), daRole: 'checker' }],
    });
    const refused = await maker.createForm(add);
    await expectProblem(maker.act(refused.id, 'submit'), 422, 'BUSINESS_RULE');

    await completed(t, co.da4({ accounts: 1 }), crewOf(co));
    await expectStatus(maker.act(refused.id, 'submit'), 200);

    expect((await listingOf(maker, co.listingPath())).totals).toMatchObject({ maxUsers: 5, totalUsers: 4 });
  });

  it('a DA4 that is rejected or still waiting leaves the quota alone', async () => {
    const co = await loadCompany(t, { maxUsers: 10 });
    const maker = await t.as(co.maker);
    const checker = await t.as(co.checker2);
    const operator = await t.as(USERS.operator);
    const form = await maker.createForm(co.da4({ accounts: 5 }));
    await expectStatus(maker.act(form.id, 'submit'), 200);
    expect((await listingOf(maker, co.listingPath())).totals.maxUsers).toBe(10);
    await expectStatus(checker.act(form.id, 'claim'), 200);
    await expectStatus(checker.act(form.id, 'confirm'), 200);
    expect((await listingOf(maker, co.listingPath())).totals.maxUsers).toBe(10);
    await expectStatus(operator.act(form.id, 'reject', { reason: 'No purchase order received' }), 200);
    expect((await listingOf(maker, co.listingPath())).totals.maxUsers).toBe(10);
  });

  it('the fee follows the accounts when a draft is edited', async () => {
    const maker = await t.as(USERS.maker);
    const draft = await maker.createForm(da4({ accounts: 1 }));
    expect(draft.fee).toEqual({ currency: 'HKD', amount: 250 });
    const edited = (await expectStatus(maker.patch(`/eservices/${draft.id}`, { accounts: 100 }), 200)).body;
    expect(edited).toMatchObject({ accounts: 100, fee: { currency: 'HKD', amount: 25000 } });
    expect((await expectStatus(maker.get(`/eservices/${draft.id}`), 200)).body.fee).toEqual({
      currency: 'HKD',
      amount: 25000,
    });
  });

  it('a fee sent by the client is refused as an unknown field (400) and no draft is created', async () => {
    const maker = await t.as(USERS.maker);
    const countDrafts = async (): Promise<number> =>
      (await expectStatus(maker.get('/eservices?formType=DA4&pageSize=100'), 200)).body.total as number;
    const before = await countDrafts();

    const problem = await expectProblem(
      maker.post('/eservices', da4({ accounts: 2, fee: { currency: 'HKD', amount: 1 } })),
      400,
      'VALIDATION',
    );

    expect(fieldsOf(problem)).toEqual(['fee']);
    expect(await countDrafts()).toBe(before);
  });

  it('a fee sent on an edit is refused (400) and the draft keeps its computed fee', async () => {
    const maker = await t.as(USERS.maker);
    const draft = await maker.createForm(da4({ accounts: 2 }));
    const before = await formState(maker, draft.id);

    const problem = await expectProblem(
      maker.patch(`/eservices/${draft.id}`, { fee: { currency: 'HKD', amount: 0 } }),
      400,
    );

    expect(fieldsOf(problem)).toEqual(['fee']);
    await expectUnchanged(maker, draft.id, before);
    expect(before.form.fee).toEqual({ currency: 'HKD', amount: 500 });
  });

  it.each([
    ['0', 0],
    ['101', 101],
    ['-1', -1],
    ['2.5', 2.5],
    ['a string', '5'],
    ['a boolean', true],
  ])('accounts %s is refused on create (400, field accounts)', async (_, accounts) => {
    const maker = await t.as(USERS.maker);
    const problem = await expectProblem(maker.post('/eservices', da4({ accounts })), 400, 'VALIDATION');
    expect(fieldsOf(problem)).toContain('accounts');
  });

  it.each([0, 101])('accounts %s is refused on edit (400) and the draft is unchanged', async (accounts) => {
    const maker = await t.as(USERS.maker);
    const draft = await maker.createForm(da4({ accounts: 4 }));
    const before = await formState(maker, draft.id);
    const problem = await expectProblem(maker.patch(`/eservices/${draft.id}`, { accounts }), 400, 'VALIDATION');
    expect(fieldsOf(problem)).toContain('accounts');
    await expectUnchanged(maker, draft.id, before);
  });

  it('a DA4 draft may be saved without accounts; submit refuses it with the field and changes nothing', async () => {
    const maker = await t.as(USERS.maker);
    const draft = await maker.createForm(da4({ accounts: undefined }));
    expect(draft).toMatchObject({ accounts: null, fee: { currency: 'HKD', amount: 0 } });
    const before = await formState(maker, draft.id);

    const problem = await expectProblem(maker.act(draft.id, 'submit'), 400, 'FORM_INVALID');

    expect(fieldsOf(problem)).toEqual(['accounts']);
    await expectUnchanged(maker, draft.id, before);
  });

  it('DA3 fields on a DA4 form are refused (400)', async () => {
    const maker = await t.as(USERS.maker);
    const problem = await expectProblem(
      maker.post('/eservices', da4({ requestType: 'ADD', lines: [{ userId: 'B01234X1', email: 'a@bank.com.hk' }] })),
      400,
    );
    expect(fieldsOf(problem)).toEqual(expect.arrayContaining(['requestType', 'lines']));
  });
});
