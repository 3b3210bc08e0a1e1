import { da3, expectStatus, startTestApp, TestApp, USERS } from '../support/test-app';
import { arrivedAtHkex, completionSettled, waitForForm } from '../support/workflow';

describe('The DA guideline walkthrough (seeds: DA e-mail registration)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('maker AAA changes B01234X1 to ABC@bank.com.hk, D Wong confirms, HKEX completes, the registry shows it', async () => {
    const maker = await t.as(USERS.maker);
    const draft = await maker.createForm(da3());
    expect(draft).toMatchObject({ status: 'DRAFT', statusLabel: 'Draft', referenceNumber: null, version: 1 });
    // a contact person who is not a user of the company gets e-mails in English unless told otherwise
    expect(draft.contacts).toEqual([{ name: 'AAA', email: 'aaa@bank.com.hk', phone: '29797111', language: 'en' }]);

    const submitted = (await expectStatus(maker.act(draft.id, 'submit', { message: 'Please check' }), 200)).body;
    expect(submitted.status).toBe('READY_TO_SEND');
    expect(submitted.statusLabel).toBe('Ready to Send to HKEX');
    expect(submitted.referenceNumber).toBe('DA3_00000001');
    expect(submitted.statusLine).toBe('07-Feb-2023 10:43 HKT Ready to Send to HKEX');

    t.clock.advance(2 * 60_000);
    const checker = await t.as(USERS.checker);
    const tasks = (await expectStatus(checker.get('/tasks'), 200)).body;
    expect(tasks.items).toEqual([
      expect.objectContaining({
        classification: 'User Maintenance CC',
        company: 'ABC Company',
        participantId: 'B01234',
        details: 'DA3_00000001 - CCASS/ CCMS Delegated Administrator Application/ Maintenance Form',
        lastUpdateDate: '07-Feb-2023',
        jobStatus: 'Ready to Send to HKEX',
      }),
    ]);
    const claimed = (await expectStatus(checker.act(draft.id, 'claim'), 200)).body;
    expect(claimed.claimedBy.label).toBe('Claimed By D Wong on 07-Feb-2023 10:45 HKT');
    const sent = (await expectStatus(checker.act(draft.id, 'confirm'), 200)).body;
    expect(sent.status).toBe('SENT_TO_HKEX');
    const operator = await t.as(USERS.operator);
    const arrived = await waitForForm(operator, draft.id, arrivedAtHkex);
    expect(arrived.arrivalCheck).toMatchObject({ ok: true, problems: [] });

    const requested = (await expectStatus(operator.act(draft.id, 'complete'), 202)).body;
    expect(requested.completionRequested.name).toBe('HKEX Operator 1');
    const completed = await waitForForm(operator, draft.id, completionSettled);
    expect(completed.status).toBe('COMPLETED');

    const listing = (await expectStatus(maker.get('/participantships/HKSCC/B01234/user-profiles'), 200)).body;
    expect(listing.profiles.find((p: { userId: string }) => p.userId === 'B01234X1').email).toBe('ABC@bank.com.hk');

    const history = (await expectStatus(maker.get(`/eservices/${draft.id}/history`), 200)).body;
    expect(history.map((h: { action: string }) => h.action)).toEqual([
      'create',
      'submit',
      'claim',
      'confirm',
      'complete',
    ]);
    expect(history[1]).toMatchObject({ fromStatus: 'DRAFT', toStatus: 'READY_TO_SEND', message: 'Please check' });
  });
});
