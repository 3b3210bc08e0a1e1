import { ERROR_STATUS, ErrorCode } from '../../src/common/errors';
import { expectProblem, loadOperator } from '../support/fixtures';
import { Api, da3, da4, expectStatus, FormJson, startTestApp, TestApp, USERS } from '../support/test-app';
import { completeByOperator, sentToHkex } from '../support/workflow';

/**
 * The form view's allowedActions (SPEC §11) against the actions themselves, over HTTP: for
 * every status × actor × guard fact (claimed by the caller, by another or by no one; a
 * contributor or not; a form that concerns the caller or not), each action the view lists is
 * taken — an allowed one on a fresh copy of the form succeeds, a refused one answers the
 * refusal's code and changes nothing.
 */

const OPERATOR2 = 'ops2@hkex.com.hk';
type Actor = 'maker' | 'checker' | 'checker2' | 'operator' | 'operator2';
const ACTORS: readonly Actor[] = ['maker', 'checker', 'checker2', 'operator', 'operator2'];
const USERNAME: Record<Actor, string> = {
  maker: USERS.maker,
  checker: USERS.checker,
  checker2: USERS.checker2,
  operator: USERS.operator,
  operator2: OPERATOR2,
};

/** Written out from SPEC §9 and §11: `edit` and the URL actions of each kind of caller. */
const PARTICIPANT_ACTIONS = ['edit', 'discard', 'submit', 'reclaim', 'claim', 'release', 'return', 'confirm', 'clone'];
const OPERATOR_ACTIONS = ['claim', 'release', 'complete', 'reject'];

/** A CHANGE of D Wong's own DA profile (B01234X2): it concerns him. */
const concerningDWong = () => da3({ lines: [{ userId: 'B01234X2', email: 'dwong.new@bank.com.hk' }] });

interface AllowedAction {
  action: string;
  allowed: boolean;
  reason?: { code: ErrorCode; detail: string };
}

