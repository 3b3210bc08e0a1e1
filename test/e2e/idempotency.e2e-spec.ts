import { DataSource } from 'typeorm';
import { IdempotencyRecord } from '../../src/common/idempotency-record.entity';
import { OutboxRetention } from '../../src/queue/outbox-retention';
import { historyOf } from '../support/fixtures';
import { Api, da3, startTestApp, TestApp, USERS } from '../support/test-app';

/**
 * Idempotency-Key (SPEC §11) over HTTP: a client that sends a request again, because its
 * answer was lost, gets the first answer and nothing is done twice.
 */
describe('Idempotency-Key', () => {
  let t: TestApp;
  let maker: Api;
  let checker: Api;

  beforeAll(async () => {
    t = await startTestApp();
    maker = await t.as(USERS.maker);
    checker = await t.as(USERS.checker);
  });
  afterAll(() => t.close());

  const formsOfMaker = async (): Promise<number> => (await maker.get('/eservices?pageSize=100')).body.total as number;

  it('replays the creation of a draft: one draft, the same answer', async () => {
    const before = await formsOfMaker();
    const first = await maker.post('/eservices', da3()).set('Idempotency-Key', 'create-1');
    const again = await maker.post('/eservices', da3()).set('Idempotency-Key', 'create-1');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await formsOfMaker()).toBe(before + 1);
  });

  it('replays an action: one history entry, the same answer', async () => {
    const draft = await maker.createForm(da3());
    const first = await maker.act(draft.id, 'submit', { message: 'once' }).set('Idempotency-Key', 'submit-1');
    const again = await maker.act(draft.id, 'submit', { message: 'once' }).set('Idempotency-Key', 'submit-1');
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toEqual(first.body);
    const submits = (await historyOf(maker, draft.id)).filter((h) => h.action === 'submit');
    expect(submits).toHaveLength(1);
  });

  it('treats a body with its keys in another order as the same request', async () => {
    const body = da3({ remarks: 'ordered' }) as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(body).reverse());
    const first = await maker.post('/eservices', body).set('Idempotency-Key', 'order-1');
    const again = await maker.post('/eservices', reversed).set('Idempotency-Key', 'order-1');
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('replays a refusal too, even once the action would be allowed', async () => {
    const draft = await maker.createForm(da3());
    const refused = await checker.act(draft.id, 'claim').set('Idempotency-Key', 'claim-early');
    expect(refused.status).toBe(409);
    await maker.act(draft.id, 'submit').expect(200);
    const again = await checker.act(draft.id, 'claim').set('Idempotency-Key', 'claim-early');
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.body).toEqual(refused.body);
    expect((await maker.get(`/eservices/${draft.id}`)).body.claimedBy).toBeNull();
    // A new key claims it.
    await checker.act(draft.id, 'claim').set('Idempotency-Key', 'claim-now').expect(200);
  });

  it('refuses the same key with another request (422 naming the key), and does nothing', async () => {
    await maker.post('/eservices', da3()).set('Idempotency-Key', 'reused-1').expect(201);
    const before = await formsOfMaker();
    const other = await maker.post('/eservices', da3({ remarks: 'something else' })).set('Idempotency-Key', 'reused-1');
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey: 'reused-1' });
    expect(other.body.detail).toContain('reused-1');
    expect(await formsOfMaker()).toBe(before);
  });

  it('counts If-Match as part of the request', async () => {
    const draft = await maker.createForm(da3());
    await maker
      .act(draft.id, 'submit')
      .set('If-Match', `"${draft.version}"`)
      .set('Idempotency-Key', 'if-1')
      .expect(200);
    const other = await maker.act(draft.id, 'submit').set('If-Match', '*').set('Idempotency-Key', 'if-1');
    expect(other.status).toBe(422);
  });

  it('keeps keys apart per user and per route', async () => {
    const mine = await maker.post('/eservices', da3()).set('Idempotency-Key', 'shared-key');
    const otherUser = await (await t.as(USERS.checker2)).post('/eservices', da3()).set('Idempotency-Key', 'shared-key');
    expect(mine.status).toBe(201);
    // E Lee holds EU_UserMaintenance too: the same key gives her a draft of her own.
    expect(otherUser.status).toBe(201);
    expect(otherUser.body.id).not.toBe(mine.body.id);
    const action = await maker.act(mine.body.id, 'submit').set('Idempotency-Key', 'shared-key');
    expect(action.status).toBe(200);
    expect(action.body.status).toBe('READY_TO_SEND');
  });

  it('answers 409 IDEMPOTENCY_IN_PROGRESS while the first request runs, and runs a retry once the first is abandoned', async () => {
    const draft = await maker.createForm(da3());
    const me = (await maker.get('/me')).body as { id: string };
    const records = t.app.get(DataSource).getRepository(IdempotencyRecord);
    const route = 'POST /api/v1/eservices/:id/:action';
    // The first request with this key is still running (its answer not yet recorded).
    const first = await maker.act(draft.id, 'submit').set('Idempotency-Key', 'running-1');
    expect(first.status).toBe(200);
    await records.update({ userId: me.id, route, key: 'running-1' }, { status: null, body: null });
    const during = await maker.act(draft.id, 'submit').set('Idempotency-Key', 'running-1');
    expect(during.status).toBe(409);
    expect(during.body).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS', idempotencyKey: 'running-1' });
    // Two minutes on, the first is taken for dead: the retry runs (and the form's state refuses it).
    t.clock.advance(2 * 60_000 + 1);
    const retry = await maker.act(draft.id, 'submit').set('Idempotency-Key', 'running-1');
    expect(retry.status).toBe(409);
    expect(retry.body.code).not.toBe('IDEMPOTENCY_IN_PROGRESS');
  });

  it('forgets a key after 24 hours, and the retention pruning deletes it', async () => {
    await maker.post('/eservices', da3()).set('Idempotency-Key', 'day-1').expect(201);
    const records = t.app.get(DataSource).getRepository(IdempotencyRecord);
    const kept = await records.countBy({ key: 'day-1' });
    t.clock.advance(24 * 3600_000 + 1);
    await t.app.get(OutboxRetention).prune();
    expect(kept).toBe(1);
    expect(await records.countBy({ key: 'day-1' })).toBe(0);
    const next = await maker.post('/eservices', da3({ remarks: 'a day later' })).set('Idempotency-Key', 'day-1');
    expect(next.status).toBe(201);
    expect(next.headers['idempotent-replayed']).toBeUndefined();
  });

  it.each(['', 'with space', 'x'.repeat(201), 'ünï'])('refuses the malformed key %j with 400', async (key) => {
    const before = await formsOfMaker();
    const res = await maker.post('/eservices', da3()).set('Idempotency-Key', key);
    expect(res.status).toBe(400);
    expect(await formsOfMaker()).toBe(before);
  });
});
