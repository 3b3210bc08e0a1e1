import { randomUUID } from 'node:crypto';
import { expectProblem, expectUnchanged, fieldsOf, formState, historyOf } from '../support/fixtures';
import { Api, da3, da4, expectStatus, FormJson, startTestApp, TestApp, USERS } from '../support/test-app';
import { completionSettled, sentToHkex, submitted, waitForForm } from '../support/workflow';

interface BulkResult {
  id: string;
  ok: boolean;
  form?: FormJson;
  problem?: { status: number; code: string; detail: string; instance: string };
}

/** The fields a problem names, each once (a field can break several of its rules). */
const fieldsNamed = (problem: Parameters<typeof fieldsOf>[0]): string[] => [...new Set(fieldsOf(problem))];

const bulk = (api: Api, action: string, body: object) => api.post(`/eservices/bulk/${action}`, body);

async function resultsOf(test: ReturnType<typeof bulk>): Promise<BulkResult[]> {
  const res = await expectStatus(test, 200);
  return res.body.results as BulkResult[];
}

/**
 * SPEC §13 bulk work: `POST /api/v1/eservices/bulk/{action}` `{ids, message?}`; each form passes
 * the single action's rules and answers for itself, 200 even when some fail, at most 100 ids,
 * Idempotency-Key honoured.
 */
