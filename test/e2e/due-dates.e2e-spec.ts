import { Delivery } from '../../src/notifications/delivery.entity';
import { deliveriesOf } from '../support/mail';
import { expectProblem, fieldsOf, historyOf, loadOperator } from '../support/fixtures';
import { outboxMails } from '../support/login';
import { da3, expectStatus, FormJson, startTestApp, TestApp, USERS } from '../support/test-app';
import { completeByOperator, sentToHkex } from '../support/workflow';

const HOUR = 3600_000;
/** The forms of this file are confirmed on Tuesday 7 Feb 2023, 10:43 HKT (the test clock's start). */
const THURSDAY_DUE = '2023-02-09T10:00:00.000Z'; // 18:00 HKT, two business days after Tuesday
const FRIDAY_DUE = '2023-02-10T10:00:00.000Z';
const MONDAY_DUE = '2023-02-13T10:00:00.000Z';

/** Polls until `check` holds (the repeatable job runs every second here). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The fields a problem names, each once (a field can break several of its rules). */
const named = (problem: Parameters<typeof fieldsOf>[0]): string[] => [...new Set(fieldsOf(problem))];

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SPEC §13 due dates: a form Sent to HKEX is due at 18:00 HKT of the 2nd Hong Kong business day
 * after the day it was sent; HKEX closes days and open forms' due dates move; task rows and
 * views show dueAt and overdue; `GET /tasks?overdue=true`; one escalation e-mail to the HKEX
 * operators when a form becomes overdue, by a repeatable job, never twice, across restarts too.
 */
