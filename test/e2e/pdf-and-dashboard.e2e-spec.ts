import request from 'supertest';
import { currentTotp, da3, DEMO_PASSWORD, expectStatus, startTestApp, TestApp, USERS } from '../support/test-app';
import { completeByOperator, sentToHkex } from '../support/workflow';

describe('The PDF record of a form (SPEC §6)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('a completed form downloads as a PDF naming its reference number', async () => {
    const sent = await sentToHkex(t, da3());
    await completeByOperator(t, sent.id);
    const maker = await t.as(USERS.maker);
    const res = await expectStatus(maker.get(`/eservices/${sent.id}/pdf`).buffer(true), 200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain(`${sent.referenceNumber}.pdf`);
    expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    expect((res.body as Buffer).length).toBeGreaterThan(1000);
  });

  it('a rejected form has one too; a form not yet ended is 409, another company cannot see it (404)', async () => {
    const sent = await sentToHkex(t, da3());
    const operator = await t.as(USERS.operator);
    const maker = await t.as(USERS.maker);
    const other = await t.as(USERS.otherMaker);
    await expectStatus(other.get(`/eservices/${sent.id}/pdf`), 404);
    const early = await expectStatus(maker.get(`/eservices/${sent.id}/pdf`), 409);
    expect(early.body).toMatchObject({ code: 'WRONG_STATE', currentStatus: 'SENT_TO_HKEX' });
    await expectStatus(operator.act(sent.id, 'reject', { reason: 'Wrong participant' }), 200);
    await expectStatus(maker.get(`/eservices/${sent.id}/pdf`), 200);
  });
});

describe('The queue dashboard is for HKEX operators only', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const dashboard = () => request(t.app.getHttpServer()).get('/api/admin/queues/api/queues');

  it('asks for a login, refuses participants, shows both queues to an operator', async () => {
    const anonymous = await dashboard();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toContain('Basic');
    expect((await dashboard().auth(USERS.maker, DEMO_PASSWORD)).status).toBe(401);
    expect((await dashboard().auth(USERS.operator, 'wrong password!')).status).toBe(401);
    // The password followed by the authenticator's code, as at login.
    const ok = await dashboard().auth(
      USERS.operator,
      DEMO_PASSWORD + (await currentTotp(t.app, t.clock, USERS.operator)),
    );
    expect(ok.status).toBe(200);
    expect((ok.body as { queues: { name: string }[] }).queues.map((q) => q.name).sort()).toEqual([
      'hkex-processing',
      'notifications',
    ]);
  });
});
