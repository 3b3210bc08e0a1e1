import { historyOf } from '../support/fixtures';
import { Api, da3, da4, startTestApp, TestApp, USERS } from '../support/test-app';
import { completed, sentToHkex } from '../support/workflow';

/**
 * GET /eservices/{id}/preview (SPEC §11): the submit's rules against the registry as it is,
 * and the User Profile Listing before and after, changing nothing.
 */
describe('preview', () => {
  let t: TestApp;
  let maker: Api;
  beforeAll(async () => {
    t = await startTestApp();
    maker = await t.as(USERS.maker);
  });
  afterAll(() => t.close());

  const preview = async (api: Api, id: string) => {
    const res = await api.get(`/eservices/${id}/preview`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('shows a DA4 raising MAX. NO. OF USERS by its accounts: 70 → 73', async () => {
    const form = await maker.createForm(da4({ accounts: 3 }));
    const p = await preview(maker, form.id);
    expect(p).toMatchObject({ ready: true, problems: [], warnings: [] });
    expect(p.registryImpact.before).toEqual({
      maxUsers: 70,
      totalUsers: 5,
      totalDelegatedAdministrators: 3,
      totalUsersExceptDelegatedAdministrators: 2,
    });
    expect(p.registryImpact.after).toEqual({ ...p.registryImpact.before, maxUsers: 73 });
  });

  it('names the User ID an Add would get, and the DAs per role after', async () => {
    const form = await maker.createForm(
      da3({
        requestType: 'ADD',
        lines: [{ surname: 'Lam', otherNames: 'Siu Fung', email: 'sf.lam@bank.com.hk', daRole: 'checker' }],
      }),
    );
    const p = await preview(maker, form.id);
    expect(p.ready).toBe(true);
    expect(p.registryImpact.lines).toEqual([
      expect.objectContaining({
        line: 0,
        change: 'create',
        assignedUserId: 'B01234X4',
        emailAfter: 'sf.lam@bank.com.hk',
      }),
    ]);
    expect(p.registryImpact.after).toMatchObject({ totalUsers: 6, totalDelegatedAdministrators: 4 });
    expect(p.registryImpact.enabledDas.checker).toEqual({ before: 2, after: 3, minimum: 2 });
  });

  it('shows the old and the new e-mail of a Change', async () => {
    const form = await maker.createForm(da3());
    const p = await preview(maker, form.id);
    expect(p.registryImpact.lines).toEqual([
      expect.objectContaining({
        change: 'update',
        userId: 'B01234X1',
        emailBefore: 'taiman.chan@bank.com.hk',
        emailAfter: 'ABC@bank.com.hk',
      }),
    ]);
  });

  it('lists every problem submit would refuse with, with its code, and a free-mail warning; changes nothing', async () => {
    const form = await maker.createForm(
      da3({
        requestType: 'DISABLE',
        lines: [{ userId: 'B01234X2', email: 'dwong@gmail.com' }],
        declarationAccepted: false,
      }),
    );
    const before = await historyOf(maker, form.id);
    const p = await preview(maker, form.id);
    expect(p.ready).toBe(false);
    const codes = (p.problems as { field: string; code: string }[]).map((x) => x.code);
    expect(codes).toContain('FORM_INVALID');
    expect(codes).toContain('BUSINESS_RULE');
    expect(p.problems).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'declarationAccepted' })]));
    expect(p.warnings).toEqual([expect.objectContaining({ field: 'lines[0].email' })]);
    // The same problems as the submit's refusals.
    const submit = await maker.act(form.id, 'submit');
    expect(submit.status).toBe(400);
    expect((await maker.get(`/eservices/${form.id}`)).body.version).toBe(form.version);
    expect(await historyOf(maker, form.id)).toEqual(before);
  });

  it("at HKEX: HKEX staff get the completion's check, participants the registry impact alone", async () => {
    const sent = await sentToHkex(t, da4({ accounts: 2 }));
    const staff = await preview(await t.as(USERS.operator), sent.id);
    expect(staff.ready).toBe(true);
    const participant = await preview(maker, sent.id);
    expect(participant).toMatchObject({ ready: null, problems: [], warnings: [] });
    expect(participant.registryImpact.after.maxUsers - participant.registryImpact.before.maxUsers).toBe(2);
  });

  it('refuses a final status with 409, and another company with 404', async () => {
    const done = await completed(t, da4({ accounts: 1 }));
    const final = await maker.get(`/eservices/${done.id}/preview`);
    expect(final.status).toBe(409);
    expect(final.body.code).toBe('WRONG_STATE');
    const draft = await maker.createForm(da4());
    expect((await (await t.as(USERS.otherMaker)).get(`/eservices/${draft.id}/preview`)).status).toBe(404);
  });

  describe('POST /eservices/preview: content not saved yet (the console checks a draft as it is typed)', () => {
    const problematic = da3({
      requestType: 'DISABLE',
      lines: [{ userId: 'B01234X2', email: 'dwong@gmail.com' }],
      declarationAccepted: false,
    });

    it("answers what the saved form's own preview answers, for a DA4 and a DA3 with problems", async () => {
      for (const body of [
        da4({ accounts: 3 }),
        problematic,
        da3({
          requestType: 'ADD',
          lines: [{ surname: 'Lam', otherNames: 'Siu Fung', email: 'sf.lam@bank.com.hk', daRole: 'checker' }],
        }),
      ]) {
        const unsaved = await maker.post('/eservices/preview', body);
        expect(unsaved.status).toBe(200);
        const saved = await maker.createForm(body);
        expect(unsaved.body).toEqual(await preview(maker, saved.id));
      }
    });

    it("writes nothing: no draft appears in the maker's list or the checker's tasks", async () => {
      const checker = await t.as(USERS.checker);
      const before = [(await maker.get('/eservices')).body.total, (await checker.get('/tasks')).body.total];
      const res = await maker.post('/eservices/preview', problematic);
      expect(res.body.ready).toBe(false);
      expect(res.body.warnings).toEqual([expect.objectContaining({ field: 'lines[0].email' })]);
      expect([(await maker.get('/eservices')).body.total, (await checker.get('/tasks')).body.total]).toEqual(before);
    });

    it("refuses bad content with 400 naming the field, another company's participantship with 404, HKEX staff with 403", async () => {
      const bad = await maker.post('/eservices/preview', { ...da3(), lines: [{ userId: 12 }] });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'lines[0].userId' })]));
      const other = await (await t.as(USERS.otherMaker)).post('/eservices/preview', da3());
      expect(other.status).toBe(404);
      const staff = await (await t.as(USERS.operator)).post('/eservices/preview', da3());
      expect(staff.status).toBe(403);
    });
  });
});
