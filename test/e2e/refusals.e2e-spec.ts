import {
  crewOf,
  daProfile,
  expectProblem,
  expectUnchanged,
  fieldsOf,
  formState,
  historyOf,
  listingOf,
  loadCompany,
} from '../support/fixtures';
import { Api, da3, expectStatus, FormJson, startTestApp, TestApp, USERS } from '../support/test-app';
import {
  completeByOperator,
  completed,
  completionSettled,
  DEMO_CREW,
  sentToHkex,
  submitted,
  waitForForm,
} from '../support/workflow';

/**
 * SPEC §1 (four eyes, company isolation), §8 (bad input changes nothing, problem+json, no
 * stack) and §9 (the status of each refusal). Every refusal is checked with
 * `expectProblem`, and where a form exists, `expectUnchanged` proves it was left as it was.
 */
describe('Refusals', () => {
  let t: TestApp;
  let maker: Api;
  let checker: Api;
  let checker2: Api;
  let operator: Api;
  beforeAll(async () => {
    t = await startTestApp();
    maker = await t.as(USERS.maker);
    checker = await t.as(USERS.checker);
    checker2 = await t.as(USERS.checker2);
    operator = await t.as(USERS.operator);
  });
  afterAll(() => t.close());

  /** A CHANGE of B01234X1 to the e-mail it already has: safe to complete, the demo registry stays as it is. */
  const noOpChange = (): object => da3({ lines: [{ userId: 'B01234X1', email: 'taiman.chan@bank.com.hk' }] });
  const actionsOf = (history: { action: string }[], action: string): number =>
    history.filter((h) => h.action === action).length;

  describe('four eyes (SPEC §1)', () => {
    it('the maker cannot claim their own form: 403 FOUR_EYES, form unchanged', async () => {
      const form = await submitted(t, da3());
      const before = await formState(maker, form.id);
      await expectProblem(maker.act(form.id, 'claim'), 403, 'FOUR_EYES');
      await expectUnchanged(maker, form.id, before);
    });

    it('the maker cannot confirm their own form: 403 FOUR_EYES, form unchanged', async () => {
      const form = await submitted(t, da3());
      const before = await formState(maker, form.id);
      await expectProblem(maker.act(form.id, 'confirm'), 403, 'FOUR_EYES');
      await expectUnchanged(maker, form.id, before);
    });

    it('the user who last submitted a form cannot check it, nor can its maker; a third user can', async () => {
      const draft = await maker.createForm(da3());
      // D Wong submits AAA's draft: both are now barred from checking it.
      await expectStatus(checker.act(draft.id, 'submit'), 200);
      const before = await formState(maker, draft.id);
      await expectProblem(checker.act(draft.id, 'claim'), 403, 'FOUR_EYES');
      await expectProblem(maker.act(draft.id, 'claim'), 403, 'FOUR_EYES');
      await expectUnchanged(maker, draft.id, before);
      await expectStatus(checker2.act(draft.id, 'claim'), 200);
      await expectStatus(checker2.act(draft.id, 'confirm'), 200);
    });

    it('D Wong cannot confirm a CHANGE of B01234X2, whose registered e-mail is his: 403 SELF_CONCERNING; E Lee can', async () => {
      const form = await submitted(t, da3({ lines: [{ userId: 'B01234X2', email: 'david.wong@bank.com.hk' }] }));
      await expectStatus(checker.act(form.id, 'claim'), 200);
      const before = await formState(maker, form.id);

      await expectProblem(checker.act(form.id, 'confirm'), 403, 'SELF_CONCERNING');

      await expectUnchanged(maker, form.id, before);
      expect(before.form).toMatchObject({ status: 'READY_TO_SEND', claimedBy: { name: 'D Wong' } });
      await expectStatus(checker.act(form.id, 'release'), 200);
      await expectStatus(checker2.act(form.id, 'claim'), 200);
      expect((await expectStatus(checker2.act(form.id, 'confirm'), 200)).body.status).toBe('SENT_TO_HKEX');
    });

    it.each([
      [
        'ADD line carrying his e-mail (any case)',
        {
          requestType: 'ADD',
          lines: [{ surname: 'WONG', otherNames: 'D', email: 'DWong@Bank.com.hk', daRole: 'checker' }],
        },
      ],
      [
        'CHANGE giving another DA his e-mail',
        { requestType: 'CHANGE', lines: [{ userId: 'B01234X1', email: 'dwong@bank.com.hk' }] },
      ],
    ])('a form concerns D Wong by e-mail too (%s): 403 SELF_CONCERNING', async (_, content) => {
      const form = await submitted(t, da3(content));
      await expectStatus(checker.act(form.id, 'claim'), 200);
      const before = await formState(maker, form.id);
      await expectProblem(checker.act(form.id, 'confirm'), 403, 'SELF_CONCERNING');
      await expectUnchanged(maker, form.id, before);
    });

    it("a DISABLE line on the checker's own DA profile: 403 SELF_CONCERNING for that checker", async () => {
      // The fixture's checker is registered as DA X2; 1 maker + 3 checkers, so disabling X2 is allowed.
      const co = await loadCompany(t, { extraProfiles: (id, email) => [daProfile(id('X4'), 'checker', email('x4'))] });
      const form = await submitted(
        t,
        co.da3({ requestType: 'DISABLE', lines: [{ userId: co.id('X2'), email: co.checker }] }),
        crewOf(co),
      );
      const concerned = await t.as(co.checker);
      const coMaker = await t.as(co.maker);
      await expectStatus(concerned.act(form.id, 'claim'), 200);
      const before = await formState(coMaker, form.id);
      await expectProblem(concerned.act(form.id, 'confirm'), 403, 'SELF_CONCERNING');
      await expectUnchanged(coMaker, form.id, before);
    });
  });

  describe("company isolation: another company's form is not found (404)", () => {
    let form: FormJson;
    let other: Api;
    let otherChecker: Api;
    beforeAll(async () => {
      form = await submitted(t, da3());
      other = await t.as(USERS.otherMaker);
      otherChecker = await t.as(USERS.otherChecker);
    });

    it('GET, PATCH and history answer 404 NOT_FOUND, never 403', async () => {
      const before = await formState(maker, form.id);
      await expectProblem(other.get(`/eservices/${form.id}`), 404, 'NOT_FOUND');
      await expectProblem(other.get(`/eservices/${form.id}/history`), 404, 'NOT_FOUND');
      await expectProblem(other.patch(`/eservices/${form.id}`, { remarks: 'mine now' }), 404, 'NOT_FOUND');
      await expectUnchanged(maker, form.id, before);
    });

    it.each(['discard', 'submit', 'reclaim', 'claim', 'release', 'return', 'confirm', 'clone'])(
      'action %s answers 404 and changes nothing',
      async (action) => {
        const before = await formState(maker, form.id);
        await expectProblem(otherChecker.act(form.id, action, { message: 'x' }), 404, 'NOT_FOUND');
        await expectUnchanged(maker, form.id, before);
      },
    );

    it('the form is in neither the list nor the tasks of the other company, and its registry is 404', async () => {
      const list = (await expectStatus(otherChecker.get('/eservices?pageSize=100'), 200)).body;
      expect(list.items.map((f: FormJson) => f.id)).not.toContain(form.id);
      const tasks = (await expectStatus(otherChecker.get('/tasks?pageSize=100'), 200)).body;
      expect(tasks.items.map((r: { id: string }) => r.id)).not.toContain(form.id);
      await expectProblem(other.get('/participantships/HKSCC/B01234/user-profiles'), 404, 'NOT_FOUND');
    });

    it("a form cannot be created for another company's participantship, nor for one that does not exist: 404", async () => {
      await expectProblem(maker.post('/eservices', da3({ participantId: 'B05678' })), 404, 'NOT_FOUND');
      await expectProblem(
        maker.post('/eservices', da3({ clearingHouse: 'HKCC', participantId: 'B01234' })),
        404,
        'NOT_FOUND',
      );
      await expectProblem(other.post('/eservices', da3()), 404, 'NOT_FOUND');
    });

    it('a form of an unknown id, or a malformed id, is 404 too', async () => {
      await expectProblem(maker.get('/eservices/00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
      await expectProblem(maker.get('/eservices/not-a-uuid'), 404, 'NOT_FOUND');
      await expectProblem(maker.act('00000000-0000-4000-8000-000000000000', 'submit'), 404, 'NOT_FOUND');
    });
  });

  describe('HKEX operators see only forms sent to HKEX', () => {
    it.each([
      ['a draft', async (): Promise<FormJson> => maker.createForm(da3())],
      ['a form Ready to Send to HKEX', async (): Promise<FormJson> => submitted(t, da3())],
    ])('%s is 404 for the operator: GET, history, PATCH, actions; and it is not listed', async (_, make) => {
      const form = await make();
      const before = await formState(maker, form.id);
      await expectProblem(operator.get(`/eservices/${form.id}`), 404, 'NOT_FOUND');
      await expectProblem(operator.get(`/eservices/${form.id}/history`), 404, 'NOT_FOUND');
      await expectProblem(operator.patch(`/eservices/${form.id}`, { remarks: 'x' }), 404, 'NOT_FOUND');
      await expectProblem(operator.act(form.id, 'claim'), 404, 'NOT_FOUND');
      await expectProblem(operator.act(form.id, 'reject', { reason: 'x' }), 404, 'NOT_FOUND');
      const list = (await expectStatus(operator.get('/eservices?pageSize=100'), 200)).body;
      expect(list.items.map((f: FormJson) => f.id)).not.toContain(form.id);
      const tasks = (await expectStatus(operator.get('/tasks?pageSize=100'), 200)).body;
      expect(tasks.items.map((r: { id: string }) => r.id)).not.toContain(form.id);
      await expectUnchanged(maker, form.id, before);
    });
  });

  describe('who may act (401, 403)', () => {
    it('a user without EU_UserMaintenance gets 403 on forms and tasks', async () => {
      const viewer = await t.as(USERS.noRight);
      const form = await maker.createForm(da3());
      const before = await formState(maker, form.id);
      await expectProblem(viewer.post('/eservices', da3()), 403, 'FORBIDDEN');
      await expectProblem(viewer.get('/eservices'), 403, 'FORBIDDEN');
      await expectProblem(viewer.get('/tasks'), 403, 'FORBIDDEN');
      await expectProblem(viewer.get(`/eservices/${form.id}`), 403, 'FORBIDDEN');
      await expectProblem(viewer.patch(`/eservices/${form.id}`, { remarks: 'x' }), 403, 'FORBIDDEN');
      await expectProblem(viewer.act(form.id, 'submit'), 403, 'FORBIDDEN');
      await expectUnchanged(maker, form.id, before);
    });

    it('anonymous callers and bad tokens get 401', async () => {
      const form = await maker.createForm(da3());
      const before = await formState(maker, form.id);
      const anonymous = await t.as();
      await expectProblem(anonymous.get('/me'), 401, 'UNAUTHENTICATED');
      await expectProblem(anonymous.get('/eservices'), 401, 'UNAUTHENTICATED');
      await expectProblem(anonymous.post('/eservices', da3()), 401, 'UNAUTHENTICATED');
      await expectProblem(anonymous.get(`/eservices/${form.id}`), 401, 'UNAUTHENTICATED');
      await expectProblem(anonymous.get(`/eservices/${form.id}/history`), 401, 'UNAUTHENTICATED');
      await expectProblem(anonymous.patch(`/eservices/${form.id}`, { remarks: 'x' }), 401, 'UNAUTHENTICATED');
      await expectProblem(anonymous.act(form.id, 'submit'), 401, 'UNAUTHENTICATED');
      await expectProblem(anonymous.get('/tasks'), 401, 'UNAUTHENTICATED');
      await expectProblem(anonymous.get('/participantships/HKSCC/B01234/user-profiles'), 401, 'UNAUTHENTICATED');
      const forged = new Api(t.app, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad-signature');
      await expectProblem(forged.get(`/eservices/${form.id}`), 401, 'UNAUTHENTICATED');
      await expectUnchanged(maker, form.id, before);
    });

    it('a wrong password is 401 problem+json', async () => {
      const anonymous = await t.as();
      await expectProblem(
        anonymous.post('/auth/login', { username: USERS.maker, password: 'Wrong!Passw0rd-2026' }),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('actors out of their role: an operator cannot create, a checker cannot complete, an operator cannot return', async () => {
      await expectProblem(operator.post('/eservices', da3()), 403);
      const sent = await sentToHkex(t, da3());
      const before = await formState(maker, sent.id);
      await expectProblem(checker2.act(sent.id, 'complete'), 403, 'ACTION_NOT_ALLOWED');
      await expectProblem(operator.act(sent.id, 'return', { message: 'x' }), 403, 'ACTION_NOT_ALLOWED');
      await expectProblem(operator.act(sent.id, 'clone'), 403, 'ACTION_NOT_ALLOWED');
      await expectUnchanged(maker, sent.id, before);
    });

    it('an unknown action is 404', async () => {
      const form = await maker.createForm(da3());
      const before = await formState(maker, form.id);
      await expectProblem(maker.act(form.id, 'approve'), 404);
      await expectUnchanged(maker, form.id, before);
    });
  });

  describe('stale If-Match → 412, and nothing changed', () => {
    it('the ETag is the version, and a PATCH with the current If-Match succeeds', async () => {
      const form = await maker.createForm(da3());
      const got = await expectStatus(maker.get(`/eservices/${form.id}`), 200);
      expect(got.headers.etag).toBe('"1"');
      const edited = await expectStatus(
        maker.patch(`/eservices/${form.id}`, { remarks: 'v2' }).set('If-Match', '"1"'),
        200,
      );
      expect(edited.body).toMatchObject({ version: 2, remarks: 'v2' });
      expect(edited.headers.etag).toBe('"2"');
    });

    it('PATCH with a stale If-Match: 412 STALE_VERSION', async () => {
      const form = await maker.createForm(da3());
      await expectStatus(maker.patch(`/eservices/${form.id}`, { remarks: 'first edit' }), 200);
      const before = await formState(maker, form.id);
      const problem = await expectProblem(
        maker.patch(`/eservices/${form.id}`, { remarks: 'second edit' }).set('If-Match', '"1"'),
        412,
        'STALE_VERSION',
      );
      expect(problem.currentVersion).toBe(2);
      await expectUnchanged(maker, form.id, before);
    });

    it('an action with a stale If-Match: 412, still a draft without a reference number', async () => {
      const form = await maker.createForm(da3());
      await expectStatus(maker.patch(`/eservices/${form.id}`, { remarks: 'edit' }), 200);
      const before = await formState(maker, form.id);
      await expectProblem(maker.act(form.id, 'submit').set('If-Match', '"1"'), 412, 'STALE_VERSION');
      await expectUnchanged(maker, form.id, before);
      expect(before.form).toMatchObject({ status: 'DRAFT', referenceNumber: null });
    });
  });

  describe('races: two people at once, exactly one wins', () => {
    const statuses = (results: { status: number }[]): number[] => results.map((r) => r.status).sort();

    it('two checkers claim at once: one 200, the other 409; one claim in the history', async () => {
      const form = await submitted(t, da3());
      const results = await Promise.all([checker.act(form.id, 'claim'), checker2.act(form.id, 'claim')]);
      expect(statuses(results)).toEqual([200, 409]);
      const winner = results.find((r) => r.status === 200)!;
      const loser = results.find((r) => r.status === 409)!;
      await expectProblem(Promise.resolve(loser), 409);
      const now = (await expectStatus(maker.get(`/eservices/${form.id}`), 200)).body;
      expect(now.claimedBy.name).toBe(winner.body.claimedBy.name);
      expect(actionsOf(await historyOf(maker, form.id), 'claim')).toBe(1);
    });

    it('the claiming checker confirms twice at once: one 200, one 409 naming SENT_TO_HKEX; one confirm in the history', async () => {
      const form = await submitted(t, da3());
      await expectStatus(checker2.act(form.id, 'claim'), 200);
      const results = await Promise.all([checker2.act(form.id, 'confirm'), checker2.act(form.id, 'confirm')]);
      expect(statuses(results)).toEqual([200, 409]);
      const problem = await expectProblem(Promise.resolve(results.find((r) => r.status === 409)!), 409);
      expect(problem.status).toBe(409);
      expect(['WRONG_STATE', 'CONFLICT']).toContain(problem.code);
      expect(problem.currentStatusLabel).toBe('Sent to HKEX');
      expect(actionsOf(await historyOf(maker, form.id), 'confirm')).toBe(1);
    });

    it('the maker submits twice at once: one reference number, one submit', async () => {
      const form = await maker.createForm(da3());
      const results = await Promise.all([maker.act(form.id, 'submit'), maker.act(form.id, 'submit')]);
      expect(statuses(results)).toEqual([200, 409]);
      const history = await historyOf(maker, form.id);
      expect(actionsOf(history, 'submit')).toBe(1);
    });

    it('the operator completes an ADD twice at once: one 202, one 409, and only one new DA in the registry', async () => {
      const co = await loadCompany(t);
      const sent = await sentToHkex(
        t,
        co.da3({
          requestType: 'ADD',
          lines: [{ surname: 'TSE', otherNames: 'ON', email: co.email('tse'), daRole: 'checker' }],
        }),
        crewOf(co),
      );
      const coMaker = await t.as(co.maker);
      const before = await listingOf(coMaker, co.listingPath());

      const results = await Promise.all([operator.act(sent.id, 'complete'), operator.act(sent.id, 'complete')]);

      expect(statuses(results)).toEqual([202, 409]);
      expect((await waitForForm(operator, sent.id, completionSettled)).status).toBe('COMPLETED');
      const after = await listingOf(coMaker, co.listingPath());
      expect(after.totals.totalUsers).toBe(before.totals.totalUsers + 1);
      expect(after.profiles.filter((p) => p.surname === 'TSE')).toHaveLength(1);
      expect(actionsOf(await historyOf(coMaker, sent.id), 'complete')).toBe(1);
    });

    it('the maker reclaims while a checker claims: exactly one wins and the form is consistent', async () => {
      const form = await submitted(t, da3());
      const [reclaim, claim] = await Promise.all([maker.act(form.id, 'reclaim'), checker2.act(form.id, 'claim')]);
      expect(statuses([reclaim, claim])).toEqual([200, 409]);
      const now = (await expectStatus(maker.get(`/eservices/${form.id}`), 200)).body;
      if (reclaim.status === 200) expect(now).toMatchObject({ status: 'DRAFT', claimedBy: null });
      else expect(now).toMatchObject({ status: 'READY_TO_SEND', claimedBy: { name: 'E Lee' } });
    });

    it('complete and reject at once: exactly one wins and the form has one end', async () => {
      const sent = await sentToHkex(t, noOpChange());
      const results = await Promise.all([
        operator.act(sent.id, 'complete'),
        operator.act(sent.id, 'reject', { reason: 'duplicate request' }),
      ]);
      // complete answers 202 (a worker applies it), reject 200: whichever came first wins.
      const [complete, reject] = results.map((r) => r.status);
      expect([complete, reject].sort()).toEqual(complete === 202 ? [202, 409] : [200, 409]);
      const settled = await waitForForm(operator, sent.id, completionSettled);
      expect(settled.status).toBe(complete === 202 ? 'COMPLETED' : 'REJECTED');
      const history = await historyOf(maker, sent.id);
      expect(actionsOf(history, 'complete') + actionsOf(history, 'reject')).toBe(1);
    });
  });

  describe('wrong state → 409 WRONG_STATE naming the current status', () => {
    type Stage = 'DRAFT' | 'READY_TO_SEND' | 'SENT_TO_HKEX' | 'COMPLETED' | 'REJECTED' | 'DISCARDED';
    const reach = async (stage: Stage): Promise<FormJson> => {
      switch (stage) {
        case 'DRAFT':
          return maker.createForm(da3());
        case 'READY_TO_SEND':
          return submitted(t, da3());
        case 'SENT_TO_HKEX':
          return sentToHkex(t, da3());
        case 'COMPLETED':
          return completed(t, noOpChange(), DEMO_CREW);
        case 'REJECTED': {
          const sent = await sentToHkex(t, da3());
          return (await expectStatus(operator.act(sent.id, 'reject', { reason: 'no' }), 200)).body as FormJson;
        }
        case 'DISCARDED': {
          const draft = await maker.createForm(da3());
          return (await expectStatus(maker.act(draft.id, 'discard'), 200)).body as FormJson;
        }
      }
    };
    const actor = (who: 'maker' | 'checker' | 'operator'): Api => ({ maker, checker: checker2, operator })[who];

    it.each<[Stage, string, 'maker' | 'checker' | 'operator', string]>([
      ['DRAFT', 'claim', 'checker', 'Draft'],
      ['DRAFT', 'confirm', 'checker', 'Draft'],
      ['DRAFT', 'release', 'checker', 'Draft'],
      ['DRAFT', 'return', 'checker', 'Draft'],
      ['DRAFT', 'reclaim', 'maker', 'Draft'],
      ['READY_TO_SEND', 'submit', 'maker', 'Ready to Send to HKEX'],
      ['READY_TO_SEND', 'discard', 'maker', 'Ready to Send to HKEX'],
      ['SENT_TO_HKEX', 'reclaim', 'maker', 'Sent to HKEX'],
      ['SENT_TO_HKEX', 'claim', 'checker', 'Sent to HKEX'],
      ['SENT_TO_HKEX', 'confirm', 'checker', 'Sent to HKEX'],
      ['COMPLETED', 'complete', 'operator', 'Completed'],
      ['COMPLETED', 'reject', 'operator', 'Completed'],
      ['COMPLETED', 'claim', 'operator', 'Completed'],
      ['COMPLETED', 'submit', 'maker', 'Completed'],
      ['REJECTED', 'complete', 'operator', 'Rejected'],
      ['DISCARDED', 'submit', 'maker', 'Discarded'],
      ['DISCARDED', 'discard', 'maker', 'Discarded'],
    ])('%s: %s by the %s → 409 naming %s', async (stage, action, who, label) => {
      const form = await reach(stage);
      const before = await formState(maker, form.id);
      const problem = await expectProblem(
        actor(who).act(form.id, action, { message: 'm', reason: 'r' }),
        409,
        'WRONG_STATE',
      );
      expect(problem).toMatchObject({ status: 409, currentStatusLabel: label });
      await expectUnchanged(maker, form.id, before);
    });

    it.each<Stage>(['READY_TO_SEND', 'SENT_TO_HKEX', 'COMPLETED', 'DISCARDED'])(
      'editing a form that is %s → 409 WRONG_STATE',
      async (stage) => {
        const form = await reach(stage);
        const before = await formState(maker, form.id);
        const problem = await expectProblem(
          maker.patch(`/eservices/${form.id}`, { remarks: 'late edit' }),
          409,
          'WRONG_STATE',
        );
        expect(problem.status).toBe(409);
        await expectUnchanged(maker, form.id, before);
      },
    );
  });

  describe('bad User IDs and content → 400 with field paths', () => {
    it.each([
      ['7 characters', 'B01234X'],
      ['9 characters', 'B01234X12'],
      ['a punctuation mark', 'B01234-1'],
    ])('a User ID of %s is refused at create and at edit', async (_, userId) => {
      const lines = [{ userId, email: 'taiman.chan@bank.com.hk' }];
      const problem = await expectProblem(maker.post('/eservices', da3({ lines })), 400, 'VALIDATION');
      expect(fieldsOf(problem)).toEqual(['lines[0].userId']);

      const draft = await maker.createForm(da3());
      const before = await formState(maker, draft.id);
      const onEdit = await expectProblem(
        maker.patch(`/eservices/${draft.id}`, { lines: [{ userId: 'B01234X1', email: 'a@bank.com.hk' }, ...lines] }),
        400,
      );
      expect(fieldsOf(onEdit)).toEqual(['lines[1].userId']);
      await expectUnchanged(maker, draft.id, before);
    });

    it.each([
      [
        'a User ID of another prefix',
        { lines: [{ userId: 'B05678X1', email: 'sm.ma@xyz.com.hk' }] },
        ['lines[0].userId'],
      ],
      [
        'the DA pattern for an ADD naming an existing user',
        { requestType: 'ADD', lines: [{ userId: 'B01234X1', email: 'taiman.chan@bank.com.hk', daRole: 'checker' }] },
        ['lines[0].userId'],
      ],
      [
        'the same User ID on two lines',
        {
          lines: [
            { userId: 'B01234X1', email: 'one@bank.com.hk' },
            { userId: 'b01234x1', email: 'two@bank.com.hk' },
          ],
        },
        ['lines[1].userId'],
      ],
      ['a CHANGE line without a User ID', { lines: [{ email: 'x@bank.com.hk' }] }, ['lines[0].userId']],
      [
        'a CHANGE line with a surname',
        { lines: [{ userId: 'B01234X1', email: 'x@bank.com.hk', surname: 'CHAN' }] },
        ['lines[0].surname'],
      ],
      [
        'an ADD line without a role or names',
        { requestType: 'ADD', lines: [{ email: 'new@bank.com.hk' }] },
        ['lines[0].daRole', 'lines[0].surname', 'lines[0].otherNames'],
      ],
      ['no lines', { lines: [] }, ['lines']],
      ['no request type', { requestType: null }, ['requestType']],
      ['the declaration not accepted', { declarationAccepted: false }, ['declarationAccepted']],
      ['a contact without a phone', { contacts: [{ name: 'AAA', email: 'aaa@bank.com.hk' }] }, ['contacts[0].phone']],
      ['no contact person', { contacts: [] }, ['contacts']],
    ])('%s: saved as a draft, refused at submit (400 FORM_INVALID) and nothing changes', async (_, content, fields) => {
      const draft = await maker.createForm(da3(content));
      const before = await formState(maker, draft.id);
      const problem = await expectProblem(maker.act(draft.id, 'submit'), 400, 'FORM_INVALID');
      expect(fieldsOf(problem)).toEqual(expect.arrayContaining(fields));
      await expectUnchanged(maker, draft.id, before);
    });

    it.each([
      ['formType', { formType: 'DA5' }],
      ['clearingHouse', { clearingHouse: 'HKEX' }],
      ['requestType', { requestType: 'RENAME' }],
      ['declarationAccepted', { declarationAccepted: 'yes' }],
      ['remarks', { remarks: 5 }],
      ['remarks', { remarks: 'r'.repeat(1001) }],
      ['lines', { lines: 'B01234X1' }],
      [
        'lines',
        {
          lines: Array.from({ length: 21 }, (_, i) => ({
            userId: `B01234${String(i).padStart(2, '0')}`,
            email: 'a@bank.com.hk',
          })),
        },
      ],
      ['lines[0]', { lines: [null] }],
      ['lines[0].email', { lines: [{ userId: 'B01234X1', email: 'not-an-email' }] }],
      [
        'lines[0].daRole',
        { requestType: 'ADD', lines: [{ surname: 'A', otherNames: 'B', email: 'a@bank.com.hk', daRole: 'boss' }] },
      ],
      ['contacts[0].email', { contacts: [{ name: 'AAA', email: 'nope', phone: '1' }] }],
    ])('a wrong type or format is refused at create with the field %s', async (field, content) => {
      const problem = await expectProblem(maker.post('/eservices', da3(content)), 400, 'VALIDATION');
      expect(fieldsOf(problem)).toContain(field);
    });

    it.each([
      ['a top-level field', da3({ owner: 'me' }), 'owner'],
      [
        'a field on a line',
        da3({ lines: [{ userId: 'B01234X1', email: 'a@bank.com.hk', role: 'maker' }] }),
        'lines[0].role',
      ],
      [
        'a field on a contact',
        da3({ contacts: [{ name: 'A', email: 'a@bank.com.hk', phone: '1', fax: '2' }] }),
        'contacts[0].fax',
      ],
      ['a status', da3({ status: 'COMPLETED' }), 'status'],
      ['a reference number', da3({ referenceNumber: 'DA3_99999999' }), 'referenceNumber'],
      [
        'an assigned User ID, which only HKEX sets',
        da3({
          requestType: 'ADD',
          lines: [
            { surname: 'A', otherNames: 'B', email: 'a@bank.com.hk', daRole: 'maker', assignedUserId: 'B01234X9' },
          ],
        }),
        'lines[0].assignedUserId',
      ],
    ])('an unknown field (%s) is refused at create with its path', async (_, body, field) => {
      const problem = await expectProblem(maker.post('/eservices', body), 400, 'VALIDATION');
      expect(fieldsOf(problem)).toContain(field);
    });

    it.each([
      ['status', { status: 'COMPLETED' }],
      ['referenceNumber', { referenceNumber: 'DA3_99999999' }],
      ['formType', { formType: 'DA4' }],
      ['participantId', { participantId: 'B05678' }],
      ['version', { version: 99 }],
    ])('an edit cannot write %s: 400 unknown field, nothing changes', async (field, body) => {
      const draft = await maker.createForm(da3());
      const before = await formState(maker, draft.id);
      const problem = await expectProblem(maker.patch(`/eservices/${draft.id}`, body), 400, 'VALIDATION');
      expect(fieldsOf(problem)).toContain(field);
      await expectUnchanged(maker, draft.id, before);
    });

    it.each([
      ['lines', { lines: null }],
      ['contacts', { contacts: null }],
      ['declarationAccepted', { declarationAccepted: null }],
      ['contacts[0].phone', { contacts: [{ name: 'AAA', email: 'aaa@bank.com.hk', phone: null }] }],
    ])(
      'null in %s, which has no null in the contract, is a 400 naming it at create and edit; nothing changes',
      async (field, body) => {
        const created = await expectProblem(maker.post('/eservices', da3(body)), 400, 'VALIDATION');
        expect(fieldsOf(created)).toContain(field);
        const draft = await maker.createForm(da3());
        const before = await formState(maker, draft.id);
        const edited = await expectProblem(maker.patch(`/eservices/${draft.id}`, body), 400, 'VALIDATION');
        expect(fieldsOf(edited)).toContain(field);
        await expectUnchanged(maker, draft.id, before);
      },
    );

    it('null clears the fields that may be null: remarks, the request type, a line field', async () => {
      const draft = await maker.createForm(
        da3({ remarks: 'r', lines: [{ userId: 'B01234X1', email: 'a@bank.com.hk' }] }),
      );
      const res = await expectStatus(
        maker.patch(`/eservices/${draft.id}`, {
          remarks: null,
          requestType: null,
          lines: [{ userId: null, email: 'a@bank.com.hk' }],
        }),
        200,
      );
      expect(res.body).toMatchObject({ remarks: null, requestType: null, lines: [{ email: 'a@bank.com.hk' }] });
      expect(res.body.lines[0]).not.toHaveProperty('userId');
    });

    it('an action body with an unknown field, or a message over 500 characters, is refused and changes nothing', async () => {
      const draft = await maker.createForm(da3());
      const before = await formState(maker, draft.id);
      expect(
        fieldsOf(await expectProblem(maker.act(draft.id, 'submit', { status: 'COMPLETED' }), 400, 'VALIDATION')),
      ).toContain('status');
      expect(
        fieldsOf(await expectProblem(maker.act(draft.id, 'submit', { message: 'm'.repeat(501) }), 400, 'VALIDATION')),
      ).toContain('message');
      await expectUnchanged(maker, draft.id, before);
    });
  });

  describe('malformed and oversize bodies', () => {
    it('malformed JSON → 400 on create, edit and action; nothing changes', async () => {
      const draft = await maker.createForm(da3());
      const before = await formState(maker, draft.id);
      const broken = '{"formType": "DA3", ';
      await expectProblem(maker.post('/eservices').set('Content-Type', 'application/json').send(broken), 400);
      await expectProblem(maker.patch(`/eservices/${draft.id}`, broken).set('Content-Type', 'application/json'), 400);
      await expectProblem(
        maker.post(`/eservices/${draft.id}/submit`).set('Content-Type', 'application/json').send(broken),
        400,
      );
      await expectUnchanged(maker, draft.id, before);
    });

    it('a body over 64 KiB → 413 on create and edit; nothing changes', async () => {
      const draft = await maker.createForm(da3());
      const before = await formState(maker, draft.id);
      const huge = 'x'.repeat(65 * 1024);
      await expectProblem(maker.post('/eservices', da3({ remarks: huge })), 413, 'PAYLOAD_TOO_LARGE');
      await expectProblem(maker.patch(`/eservices/${draft.id}`, { remarks: huge }), 413, 'PAYLOAD_TOO_LARGE');
      await expectUnchanged(maker, draft.id, before);
    });

    it('a body that is not JSON → 415', async () => {
      await expectProblem(maker.post('/eservices').set('Content-Type', 'text/plain').send('formType=DA3'), 415);
    });

    it('a JSON array or null as the body → 400', async () => {
      await expectProblem(maker.post('/eservices', []), 400);
      await expectProblem(maker.post('/eservices').set('Content-Type', 'application/json').send('null'), 400);
    });
  });

  describe('business rules → 422 (SPEC §3, §4)', () => {
    it.each([
      [
        'an unknown DA (CHANGE of B01234X9)',
        { lines: [{ userId: 'B01234X9', email: 'nobody@bank.com.hk' }] },
        'lines[0].userId',
      ],
      [
        'a non-DA user named as a DA (CHANGE of B0123402)',
        { lines: [{ userId: 'B0123402', email: 'wsho@bank.com.hk' }] },
        'lines[0].userId',
      ],
      [
        'an unknown user for ADD (B0123499)',
        { requestType: 'ADD', lines: [{ userId: 'B0123499', email: 'x@bank.com.hk', daRole: 'maker' }] },
        'lines[0].userId',
      ],
      [
        'an ADD naming an existing DA',
        { requestType: 'ADD', lines: [{ userId: 'B01234X1', email: 'taiman.chan@bank.com.hk', daRole: 'maker' }] },
        'lines[0].userId',
      ],
      [
        'an e-mail mismatch for UNLOCK',
        { requestType: 'UNLOCK', lines: [{ userId: 'B01234X1', email: 'someone.else@bank.com.hk' }] },
        'lines[0].email',
      ],
      [
        'an e-mail mismatch for ENABLE',
        { requestType: 'ENABLE', lines: [{ userId: 'B01234X1', email: 'someone.else@bank.com.hk' }] },
        'lines[0].email',
      ],
      [
        'an e-mail mismatch for DISABLE',
        { requestType: 'DISABLE', lines: [{ userId: 'B01234X1', email: 'someone.else@bank.com.hk' }] },
        'lines[0].email',
      ],
      [
        'an e-mail mismatch for DELETE',
        { requestType: 'DELETE', lines: [{ userId: 'B01234X1', email: 'someone.else@bank.com.hk' }] },
        'lines[0].email',
      ],
      [
        'a DISABLE leaving one enabled checker',
        { requestType: 'DISABLE', lines: [{ userId: 'B01234X3', email: 'elee@bank.com.hk' }] },
        'lines',
      ],
      [
        'a DELETE of the only maker',
        { requestType: 'DELETE', lines: [{ userId: 'B01234X1', email: 'taiman.chan@bank.com.hk' }] },
        'lines',
      ],
    ])('%s → 422 BUSINESS_RULE at submit, nothing changes', async (_, content, field) => {
      // ADD of an existing DA has the DA pattern, which the content rules refuse first (400).
      const draft = await maker.createForm(da3(content));
      const before = await formState(maker, draft.id);
      const problem = await expectProblem(
        maker.act(draft.id, 'submit'),
        (content as { requestType?: string }).requestType === 'ADD' && content.lines[0].userId === 'B01234X1'
          ? 400
          : 422,
      );
      expect(fieldsOf(problem)).toContain(field);
      await expectUnchanged(maker, draft.id, before);
    });

    it('quota full: an ADD of a new DA → 422 naming the missing account', async () => {
      const co = await loadCompany(t, { maxUsers: 4 });
      const coMaker = await t.as(co.maker);
      const draft = await coMaker.createForm(
        co.da3({
          requestType: 'ADD',
          lines: [{ surname: 'FULL', otherNames: 'QUOTA', email: co.email('full'), daRole: 'maker' }],
        }),
      );
      const before = await formState(coMaker, draft.id);
      const problem = await expectProblem(coMaker.act(draft.id, 'submit'), 422, 'BUSINESS_RULE');
      expect(fieldsOf(problem)).toEqual(['lines']);
      expect(problem.errors![0].message).toMatch(/maximum of 4/);
      await expectUnchanged(coMaker, draft.id, before);
    });

    it('HKEX re-checks at completion: a DISABLE that became illegal after another completed → 422, the form stays Sent to HKEX', async () => {
      // 1 maker, 3 checkers: each DISABLE alone keeps two checkers, both together would not.
      const co = await loadCompany(t, { extraProfiles: (id, email) => [daProfile(id('X4'), 'checker', email('x4'))] });
      const crew = crewOf(co);
      const first = await sentToHkex(
        t,
        co.da3({ requestType: 'DISABLE', lines: [{ userId: co.id('X3'), email: co.email('x3') }] }),
        crew,
      );
      const second = await sentToHkex(
        t,
        co.da3({ requestType: 'DISABLE', lines: [{ userId: co.id('X4'), email: co.email('x4') }] }),
        crew,
      );
      expect((await completeByOperator(t, first.id)).status).toBe('COMPLETED');
      const coMaker = await t.as(co.maker);
      const registry = await listingOf(coMaker, co.listingPath());
      const before = await formState(coMaker, second.id);

      const problem = await expectProblem(operator.act(second.id, 'complete'), 422, 'BUSINESS_RULE');

      expect(fieldsOf(problem)).toContain('lines');
      await expectUnchanged(coMaker, second.id, before);
      expect(await listingOf(coMaker, co.listingPath())).toEqual(registry);
    });
  });
});