describe('Due dates on Hong Kong business days', () => {
  let t: TestApp;
  const env = { OVERDUE_CHECK_MS: '1000' };
  const overdueMails = async (formId: string): Promise<Delivery[]> =>
    (await deliveriesOf(t, [formId])).filter((d) => d.event === 'overdue');

  beforeAll(async () => {
    t = await startTestApp({ env });
    await loadOperator(t, 'ops2@hkex.com.hk', 'HKEX Operator 2');
  });
  afterAll(() => t.close());

  let form: FormJson;

  it('a form sent on a Tuesday is due on Thursday at 18:00 HKT; views and task rows show it, not overdue', async () => {
    const checker = await t.as(USERS.checker);
    const draft = await (await t.as(USERS.maker)).createForm(da3());
    expect(draft).toMatchObject({ dueAt: null, overdue: false });
    form = await sentToHkex(t, da3());
    for (const user of [USERS.operator, USERS.maker])
      expect((await expectStatus((await t.as(user)).get(`/eservices/${form.id}`), 200)).body).toMatchObject({
        status: 'SENT_TO_HKEX',
        dueAt: THURSDAY_DUE,
        overdue: false,
      });
    const tasks = (await expectStatus((await t.as(USERS.operator)).get('/tasks?pageSize=100'), 200)).body.items;
    expect(tasks.find((r: FormJson) => r.id === form.id)).toMatchObject({ dueAt: THURSDAY_DUE, overdue: false });
    // A form Ready to Send has no due date yet.
    const ready = (await expectStatus(checker.get('/tasks?pageSize=100'), 200)).body.items;
    expect(ready.every((r: FormJson) => r.dueAt === null && r.overdue === false)).toBe(true);
  });

  it('HKEX closes Wednesday (typhoon signal 8): the due date moves to Friday; refusals change nothing', async () => {
    const op = await t.as(USERS.operator);
    const marked = await expectStatus(
      op.post('/admin/closed-days', { date: '2023-02-08', reason: 'Typhoon signal No. 8' }),
      201,
    );
    expect(marked.body).toMatchObject({
      date: '2023-02-08',
      reason: 'Typhoon signal No. 8',
      closedBy: 'HKEX Operator 1',
      businessDay: true,
    });
    expect(marked.body.formsMoved).toBeGreaterThanOrEqual(1);
    expect((await expectStatus(op.get(`/eservices/${form.id}`), 200)).body.dueAt).toBe(FRIDAY_DUE);

    await expectProblem(op.post('/admin/closed-days', { date: '2023-02-08', reason: 'again' }), 409, 'CONFLICT');
    await expectProblem(
      (await t.as(USERS.maker)).post('/admin/closed-days', { date: '2023-02-09', reason: 'x' }),
      403,
      'FORBIDDEN',
    );
    expect(
      fieldsOf(
        await expectProblem(op.post('/admin/closed-days', { date: '2023-02-30', reason: 'x' }), 400, 'VALIDATION'),
      ),
    ).toEqual(['date']);
    expect(
      fieldsOf(
        await expectProblem(op.post('/admin/closed-days', { date: '2023-02-09', reason: '  ' }), 400, 'VALIDATION'),
      ),
    ).toEqual(['reason']);
    expect(
      named(await expectProblem(op.post('/admin/closed-days', { date: '2023-02-09' }), 400, 'VALIDATION')),
    ).toEqual(['reason']);
    // A Sunday closed is no business day lost: nothing moves.
    const sunday = await expectStatus(
      op.post('/admin/closed-days', { date: '2023-02-12', reason: 'Black rainstorm' }),
      201,
    );
    expect(sunday.body).toMatchObject({ businessDay: false, formsMoved: 0 });
    expect((await expectStatus(op.get(`/eservices/${form.id}`), 200)).body.dueAt).toBe(FRIDAY_DUE);
    const list = (await expectStatus(op.get('/admin/closed-days'), 200)).body;
    expect(list.map((d: { date: string }) => d.date)).toEqual(['2023-02-12', '2023-02-08']);
    await expectProblem((await t.as(USERS.checker)).get('/admin/closed-days'), 403, 'FORBIDDEN');
  });

  it('past 18:00 HKT on Friday it is overdue: in the views, in ?overdue=true, and the operators are told once', async () => {
    const op = await t.as(USERS.operator);
    // A second form, sent on Thursday: due Monday (the weekend and no holiday in between).
    t.clock.advance(2 * 24 * HOUR);
    const later = await sentToHkex(t, da3());
    expect(later.dueAt).toBe(MONDAY_DUE);
    expect(await overdueMails(form.id)).toEqual([]);

    // Friday 18:00:01 HKT.
    t.clock.advance(Date.parse(FRIDAY_DUE) + 1000 - t.clock.now().getTime());
    expect((await expectStatus(op.get(`/eservices/${form.id}`), 200)).body).toMatchObject({ overdue: true });
    expect((await expectStatus(op.get(`/eservices/${later.id}`), 200)).body).toMatchObject({ overdue: false });
    const late = (await expectStatus(op.get('/tasks?overdue=true&pageSize=100'), 200)).body;
    expect(late.items.map((r: FormJson) => r.id)).toEqual([form.id]);
    expect(late.items[0]).toMatchObject({ overdue: true, dueAt: FRIDAY_DUE });
    const onTime = (await expectStatus(op.get('/tasks?overdue=false&pageSize=100'), 200)).body.items;
    expect(onTime.map((r: FormJson) => r.id)).toContain(later.id);
    expect(onTime.map((r: FormJson) => r.id)).not.toContain(form.id);
    expect(named(await expectProblem(op.get('/tasks?overdue=yes'), 400, 'VALIDATION'))).toEqual(['overdue']);

    // The repeatable job finds it: one "For action" e-mail to each HKEX operator, and a history entry.
    const sent = await eventually(
      () => overdueMails(form.id),
      (ds) => ds.length === 2 && ds.every((d) => d.status === 'SENT'),
    );
    expect(sent.map((d) => d.recipientEmail).sort()).toEqual(['ops1@hkex.com.hk', 'ops2@hkex.com.hk']);
    expect(sent.every((d) => d.notificationType === 'For action')).toBe(true);
    const [mail] = outboxMails(t, sent[0].id);
    expect(mail).toContain('overdue');
    expect(mail).toContain('10-Feb-2023 18:00 HKT');
    const entry = (await historyOf(op, form.id)).filter((h) => h.action === 'overdue');
    expect(entry).toHaveLength(1);
    expect(entry[0]).toMatchObject({ fromStatus: 'SENT_TO_HKEX', toStatus: 'SENT_TO_HKEX', by: { name: 'HKEX' } });
    expect(await overdueMails(later.id)).toEqual([]);

    // Several more runs of the job: still one e-mail each.
    await pause(3000);
    expect(await overdueMails(form.id)).toHaveLength(2);
  });

  it('never twice, across a restart too; a form completed in time is never overdue', async () => {
    const dir = t.dir;
    const databaseUrl = t.databaseUrl;
    await t.close({ keepFiles: true });
    t = await startTestApp({ env, reuse: { dir, databaseUrl } });
    // The restarted clock starts over: move it past Friday's due moment again.
    t.clock.advance(Date.parse(FRIDAY_DUE) + HOUR - t.clock.now().getTime());
    await pause(3000);
    expect(await overdueMails(form.id)).toHaveLength(2);

    const op = await t.as(USERS.operator);
    const late = (await expectStatus(op.get('/tasks?overdue=true&pageSize=100'), 200)).body.items;
    expect(late.map((r: FormJson) => r.id)).toEqual([form.id]);
    const done = await completeByOperator(t, form.id);
    expect(done).toMatchObject({ status: 'COMPLETED', overdue: false, dueAt: FRIDAY_DUE });
    expect((await expectStatus(op.get('/tasks?overdue=true&pageSize=100'), 200)).body.items).toEqual([]);
  });
});