describe('allowedActions in the form view agree with the actions (SPEC §11)', () => {
  let t: TestApp;
  const api = {} as Record<Actor, Api>;

  beforeAll(async () => {
    t = await startTestApp();
    await loadOperator(t, OPERATOR2, 'HKEX Operator 2');
    for (const actor of ACTORS) api[actor] = await t.as(USERNAME[actor]);
  }, 60_000);
  afterAll(() => t.close());

  const submitted = async (body: object, editor?: Actor): Promise<FormJson> => {
    const form = await api.maker.createForm(body);
    if (editor) await expectStatus(api[editor].patch(`/eservices/${form.id}`, { remarks: `edited by ${editor}` }), 200);
    return (await expectStatus(api.maker.act(form.id, 'submit'), 200)).body as FormJson;
  };
  const claimedBy = async (body: object, checker: Actor): Promise<FormJson> => {
    const form = await submitted(body);
    return (await expectStatus(api[checker].act(form.id, 'claim'), 200)).body as FormJson;
  };
  const sent = async (claimer?: Actor): Promise<FormJson> => {
    const form = await sentToHkex(t, da4());
    if (!claimer) return form;
    return (await expectStatus(api[claimer].act(form.id, 'claim'), 200)).body as FormJson;
  };

  /** Each form the table can meet, built through the API: status and guard facts. */
  const SCENARIOS: Record<string, () => Promise<FormJson>> = {
    'a draft': () => api.maker.createForm(da4()),
    'a draft returned to its maker': async () => {
      const form = await claimedBy(da4(), 'checker');
      return (await expectStatus(api.checker.act(form.id, 'return', { message: 'fix it' }), 200)).body as FormJson;
    },
    'a discarded draft': async () => {
      const form = await api.maker.createForm(da4());
      return (await expectStatus(api.maker.act(form.id, 'discard'), 200)).body as FormJson;
    },
    'Ready to Send, unclaimed': () => submitted(da4()),
    'Ready to Send, claimed by D Wong': () => claimedBy(da4(), 'checker'),
    'Ready to Send, claimed by E Lee': () => claimedBy(da4(), 'checker2'),
    'Ready to Send, E Lee edited it (a contributor), unclaimed': () => submitted(da4(), 'checker2'),
    'Ready to Send, D Wong edited it and E Lee claimed it': async () => {
      const form = await submitted(da4(), 'checker');
      return (await expectStatus(api.checker2.act(form.id, 'claim'), 200)).body as FormJson;
    },
    'Ready to Send, concerns D Wong, unclaimed': () => submitted(concerningDWong()),
    'Ready to Send, concerns D Wong, claimed by D Wong': () => claimedBy(concerningDWong(), 'checker'),
    'Ready to Send, concerns D Wong, claimed by E Lee': () => claimedBy(concerningDWong(), 'checker2'),
    'Sent to HKEX, unclaimed': () => sent(),
    'Sent to HKEX, claimed by Operator 1': () => sent('operator'),
    'Sent to HKEX, claimed by Operator 2': () => sent('operator2'),
    Completed: async () => completeByOperator(t, (await sent()).id),
    Rejected: async () => {
      const form = await sent();
      return (await expectStatus(api.operator.act(form.id, 'reject', { reason: 'wrong quota' }), 200)).body as FormJson;
    },
  };

  const allowedActionsOf = async (actor: Actor, id: string): Promise<AllowedAction[]> => {
    const res = await expectStatus(api[actor].get(`/eservices/${id}`), 200);
    return res.body.allowedActions as AllowedAction[];
  };

  /** Takes the action as the API's client would, with a message and a reason (return and reject need them). */
  const take = (actor: Actor, id: string, action: string) =>
    action === 'edit'
      ? api[actor].patch(`/eservices/${id}`, { remarks: 'edited' })
      : api[actor].act(id, action, { message: 'a message', reason: 'a reason' });

  /** A participant sees no form before it is theirs to see; an operator none before HKEX: those pairs are 404s. */
  const sees = (actor: Actor, form: FormJson) =>
    !actor.startsWith('operator') || ['SENT_TO_HKEX', 'COMPLETED', 'REJECTED'].includes(form.status);

  const CASES = Object.keys(SCENARIOS).flatMap((scenario) => ACTORS.map((actor) => ({ scenario, actor })));

  it.each(CASES)('$scenario, seen by $actor', async ({ scenario, actor }) => {
    const form = await SCENARIOS[scenario]();
    if (!sees(actor, form)) {
      await expectProblem(api[actor].get(`/eservices/${form.id}`), 404, 'NOT_FOUND');
      return;
    }
    const listed = await allowedActionsOf(actor, form.id);
    expect(listed.map((a) => a.action)).toEqual(actor.startsWith('operator') ? OPERATOR_ACTIONS : PARTICIPANT_ACTIONS);

    for (const entry of listed) {
      if (entry.allowed) {
        expect(entry.reason).toBeUndefined();
        // An allowed action changes the form: it is taken on a fresh copy, whose view says the same.
        const fresh = await SCENARIOS[scenario]();
        expect((await allowedActionsOf(actor, fresh.id)).find((a) => a.action === entry.action)).toEqual(entry);
        const res = await take(actor, fresh.id, entry.action);
        expect({ action: entry.action, status: res.status }).toEqual({
          action: entry.action,
          status: entry.action === 'clone' ? 201 : entry.action === 'complete' ? 202 : 200,
        });
      } else {
        const { code, detail } = entry.reason!;
        expect(typeof detail).toBe('string');
        expect(detail.length).toBeGreaterThan(0);
        const before = await expectStatus(api[actor].get(`/eservices/${form.id}`), 200);
        const problem = await expectProblem(take(actor, form.id, entry.action), ERROR_STATUS[code], code);
        expect(problem.code).toBe(code);
        const after = await expectStatus(api[actor].get(`/eservices/${form.id}`), 200);
        expect(after.body.version).toBe(before.body.version);
        expect(after.body.status).toBe(before.body.status);
      }
    }
  });

  // --- the words, for the cases a person meets most ----------------------------------------

  const reasonOf = async (actor: Actor, id: string, action: string) =>
    (await allowedActionsOf(actor, id)).find((a) => a.action === action)!;

  it('tells the maker they submitted the form, and another checker who holds it', async () => {
    const form = await claimedBy(da4(), 'checker');
    expect(await reasonOf('maker', form.id, 'claim')).toEqual({
      action: 'claim',
      allowed: false,
      reason: { code: 'FOUR_EYES', detail: 'you submitted this form' },
    });
    expect(await reasonOf('checker2', form.id, 'confirm')).toEqual({
      action: 'confirm',
      allowed: false,
      reason: { code: 'CLAIMED_BY_OTHER', detail: 'claimed by D Wong' },
    });
    expect(await reasonOf('checker2', form.id, 'claim')).toEqual({
      action: 'claim',
      allowed: false,
      reason: { code: 'ALREADY_CLAIMED', detail: 'claimed by D Wong' },
    });
    expect(await reasonOf('checker', form.id, 'confirm')).toEqual({ action: 'confirm', allowed: true });
  });

  it('tells a checker that a form concerns them, and lets them claim it all the same', async () => {
    const form = await claimedBy(concerningDWong(), 'checker');
    const actions = await allowedActionsOf('checker', form.id);
    expect(actions.find((a) => a.action === 'confirm')).toEqual({
      action: 'confirm',
      allowed: false,
      reason: { code: 'SELF_CONCERNING', detail: 'this form concerns you' },
    });
    expect(actions.find((a) => a.action === 'release')).toEqual({ action: 'release', allowed: true });
  });

  it('names the status of a final form, and names an operator to another operator', async () => {
    const done = await completeByOperator(t, (await sent()).id);
    expect((await allowedActionsOf('operator', done.id)).every((a) => !a.allowed)).toBe(true);
    expect(await reasonOf('maker', done.id, 'edit')).toEqual({
      action: 'edit',
      allowed: false,
      reason: { code: 'WRONG_STATE', detail: 'the form is Completed' },
    });
    expect(await reasonOf('maker', done.id, 'clone')).toEqual({ action: 'clone', allowed: true });

    const held = await sent('operator2');
    expect(await reasonOf('operator', held.id, 'complete')).toEqual({
      action: 'complete',
      allowed: false,
      reason: { code: 'CLAIMED_BY_OTHER', detail: 'claimed by HKEX Operator 2' },
    });
  });

  it('return and reject are allowed without their message or reason, which the action itself asks for (400)', async () => {
    const form = await claimedBy(da4(), 'checker');
    expect(await reasonOf('checker', form.id, 'return')).toEqual({ action: 'return', allowed: true });
    await expectProblem(api.checker.act(form.id, 'return', {}), 400, 'VALIDATION');
    const atHkex = await sent();
    expect(await reasonOf('operator', atHkex.id, 'reject')).toEqual({ action: 'reject', allowed: true });
    await expectProblem(api.operator.act(atHkex.id, 'reject', {}), 400, 'VALIDATION');
  });

  it('is in the single-form view only: not in list rows, tasks, nor the answers of writes', async () => {
    const form = await api.maker.createForm(da4());
    expect(form).not.toHaveProperty('allowedActions');
    const edited = await expectStatus(api.maker.patch(`/eservices/${form.id}`, { remarks: 'x' }), 200);
    expect(edited.body).not.toHaveProperty('allowedActions');
    const list = await expectStatus(api.maker.get('/eservices'), 200);
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const item of list.body.items) expect(item).not.toHaveProperty('allowedActions');
    const tasks = await expectStatus(api.checker.get('/tasks'), 200);
    for (const item of tasks.body.items) expect(item).not.toHaveProperty('allowedActions');
    const viewed = await expectStatus(api.maker.get(`/eservices/${form.id}`), 200);
    expect(viewed.body.allowedActions).toEqual(expect.arrayContaining([{ action: 'submit', allowed: true }]));
  });
});