describe('Bulk actions', () => {
  let t: TestApp;
  let checker: Api;
  let checker2: Api;
  let operator: Api;

  beforeAll(async () => {
    t = await startTestApp();
    checker = await t.as(USERS.checker);
    checker2 = await t.as(USERS.checker2);
    operator = await t.as(USERS.operator);
  });
  afterAll(() => t.close());

  it('a checker claims many forms: each answers for itself, in order, and a refused one is left as it was', async () => {
    const free = await submitted(t, da3());
    const alsoFree = await submitted(t, da4());
    const claimedByOther = await submitted(t, da3());
    await expectStatus(checker2.act(claimedByOther.id, 'claim'), 200);
    // D Wong submitted this one himself (as a maker of the company): four eyes refuse his claim.
    const own = await submitted(t, da3(), { maker: USERS.checker, checker: USERS.checker2, operator: USERS.operator });
    const foreign = await submitted(
      t,
      da3({ participantId: 'B05678', lines: [{ userId: 'B05678X1', email: 'new.ma@xyz.com.hk' }] }),
      { maker: USERS.otherMaker, checker: USERS.otherChecker, operator: USERS.operator },
    );
    const missing = randomUUID();
    const before = await formState(checker, claimedByOther.id);
    const ownBefore = await formState(checker, own.id);

    const ids = [free.id, claimedByOther.id, own.id, missing, alsoFree.id, foreign.id];
    const results = await resultsOf(bulk(checker, 'claim', { ids }));
    expect(results.map((r) => [r.id, r.ok, r.problem?.code ?? null])).toEqual([
      [free.id, true, null],
      [claimedByOther.id, false, 'ALREADY_CLAIMED'],
      [own.id, false, 'FOUR_EYES'],
      [missing, false, 'NOT_FOUND'],
      [alsoFree.id, true, null],
      // Another company's form is answered exactly as one that does not exist.
      [foreign.id, false, 'NOT_FOUND'],
    ]);
    expect(results[0].form).toMatchObject({ id: free.id, claimedBy: { name: 'D Wong' } });
    expect(results[1].problem).toMatchObject({
      status: 409,
      detail: 'The form is already claimed.',
      instance: `/api/v1/eservices/${claimedByOther.id}/claim`,
    });
    expect(results[2].problem!.status).toBe(403);
    expect(results[3].problem!.status).toBe(404);
    await expectUnchanged(checker, claimedByOther.id, before);
    await expectUnchanged(checker, own.id, ownBefore);
    // The same as the single action: one claim entry in each claimed form's history.
    for (const id of [free.id, alsoFree.id])
      expect((await historyOf(checker, id)).filter((h) => h.action === 'claim')).toHaveLength(1);
  });

  it('confirm with a message, then release: the message reaches each history; a form not claimed is refused', async () => {
    const a = await submitted(t, da3());
    const b = await submitted(t, da3());
    const c = await submitted(t, da3());
    await resultsOf(bulk(checker, 'claim', { ids: [a.id, b.id, c.id] }));
    const released = await resultsOf(bulk(checker, 'release', { ids: [c.id] }));
    expect(released[0]).toMatchObject({ ok: true, form: { claimedBy: null } });

    const results = await resultsOf(
      bulk(checker, 'confirm', { ids: [a.id, b.id, c.id], message: 'Checked against our list' }),
    );
    expect(results.map((r) => [r.ok, r.form?.status ?? r.problem?.code])).toEqual([
      [true, 'SENT_TO_HKEX'],
      [true, 'SENT_TO_HKEX'],
      [false, 'NOT_CLAIMED'],
    ]);
    for (const id of [a.id, b.id]) {
      const confirm = (await historyOf(checker, id)).find((h) => h.action === 'confirm');
      expect(confirm?.message).toBe('Checked against our list');
    }
  });

  it('a colleague releases in bulk the claims of a checker away: the message is the reason, and without one nothing moves', async () => {
    const a = await submitted(t, da3());
    const b = await submitted(t, da3());
    await resultsOf(bulk(checker, 'claim', { ids: [a.id, b.id] }));
    const before = await formState(checker, a.id);

    const refused = await resultsOf(bulk(checker2, 'release', { ids: [a.id, b.id] }));
    expect(refused.map((r) => [r.ok, r.problem?.status, r.problem?.code])).toEqual([
      [false, 400, 'VALIDATION'],
      [false, 400, 'VALIDATION'],
    ]);
    await expectUnchanged(checker, a.id, before);

    const released = await resultsOf(bulk(checker2, 'release', { ids: [a.id, b.id], message: 'D Wong is on leave' }));
    expect(released.map((r) => [r.ok, r.form?.claimedBy ?? null])).toEqual([
      [true, null],
      [true, null],
    ]);
    for (const id of [a.id, b.id]) {
      const release = (await historyOf(checker, id)).find((h) => h.action === 'release');
      expect(release?.message).toBe('D Wong is on leave');
    }
  });

  it('HKEX operators claim and complete in bulk; each completion is applied by the worker as a single one', async () => {
    const a = await sentToHkex(t, da4({ accounts: 1 }));
    const b = await sentToHkex(t, da4({ accounts: 2 }));
    const claims = await resultsOf(bulk(operator, 'claim', { ids: [a.id, b.id] }));
    expect(claims.every((r) => r.ok)).toBe(true);
    const results = await resultsOf(bulk(operator, 'complete', { ids: [a.id, b.id], message: 'Done in one go' }));
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    for (const r of results) expect(r.form!.completion).toMatchObject({ state: 'pending' });
    for (const id of [a.id, b.id]) {
      const done = await waitForForm(operator, id, completionSettled);
      expect(done.status).toBe('COMPLETED');
      expect((await historyOf(operator, id)).find((h) => h.action === 'complete')?.message).toBe('Done in one go');
    }
  });

  it('refuses the request as a whole when it is malformed or not the caller’s to make, and changes nothing', async () => {
    const form = await submitted(t, da3());
    const before = await formState(checker, form.id);
    const tooMany = Array.from({ length: 101 }, () => randomUUID());
    expect(fieldsNamed(await expectProblem(bulk(checker, 'claim', { ids: tooMany }), 400, 'VALIDATION'))).toEqual([
      'ids',
    ]);
    expect(fieldsNamed(await expectProblem(bulk(checker, 'claim', { ids: [] }), 400, 'VALIDATION'))).toEqual(['ids']);
    expect(fieldsNamed(await expectProblem(bulk(checker, 'claim', {}), 400, 'VALIDATION'))).toEqual(['ids']);
    expect(
      fieldsNamed(await expectProblem(bulk(checker, 'claim', { ids: [form.id, form.id] }), 400, 'VALIDATION')),
    ).toEqual(['ids']);
    expect(fieldsNamed(await expectProblem(bulk(checker, 'claim', { ids: [form.id, 7] }), 400, 'VALIDATION'))).toEqual([
      'ids',
    ]);
    expect(
      fieldsNamed(await expectProblem(bulk(checker, 'claim', { ids: [form.id], message: 42 }), 400, 'VALIDATION')),
    ).toEqual(['message']);
    expect(
      fieldsNamed(await expectProblem(bulk(checker, 'claim', { ids: [form.id], extra: 1 }), 400, 'VALIDATION')),
    ).toEqual(['extra']);
    // Actions a kind of caller has no bulk form of; actions that do not exist.
    await expectProblem(bulk(checker, 'complete', { ids: [form.id] }), 403, 'ACTION_NOT_ALLOWED');
    await expectProblem(bulk(operator, 'confirm', { ids: [form.id] }), 403, 'ACTION_NOT_ALLOWED');
    await expectProblem(bulk(checker, 'return', { ids: [form.id] }), 404, 'NOT_FOUND');
    await expectProblem(bulk(await t.as(USERS.noRight), 'claim', { ids: [form.id] }), 403, 'FORBIDDEN');
    await expectProblem(bulk(await t.as(USERS.admin), 'claim', { ids: [form.id] }), 403, 'FORBIDDEN');
    await expectProblem(new Api(t.app).post('/eservices/bulk/claim', { ids: [form.id] }), 401);
    await expectUnchanged(checker, form.id, before);
  });

  it('honours Idempotency-Key: the same request replays the first answer; another request with the key is a 422', async () => {
    const a = await submitted(t, da3());
    const b = await submitted(t, da3());
    const key = `bulk-${randomUUID()}`;
    const first = await bulk(checker, 'claim', { ids: [a.id, b.id] }).set('Idempotency-Key', key);
    const again = await bulk(checker, 'claim', { ids: [a.id, b.id] }).set('Idempotency-Key', key);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.body.results.map((r: BulkResult) => r.ok)).toEqual([true, true]);
    for (const id of [a.id, b.id])
      expect((await historyOf(checker, id)).filter((h) => h.action === 'claim')).toHaveLength(1);
    await expectProblem(bulk(checker, 'claim', { ids: [b.id, a.id] }).set('Idempotency-Key', key), 422);
  });
});
