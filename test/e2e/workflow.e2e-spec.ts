import {
  CompanyFixture,
  crewOf,
  expectProblem,
  expectUnchanged,
  fieldsOf,
  formState,
  historyOf,
  hktDate,
  listingOf,
  loadCompany,
  loadOperator,
} from '../support/fixtures';
import { Api, expectStatus, FormJson, startTestApp, TestApp, USERS } from '../support/test-app';
import { completed, completionSettled, sentToHkex, submitted, waitForForm } from '../support/workflow';

/**
 * SPEC §5: the actions beyond the happy path (reclaim, return, release, reject, discard,
 * clone), the HKEX operator's claim for processing, and the tasks and forms lists with
 * their filters, sort and paging. Each test works in a company of its own, so lists hold
 * only the test's forms.
 */
describe('Workflow', () => {
  let t: TestApp;
  let operator: Api;
  beforeAll(async () => {
    t = await startTestApp();
    operator = await t.as(USERS.operator);
  });
  afterAll(() => t.close());

  interface Actors {
    co: CompanyFixture;
    maker: Api;
    checker: Api;
    checker2: Api;
  }
  const company = async (): Promise<Actors> => {
    const co = await loadCompany(t);
    return { co, maker: await t.as(co.maker), checker: await t.as(co.checker), checker2: await t.as(co.checker2) };
  };
  const ids = (page: { items: { id: string }[] }): string[] => page.items.map((i) => i.id);
  const tasksOf = async (
    api: Api,
    query = '',
  ): Promise<{ items: FormJson[]; total: number; page: number; pageSize: number }> => {
    const tasks = (await expectStatus(api.get(`/tasks${query}`), 200)).body as {
      items: FormJson[];
      total: number;
      page: number;
      pageSize: number;
    };
    // The count and the page are two queries: they must agree on every call.
    if (tasks.page === 1) expect(tasks.items).toHaveLength(Math.min(tasks.total, tasks.pageSize));
    return tasks;
  };

  describe('reclaim', () => {
    it('the submitter reclaims an unclaimed form: back to Draft with its reference number, editable, resubmitted under the same number', async () => {
      const { co, maker } = await company();
      const form = await submitted(t, co.da3(), crewOf(co));
      const ref = form.referenceNumber;
      expect(ref).toMatch(/^DA3_\d{8}$/);

      const reclaimed = (await expectStatus(maker.act(form.id, 'reclaim', { message: 'one more line' }), 200)).body;
      expect(reclaimed).toMatchObject({ status: 'DRAFT', statusLabel: 'Draft', referenceNumber: ref, claimedBy: null });

      await expectStatus(maker.patch(`/eservices/${form.id}`, { remarks: 'after reclaim' }), 200);
      const again = (await expectStatus(maker.act(form.id, 'submit'), 200)).body;
      expect(again).toMatchObject({ status: 'READY_TO_SEND', referenceNumber: ref, remarks: 'after reclaim' });
      const history = await historyOf(maker, form.id);
      expect(history.map((h) => h.action)).toEqual(['create', 'submit', 'reclaim', 'edit', 'submit']);
      expect(history[2]).toMatchObject({ fromStatus: 'READY_TO_SEND', toStatus: 'DRAFT', message: 'one more line' });
    });

    it('only the maker who submitted may reclaim: another user of the company gets 403 NOT_SUBMITTER', async () => {
      const { co, maker, checker2 } = await company();
      const form = await submitted(t, co.da3(), crewOf(co));
      const before = await formState(maker, form.id);
      await expectProblem(checker2.act(form.id, 'reclaim'), 403, 'NOT_SUBMITTER');
      await expectUnchanged(maker, form.id, before);
    });

    it('a claimed form cannot be reclaimed: 409 ALREADY_CLAIMED; after the release it can', async () => {
      const { co, maker, checker2 } = await company();
      const form = await submitted(t, co.da3(), crewOf(co));
      await expectStatus(checker2.act(form.id, 'claim'), 200);
      const before = await formState(maker, form.id);
      await expectProblem(maker.act(form.id, 'reclaim'), 409, 'ALREADY_CLAIMED');
      await expectUnchanged(maker, form.id, before);
      await expectStatus(checker2.act(form.id, 'release'), 200);
      expect((await expectStatus(maker.act(form.id, 'reclaim'), 200)).body.status).toBe('DRAFT');
    });
  });

  describe('return to maker', () => {
    it.each([
      ['no message', {}],
      ['an empty message', { message: '' }],
      ['a blank message', { message: '   ' }],
    ])('needs a message: %s → 400 with the field message, form unchanged', async (_, body) => {
      const { co, maker, checker2 } = await company();
      const form = await submitted(t, co.da3(), crewOf(co));
      await expectStatus(checker2.act(form.id, 'claim'), 200);
      const before = await formState(maker, form.id);
      const problem = await expectProblem(checker2.act(form.id, 'return', body), 400, 'VALIDATION');
      expect(fieldsOf(problem)).toEqual(['message']);
      await expectUnchanged(maker, form.id, before);
    });

    it('only the claiming checker returns: unclaimed → 409 NOT_CLAIMED, claimed by another → 409 CLAIMED_BY_OTHER', async () => {
      const { co, maker, checker, checker2 } = await company();
      const form = await submitted(t, co.da3(), crewOf(co));
      const unclaimed = await formState(maker, form.id);
      await expectProblem(checker2.act(form.id, 'return', { message: 'fix it' }), 409, 'NOT_CLAIMED');
      await expectUnchanged(maker, form.id, unclaimed);
      await expectStatus(checker.act(form.id, 'claim'), 200);
      const claimed = await formState(maker, form.id);
      await expectProblem(checker2.act(form.id, 'return', { message: 'fix it' }), 409, 'CLAIMED_BY_OTHER');
      await expectProblem(checker2.act(form.id, 'confirm'), 409, 'CLAIMED_BY_OTHER');
      await expectUnchanged(maker, form.id, claimed);
    });

    it("a returned form is a Draft again, the message is in the history and the maker's tasks; resubmitting keeps the number", async () => {
      const { co, maker, checker2 } = await company();
      const form = await submitted(t, co.da3(), crewOf(co));
      await expectStatus(checker2.act(form.id, 'claim'), 200);
      t.clock.advance(60_000);

      const returned = (await expectStatus(checker2.act(form.id, 'return', { message: 'Wrong e-mail on line 1' }), 200))
        .body;

      expect(returned).toMatchObject({
        status: 'DRAFT',
        statusLabel: 'Draft',
        referenceNumber: form.referenceNumber,
        claimedBy: null,
        returned: true,
      });
      const history = await historyOf(maker, form.id);
      expect(history[history.length - 1]).toMatchObject({
        action: 'return',
        fromStatus: 'READY_TO_SEND',
        toStatus: 'DRAFT',
        message: 'Wrong e-mail on line 1',
        by: { name: co.names.checker2 },
        at: t.clock.now().toISOString(),
      });
      const makerTasks = await tasksOf(maker);
      expect(makerTasks.items).toEqual([
        expect.objectContaining({
          id: form.id,
          classification: 'User Maintenance CC',
          company: co.name,
          participantId: co.participantId,
          details: `${form.referenceNumber} - CCASS/ CCMS Delegated Administrator Application/ Maintenance Form`,
          jobStatus: 'Draft',
        }),
      ]);
      expect(ids(await tasksOf(checker2))).not.toContain(form.id);

      const again = (await expectStatus(maker.act(form.id, 'submit'), 200)).body;
      expect(again).toMatchObject({ status: 'READY_TO_SEND', referenceNumber: form.referenceNumber, returned: false });
      expect(ids(await tasksOf(maker))).not.toContain(form.id);
      expect(ids(await tasksOf(checker2))).toContain(form.id);
    });
  });

  describe('claim and release', () => {
    it('the claim shows who and when; release frees it for another checker; another releases only with a reason', async () => {
      const { co, maker, checker, checker2 } = await company();
      const form = await submitted(t, co.da3(), crewOf(co));
      const claimed = (await expectStatus(checker.act(form.id, 'claim'), 200)).body;
      expect(claimed.claimedBy).toMatchObject({
        name: co.names.checker,
        label: expect.stringMatching(
          new RegExp(`^Claimed By ${co.names.checker} on \\d{2}-[A-Z][a-z]{2}-\\d{4} \\d{2}:\\d{2} HKT$`),
        ),
      });
      expect(claimed.statusLine).toBe(claimed.claimedBy.label);

      const before = await formState(maker, form.id);
      // SPEC §13: a colleague may release someone else's claim, with a reason only.
      await expectProblem(checker2.act(form.id, 'release'), 400, 'VALIDATION');
      await expectProblem(maker.act(form.id, 'release', { reason: 'mine' }), 409, 'CLAIMED_BY_OTHER');
      await expectProblem(checker2.act(form.id, 'claim'), 409, 'ALREADY_CLAIMED');
      await expectUnchanged(maker, form.id, before);

      const released = (await expectStatus(checker.act(form.id, 'release'), 200)).body;
      expect(released).toMatchObject({ status: 'READY_TO_SEND', claimedBy: null });
      await expectProblem(checker.act(form.id, 'release'), 409, 'NOT_CLAIMED');
      expect((await expectStatus(checker2.act(form.id, 'claim'), 200)).body.claimedBy.name).toBe(co.names.checker2);
      expect((await historyOf(maker, form.id)).map((h) => h.action)).toEqual([
        'create',
        'submit',
        'claim',
        'release',
        'claim',
      ]);
    });

    it("a claimed form is in the claimer's tasks and no longer in the other checker's", async () => {
      const { co, checker, checker2 } = await company();
      const form = await submitted(t, co.da3(), crewOf(co));
      expect(ids(await tasksOf(checker))).toContain(form.id);
      expect(ids(await tasksOf(checker2))).toContain(form.id);
      await expectStatus(checker.act(form.id, 'claim'), 200);
      expect(ids(await tasksOf(checker))).toContain(form.id);
      expect(ids(await tasksOf(checker2))).not.toContain(form.id);
    });
  });

  describe('reject', () => {
    it.each([
      ['no reason', {}],
      ['a blank reason', { reason: '  ' }],
    ])('needs a reason: %s → 400 with the field reason, form unchanged', async (_, body) => {
      const { co, maker } = await company();
      const sent = await sentToHkex(t, co.da3(), crewOf(co));
      const before = await formState(maker, sent.id);
      const problem = await expectProblem(operator.act(sent.id, 'reject', body), 400, 'VALIDATION');
      expect(fieldsOf(problem)).toEqual(['reason']);
      await expectUnchanged(maker, sent.id, before);
    });

    it('REJECTED with the reason on the form and in the history; the registry is untouched', async () => {
      const { co, maker } = await company();
      const registry = await listingOf(maker, co.listingPath());
      const sent = await sentToHkex(t, co.da3(), crewOf(co));

      const rejected = (
        await expectStatus(operator.act(sent.id, 'reject', { reason: 'The DA has left the firm' }), 200)
      ).body;

      expect(rejected).toMatchObject({
        status: 'REJECTED',
        statusLabel: 'Rejected',
        rejectionReason: 'The DA has left the firm',
      });
      expect((await expectStatus(maker.get(`/eservices/${sent.id}`), 200)).body.rejectionReason).toBe(
        'The DA has left the firm',
      );
      const history = await historyOf(maker, sent.id);
      expect(history[history.length - 1]).toMatchObject({
        action: 'reject',
        fromStatus: 'SENT_TO_HKEX',
        toStatus: 'REJECTED',
        message: 'The DA has left the firm',
        by: { id: 'HKEX', name: 'HKEX' },
      });
      expect(await listingOf(maker, co.listingPath())).toEqual(registry);
    });
  });

  describe('discard', () => {
    it('a draft is discarded: Discarded, not listed as a task, nothing more can be done but clone', async () => {
      const { co, maker } = await company();
      const draft = await maker.createForm(co.da3());
      const discarded = (await expectStatus(maker.act(draft.id, 'discard'), 200)).body;
      expect(discarded).toMatchObject({ status: 'DISCARDED', statusLabel: 'Discarded', referenceNumber: null });
      expect(ids(await tasksOf(maker))).not.toContain(draft.id);
      expect(ids(await tasksOf(await t.as(co.checker2)))).not.toContain(draft.id);
      const before = await formState(maker, draft.id);
      await expectProblem(maker.act(draft.id, 'submit'), 409, 'WRONG_STATE');
      await expectProblem(maker.patch(`/eservices/${draft.id}`, { remarks: 'x' }), 409, 'WRONG_STATE');
      await expectUnchanged(maker, draft.id, before);
      expect((await expectStatus(maker.act(draft.id, 'clone'), 201)).body.status).toBe('DRAFT');
    });

    it('a submitted form cannot be discarded: 409 WRONG_STATE', async () => {
      const { co, maker } = await company();
      const form = await submitted(t, co.da3(), crewOf(co));
      const before = await formState(maker, form.id);
      await expectProblem(maker.act(form.id, 'discard'), 409, 'WRONG_STATE');
      await expectUnchanged(maker, form.id, before);
    });
  });

  describe('clone', () => {
    it('a completed form clones into a new Draft: content copied, declaration not accepted, no reference number, no assigned User IDs, no history', async () => {
      const { co, maker } = await company();
      const content = {
        requestType: 'ADD',
        lines: [{ surname: 'KWOK', otherNames: 'WAI', email: co.email('kwok'), daRole: 'checker' }],
        remarks: 'New checker for the settlement team',
        contacts: [{ name: 'Ops Desk', email: co.email('ops'), phone: '21112222' }],
      };
      const source = await completed(t, co.da3(content), crewOf(co));
      expect(source.lines[0].assignedUserId).toBe(co.id('X4'));

      const res = await expectStatus(maker.act(source.id, 'clone'), 201);
      const clone = res.body as FormJson;

      expect(clone.id).not.toBe(source.id);
      expect(res.headers.location).toBe(`/api/v1/eservices/${clone.id}`);
      expect(clone).toMatchObject({
        formType: 'DA3',
        participantId: co.participantId,
        status: 'DRAFT',
        statusLabel: 'Draft',
        referenceNumber: null,
        version: 1,
        claimedBy: null,
        returned: false,
        rejectionReason: null,
        clonedFromId: source.id,
        requestType: 'ADD',
        lines: content.lines,
        remarks: content.remarks,
        contacts: content.contacts,
        // Whoever submits the clone declares for it (SPEC §11).
        declarationAccepted: false,
        createdBy: { name: co.names.maker },
      });
      expect(clone.lines[0]).not.toHaveProperty('assignedUserId');
      const history = await historyOf(maker, clone.id);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ action: 'clone', fromStatus: null, toStatus: 'DRAFT' });
      expect(history[0].message).toContain(source.referenceNumber);
    });

    it("the source form's history records the clone; the source is otherwise unchanged", async () => {
      const { co, maker } = await company();
      const source = await submitted(t, co.da4({ accounts: 3 }), crewOf(co));
      const before = await formState(maker, source.id);
      const clone = (await expectStatus(maker.act(source.id, 'clone'), 201)).body as FormJson;
      const after = await formState(maker, source.id);
      expect(after.form).toEqual(before.form);
      expect(after.history.slice(0, -1)).toEqual(before.history);
      expect(after.history.at(-1)).toMatchObject({
        action: 'clone',
        fromStatus: 'READY_TO_SEND',
        toStatus: 'READY_TO_SEND',
        by: { name: co.names.maker },
        message: `Cloned into a new draft (${clone.id})`,
      });
    });

    it('a clone is a draft of its own: submitting it gives a new reference number', async () => {
      const { co, maker } = await company();
      const source = await submitted(t, co.da4({ accounts: 7 }), crewOf(co));
      const clone = (await expectStatus(maker.act(source.id, 'clone'), 201)).body as FormJson;
      expect(clone).toMatchObject({
        formType: 'DA4',
        accounts: 7,
        fee: { currency: 'HKD', amount: 1750 },
        referenceNumber: null,
        declarationAccepted: false,
      });
      const undeclared = await expectProblem(maker.act(clone.id, 'submit'), 400, 'FORM_INVALID');
      expect(fieldsOf(undeclared)).toEqual(['declarationAccepted']);
      await expectStatus(maker.patch(`/eservices/${clone.id}`, { declarationAccepted: true }), 200);
      const resubmitted = (await expectStatus(maker.act(clone.id, 'submit'), 200)).body;
      expect(resubmitted.referenceNumber).toMatch(/^DA4_\d{8}$/);
      expect(resubmitted.referenceNumber).not.toBe(source.referenceNumber);
    });
  });

  describe('HKEX operator: claim for processing', () => {
    it('while one operator holds a form, another can neither complete, reject, claim nor release it without a reason; after the release they can', async () => {
      const ops2 = await t.as(await loadOperator(t, 'ops2@hkex.com.hk', 'HKEX Operator 2'));
      const { co, maker } = await company();
      const sent = await sentToHkex(t, co.da3(), crewOf(co));

      const held = (await expectStatus(operator.act(sent.id, 'claim'), 200)).body;
      expect(held).toMatchObject({ status: 'SENT_TO_HKEX', claimedBy: { name: 'HKEX Operator 1' } });
      const before = await formState(maker, sent.id);

      await expectProblem(ops2.act(sent.id, 'complete'), 409, 'CLAIMED_BY_OTHER');
      await expectProblem(ops2.act(sent.id, 'reject', { reason: 'not mine to reject' }), 409, 'CLAIMED_BY_OTHER');
      await expectProblem(ops2.act(sent.id, 'claim'), 409, 'ALREADY_CLAIMED');
      await expectProblem(ops2.act(sent.id, 'release'), 400, 'VALIDATION');
      await expectUnchanged(maker, sent.id, before);

      await expectStatus(operator.act(sent.id, 'release'), 200);
      await expectStatus(ops2.act(sent.id, 'complete'), 202);
      const done = await waitForForm(ops2, sent.id, completionSettled);
      expect(done.status).toBe('COMPLETED');
      const history = await historyOf(ops2, sent.id);
      expect(history[history.length - 1]).toMatchObject({ action: 'complete', by: { name: 'HKEX Operator 2' } });
    });

    it('the holding operator completes it', async () => {
      const { co } = await company();
      const sent = await sentToHkex(t, co.da3(), crewOf(co));
      await expectStatus(operator.act(sent.id, 'claim'), 200);
      const requested = (await expectStatus(operator.act(sent.id, 'complete'), 202)).body;
      expect(requested).toMatchObject({ status: 'SENT_TO_HKEX', completionRequested: { name: 'HKEX Operator 1' } });
      const done = await waitForForm(operator, sent.id, completionSettled);
      expect(done).toMatchObject({ status: 'COMPLETED', claimedBy: null });
    });

    it('operator tasks hold the forms Sent to HKEX, with the columns of SPEC §5', async () => {
      const { co } = await company();
      const sent = await sentToHkex(t, co.da4({ accounts: 1 }), crewOf(co));
      const tasks = await tasksOf(operator, `?participantId=${co.participantId}`);
      expect(tasks.items).toEqual([
        expect.objectContaining({
          id: sent.id,
          classification: 'User Maintenance CC',
          company: co.name,
          participantId: co.participantId,
          details: `${sent.referenceNumber} - CCASS / CCMS User Account Application Form`,
          jobStatus: 'Sent to HKEX',
        }),
      ]);
    });
  });

  describe('dates in Hong Kong time', () => {
    it('the Last Update Date of a task is the Hong Kong date, not the UTC one', async () => {
      // 16:30 UTC is 00:30 the next day in Hong Kong.
      const now = t.clock.now();
      const target = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 16, 30));
      if (target <= now) target.setUTCDate(target.getUTCDate() + 1);
      t.clock.advance(target.getTime() - now.getTime());
      const utcDate = hktDate(new Date(target.getTime() - 8 * 3600_000));
      const { co, checker2 } = await company();

      const late = await submitted(t, co.da3(), crewOf(co));

      const row = (await tasksOf(checker2)).items.find((r) => r.id === late.id)!;
      expect(row.lastUpdate).toBe(target.toISOString());
      expect(row.lastUpdateDate).toBe(hktDate(target));
      expect(row.lastUpdateDate).not.toBe(utcDate);
      expect(late.statusLine).toBe(`${hktDate(target)} 00:30 HKT Ready to Send to HKEX`);
    });
  });

  describe('tasks: filters, sort, paging', () => {
    let co: CompanyFixture;
    let maker: Api;
    let checker2: Api;
    let forms: { a1: FormJson; a2: FormJson; b1: FormJson; d4: FormJson; draft: FormJson; own: FormJson };
    beforeAll(async () => {
      co = await loadCompany(t, { participantships: 2 });
      maker = await t.as(co.maker);
      checker2 = await t.as(co.checker2);
      const [pa, pb] = co.participantIds;
      const crew = crewOf(co);
      const step = (): void => t.clock.advance(5 * 60_000);
      step();
      const a1 = await submitted(t, co.da3(), crew);
      step();
      const b1 = await submitted(
        t,
        co.da3({ participantId: pb, lines: [{ userId: `${pb}X1`, email: co.email('b.x1') }] }),
        crew,
      );
      step();
      const d4 = await submitted(t, co.da4({ accounts: 3 }), crew);
      step();
      const a2 = await submitted(
        t,
        co.da3({ participantId: pa, lines: [{ userId: `${pa}X3`, email: co.email('a.x3') }] }),
        crew,
      );
      step();
      const draft = await maker.createForm(co.da3());
      // checker2's own submission: never in checker2's tasks, always in the other checker's.
      const own = (await expectStatus(checker2.act((await checker2.createForm(co.da3())).id, 'submit'), 200))
        .body as FormJson;
      forms = { a1, a2, b1, d4, draft, own };
    });

    it("a checker sees the company's forms Ready to Send to HKEX, not drafts, not their own, newest change first", async () => {
      const tasks = await tasksOf(checker2);
      expect(tasks).toMatchObject({ total: 4, totalExact: true, page: 1, pageSize: 20 });
      expect(ids(tasks)).toEqual([forms.a2.id, forms.d4.id, forms.b1.id, forms.a1.id]);
      const checker = await t.as(co.checker);
      expect(ids(await tasksOf(checker))).toContain(forms.own.id);
      // The maker holds EU_UserMaintenance too: another user's submission waits for them as a checker.
      expect(ids(await tasksOf(maker))).toEqual([forms.own.id]);
    });

    it('filter by form type, participant ID and status', async () => {
      expect(ids(await tasksOf(checker2, '?formType=DA4'))).toEqual([forms.d4.id]);
      expect(ids(await tasksOf(checker2, `?participantId=${co.participantIds[1]}`))).toEqual([forms.b1.id]);
      expect(ids(await tasksOf(checker2, `?participantId=${co.participantIds[1].toLowerCase()}`))).toEqual([
        forms.b1.id,
      ]);
      expect(ids(await tasksOf(checker2, `?formType=DA3&participantId=${co.participantIds[0]}`))).toEqual([
        forms.a2.id,
        forms.a1.id,
      ]);
      expect((await tasksOf(checker2, '?status=READY_TO_SEND')).total).toBe(4);
      expect((await tasksOf(checker2, '?status=DRAFT')).total).toBe(0);
    });

    it('sort by reference number and by last update, both ways', async () => {
      const byRef = [forms.a1, forms.b1, forms.d4, forms.a2]
        .slice()
        .sort((x, y) => String(x.referenceNumber).localeCompare(String(y.referenceNumber)))
        .map((f) => f.id);
      expect(ids(await tasksOf(checker2, '?sort=referenceNumber'))).toEqual(byRef);
      expect(ids(await tasksOf(checker2, '?sort=-referenceNumber'))).toEqual(byRef.slice().reverse());
      expect(ids(await tasksOf(checker2, '?sort=lastUpdate'))).toEqual([
        forms.a1.id,
        forms.b1.id,
        forms.d4.id,
        forms.a2.id,
      ]);
      expect(ids(await tasksOf(checker2, '?sort=-lastUpdate'))).toEqual([
        forms.a2.id,
        forms.d4.id,
        forms.b1.id,
        forms.a1.id,
      ]);
    });

    it('paging: pages of 3 cover every task once', async () => {
      const all = ids(await tasksOf(checker2));
      const first = await tasksOf(checker2, '?pageSize=3&page=1');
      const second = await tasksOf(checker2, '?pageSize=3&page=2');
      const third = await tasksOf(checker2, '?pageSize=3&page=3');
      expect(first).toMatchObject({ total: 4, page: 1, pageSize: 3 });
      expect(first.items).toHaveLength(3);
      expect(second).toMatchObject({ total: 4, page: 2, pageSize: 3 });
      expect([...ids(first), ...ids(second)]).toEqual(all);
      expect(third.items).toEqual([]);
    });

    it.each(['pageSize=0', 'pageSize=101', 'page=0', 'sort=company', 'status=OPEN', 'formType=DA9', 'page=abc'])(
      'a bad query (%s) → 400',
      async (query) => {
        await expectProblem(checker2.get(`/tasks?${query}`), 400, 'VALIDATION');
      },
    );

    it('the forms list: filters and paging over what the caller may see', async () => {
      const all = (await expectStatus(maker.get('/eservices?pageSize=100'), 200)).body;
      const expected = [forms.a1, forms.a2, forms.b1, forms.d4, forms.draft, forms.own].map((f) => f.id).sort();
      expect(all.items.map((f: FormJson) => f.id).sort()).toEqual(expected);
      expect(all.total).toBe(6);

      const drafts = (await expectStatus(maker.get('/eservices?status=DRAFT'), 200)).body;
      expect(drafts.items.map((f: FormJson) => f.id)).toEqual([forms.draft.id]);
      const da4s = (await expectStatus(maker.get('/eservices?formType=DA4'), 200)).body;
      expect(da4s.items.map((f: FormJson) => f.id)).toEqual([forms.d4.id]);
      const onB = (await expectStatus(maker.get(`/eservices?participantId=${co.participantIds[1]}`), 200)).body;
      expect(onB.items.map((f: FormJson) => f.id)).toEqual([forms.b1.id]);

      const pages = await Promise.all(
        [1, 2, 3].map(async (page) => (await expectStatus(maker.get(`/eservices?pageSize=2&page=${page}`), 200)).body),
      );
      expect(pages.map((p) => [p.page, p.pageSize, p.total, p.items.length])).toEqual([
        [1, 2, 6, 2],
        [2, 2, 6, 2],
        [3, 2, 6, 2],
      ]);
      expect(pages.flatMap((p) => p.items.map((f: FormJson) => f.id)).sort()).toEqual(expected);
      const beyond = (await expectStatus(maker.get('/eservices?pageSize=2&page=4'), 200)).body;
      expect(beyond).toMatchObject({ items: [], total: 6, totalExact: true });
      await expectProblem(maker.get('/eservices?pageSize=101'), 400, 'VALIDATION');
      // Pages reach the first 10,000 forms of a list; further back, a filter narrows it.
      await expectStatus(maker.get('/eservices?pageSize=100&page=100'), 200);
      await expectProblem(maker.get('/eservices?pageSize=100&page=101'), 400, 'VALIDATION');
      await expectProblem(checker2.get('/tasks?page=501'), 400, 'VALIDATION');
    });
  });
});