describe('allowedActions while a completion waits for its worker', () => {
  let t: TestApp;
  // No workers: a requested completion stays requested.
  beforeAll(async () => {
    t = await startTestApp({ env: { WORKERS: 'off' } });
    await loadOperator(t, OPERATOR2, 'HKEX Operator 2');
  }, 60_000);
  afterAll(() => t.close());

  it('claim, complete and reject are refused with COMPLETION_PENDING, in the view and by the actions, naming who asked', async () => {
    const maker = await t.as(USERS.maker);
    const checker = await t.as(USERS.checker);
    const [operator, operator2] = [await t.as(USERS.operator), await t.as(OPERATOR2)];
    const form = await maker.createForm(da4());
    await expectStatus(maker.act(form.id, 'submit'), 200);
    await expectStatus(checker.act(form.id, 'claim'), 200);
    await expectStatus(checker.act(form.id, 'confirm'), 200);
    await expectStatus(operator.act(form.id, 'complete'), 202);

    for (const api of [operator, operator2]) {
      const view = await expectStatus(api.get(`/eservices/${form.id}`), 200);
      const byAction = new Map((view.body.allowedActions as AllowedAction[]).map((a) => [a.action, a]));
      for (const action of ['claim', 'complete', 'reject'])
        expect(byAction.get(action)).toEqual({
          action,
          allowed: false,
          reason: { code: 'COMPLETION_PENDING', detail: 'a completion requested by HKEX Operator 1 is being applied' },
        });
      await expectProblem(api.act(form.id, 'claim'), 409, 'COMPLETION_PENDING');
      await expectProblem(api.act(form.id, 'complete'), 409, 'COMPLETION_PENDING');
      await expectProblem(api.act(form.id, 'reject', { reason: 'no' }), 409, 'COMPLETION_PENDING');
    }
  });
});
