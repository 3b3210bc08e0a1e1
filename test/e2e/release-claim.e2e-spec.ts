import { Delivery } from '../../src/notifications/delivery.entity';
import { deliveriesOf } from '../support/mail';
import { expectProblem, expectUnchanged, fieldsOf, formState, historyOf, loadOperator } from '../support/fixtures';
import { outboxMails } from '../support/login';
import { da3, expectStatus, FormJson, startTestApp, TestApp, USERS } from '../support/test-app';
import { sentToHkex, submitted } from '../support/workflow';

/** Polls until `check` holds (the e-mail is sent by a worker). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * SPEC §13: another checker of the same company (a claim on a form Ready to Send to HKEX) or
 * another HKEX operator (a processing claim) may release a claim held by someone away with
 * `POST /eservices/{id}/release {reason}`; the reason is required when the caller is not the
 * holder, is kept in the history, and the holder gets a notice.
 */
describe('Releasing a claim held by someone away', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await loadOperator(t, 'ops2@hkex.com.hk', 'HKEX Operator 2');
  });
  afterAll(() => t.close());

  const releaseMails = async (form: FormJson): Promise<Delivery[]> =>
    (await deliveriesOf(t, [form.id])).filter((d) => d.event === 'claim-released');

  it('another checker releases D Wong’s claim with a reason: kept in the history, D Wong is told, the form is free', async () => {
    const form = await submitted(t, da3());
    const dwong = await t.as(USERS.checker);
    const elee = await t.as(USERS.checker2);
    await expectStatus(dwong.act(form.id, 'claim'), 200);

    // The view offers the release to E Lee; the reason is asked for when it is taken.
    const view = (await expectStatus(elee.get(`/eservices/${form.id}`), 200)).body as FormJson;
    expect(view.allowedActions.find((a: { action: string }) => a.action === 'release')).toEqual({
      action: 'release',
      allowed: true,
    });
    const before = await formState(elee, form.id);
    for (const body of [{}, { reason: '   ' }, { message: 'only a message' }])
      expect(fieldsOf(await expectProblem(elee.act(form.id, 'release', body), 400, 'VALIDATION'))).toEqual(['reason']);
    await expectUnchanged(elee, form.id, before);

    const released = await expectStatus(
      elee.act(form.id, 'release', { reason: 'D Wong is on leave until Monday.', message: 'Taking it over' }),
      200,
    );
    expect(released.body.claimedBy).toBeNull();
    const entry = (await historyOf(elee, form.id)).at(-1)!;
    expect(entry).toMatchObject({
      action: 'release',
      by: { name: 'E Lee' },
      message: 'D Wong is on leave until Monday.',
    });

    const [notice] = await eventually(
      () => releaseMails(form),
      (ds) => ds.length === 1 && ds[0].status === 'SENT',
    );
    expect(notice).toMatchObject({ recipientEmail: USERS.checker, notificationType: 'For reference' });
    const [mail] = outboxMails(t, notice.id);
    expect(mail).toContain('released by E Lee');
    expect(mail).toContain('D Wong is on leave until Monday.');
    // Now E Lee (or anyone eligible) may claim it.
    await expectStatus(elee.act(form.id, 'claim'), 200);
  });

  it('the holder releases without a reason and no one is told; the maker is no colleague for this', async () => {
    const form = await submitted(t, da3());
    const dwong = await t.as(USERS.checker);
    await expectStatus(dwong.act(form.id, 'claim'), 200);
    const maker = await t.as(USERS.maker);
    const before = await formState(maker, form.id);
    const refused = await expectProblem(
      maker.act(form.id, 'release', { reason: 'I need it back' }),
      409,
      'CLAIMED_BY_OTHER',
    );
    expect(refused.detail).toBe('The form is claimed by another user.');
    await expectUnchanged(maker, form.id, before);
    await expectStatus(dwong.act(form.id, 'release'), 200);
    await new Promise((r) => setTimeout(r, 500));
    expect(await releaseMails(form)).toEqual([]);
    await expectProblem(dwong.act(form.id, 'release', { reason: 'twice' }), 409, 'NOT_CLAIMED');
  });

  it('another HKEX operator releases a processing claim with a reason; the holder is told', async () => {
    const form = await sentToHkex(t, da3());
    const ops1 = await t.as(USERS.operator);
    const ops2 = await t.as('ops2@hkex.com.hk');
    await expectStatus(ops1.act(form.id, 'claim'), 200);
    expect(fieldsOf(await expectProblem(ops2.act(form.id, 'release'), 400, 'VALIDATION'))).toEqual(['reason']);
    // A checker of the company is no colleague of HKEX's: the form is not theirs to see now.
    await expectProblem((await t.as(USERS.checker2)).act(form.id, 'release', { reason: 'x' }), 409);
    await expectStatus(ops2.act(form.id, 'release', { reason: 'Operator 1 is off sick.' }), 200);
    const entry = (await historyOf(ops2, form.id)).at(-1)!;
    expect(entry).toMatchObject({
      action: 'release',
      by: { name: 'HKEX Operator 2' },
      message: 'Operator 1 is off sick.',
    });
    // Participants read HKEX for the exchange's staff, as everywhere.
    const seen = (await historyOf(await t.as(USERS.maker), form.id)).at(-1)!;
    expect(seen.by.name).toBe('HKEX');
    const [notice] = await eventually(
      () => releaseMails(form),
      (ds) => ds.length === 1 && ds[0].status === 'SENT',
    );
    expect(notice.recipientEmail).toBe(USERS.operator);
  });
});
