import { DataSource } from 'typeorm';
import { FixedSql } from '../../src/common/fixed-sql';
import { Transactions } from '../../src/common/transactions';
import { Delivery } from '../../src/notifications/delivery.entity';
import { NotificationsService } from '../../src/notifications/notifications.service';
import { FormHistory } from '../../src/eservices/form-history.entity';
import { OutboxMessage } from '../../src/queue/outbox-message.entity';
import { OutboxRetention, pruneStatement } from '../../src/queue/outbox-retention';
import { OutboxService } from '../../src/queue/outbox.service';
import { jobIdOf, QUEUE_NAMES } from '../../src/queue/queues';
import { outboxRows } from '../support/mail';
import { eventually } from '../support/processes';
import { da3, expectStatus, startTestApp, TestApp, USERS } from '../support/test-app';

/**
 * Outbox retention: rows published and done more than OUTBOX_RETENTION_DAYS ago are deleted
 * (by the injected clock), in batches, by the processes that run the workers; open rows and
 * recent ones stay, and so do the audit trail's deliveries and form history. Failed jobs
 * leave Redis after the same period.
 */

jest.setTimeout(60_000);

const DAY = 24 * 3600 * 1000;
const HOUR = 3600 * 1000;

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

/** Submits a DA3 draft: its history, deliveries and outbox rows (the e-mails to the checkers). */
async function submitForm(app: TestApp): Promise<string> {
  const maker = await app.as(USERS.maker);
  const form = await maker.createForm(da3());
  await expectStatus(maker.act(form.id, 'submit'), 200);
  return form.id;
}

/** Marks outbox rows done now (the app's clock), as a worker does in its transaction. */
async function markDone(app: TestApp, ids: number[]): Promise<void> {
  const outbox = app.app.get(OutboxService);
  await app.app.get(Transactions).run(async (em) => {
    for (const id of ids) await outbox.markDone(em, id);
  });
}

/** Rows published and done at `doneAt`, written directly (as the worker leaves them). */
async function doneRows(app: TestApp, count: number, doneAt: Date): Promise<number[]> {
  const sql = app.app.get(FixedSql);
  return app.app.get(Transactions).run(async (em) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = await sql.insert(em, OutboxMessage, {
        queue: QUEUE_NAMES.notifications,
        name: 'send-email',
        payload: { deliveryId: `retention-${i}` },
        createdAt: doneAt,
        publishedAt: doneAt,
        doneAt,
      });
      ids.push(Number(id));
    }
    return ids;
  });
}

const ids = (rows: OutboxMessage[]): number[] => rows.map((r) => r.id);
const auditTrail = async (app: TestApp) =>
  app.app.get(Transactions).run(async (em) => ({
    deliveries: (await em.find(Delivery, { order: { id: 'ASC' } })).map((d) => d.id),
    history: (await em.find(FormHistory, { order: { id: 'ASC' } })).map((h) => h.id),
  }));

describe('Outbox retention', () => {
  it('deletes rows done longer ago than the retention; open and recent rows, deliveries and history stay', async () => {
    // No workers: the test decides when each row is done.
    t = await startTestApp({ env: { WORKERS: 'off' } });
    const retention = t.app.get(OutboxRetention);
    const start = t.clock.now().getTime();

    await submitForm(t);
    const early = ids(await outboxRows(t));
    expect(early.length).toBeGreaterThan(0);
    await eventually(async () => (await outboxRows(t)).every((r) => r.publishedAt !== null), 'the relay published');
    // Published with the retention as the failed jobs' time to live.
    const job = await t.app.get(OutboxService).queue(QUEUE_NAMES.notifications).getJob(jobIdOf(early[0]));
    expect(job?.opts.removeOnFail).toEqual({ age: 30 * 24 * 3600 });
    await markDone(t, early);

    t.clock.advance(20 * DAY);
    await submitForm(t);
    const later = ids(await outboxRows(t)).filter((id) => !early.includes(id));
    expect(later.length).toBeGreaterThanOrEqual(2);
    await eventually(async () => (await outboxRows(t)).every((r) => r.publishedAt !== null), 'the relay published');
    const [laterDone, ...laterOpen] = later;
    await markDone(t, [laterDone]);
    const trail = await auditTrail(t);
    expect(trail.deliveries.length).toBeGreaterThan(0);

    // 30 days and a minute after the first rows were done: only they are old enough.
    t.clock.advance(10 * DAY + 60_000);
    expect(await retention.prune()).toBe(early.length);
    expect(ids(await outboxRows(t))).toEqual(later);

    // Just before the later done row's 30 days: it stays.
    t.clock.advance(start + 50 * DAY - 60_000 - t.clock.now().getTime());
    expect(await retention.prune()).toBe(0);
    // And after them it goes; the open rows stay, however old.
    t.clock.advance(2 * 60_000);
    expect(await retention.prune()).toBe(1);
    expect(ids(await outboxRows(t))).toEqual(laterOpen);
    t.clock.advance(365 * DAY);
    expect(await retention.prune()).toBe(0);
    expect(ids(await outboxRows(t))).toEqual(laterOpen);

    expect(await auditTrail(t)).toEqual(trail);
  });

  it.each([1, 7, 30])('honours OUTBOX_RETENTION_DAYS=%i, for outbox rows and for failed jobs', async (days) => {
    t = await startTestApp({ data: null, env: { WORKERS: 'off', OUTBOX_RETENTION_DAYS: String(days) } });
    const now = t.clock.now().getTime();
    const old = await doneRows(t, 2, new Date(now - days * DAY - HOUR));
    const recent = await doneRows(t, 2, new Date(now - days * DAY + HOUR));

    expect(await t.app.get(OutboxRetention).prune()).toBe(old.length);
    expect(ids(await outboxRows(t))).toEqual(recent);
    const queue = t.app.get(OutboxService).queue(QUEUE_NAMES.notifications);
    expect(queue.defaultJobOptions.removeOnFail).toEqual({ age: days * 24 * 3600 });
  });

  it('deletes in batches of the given size until one comes back short', async () => {
    t = await startTestApp({ data: null, env: { WORKERS: 'off' } });
    await doneRows(t, 25, new Date(t.clock.now().getTime() - 31 * DAY));
    const keep = await doneRows(t, 1, t.clock.now());
    const sql = t.app.get(FixedSql);
    const statements = jest.spyOn(sql, 'returning');

    expect(await t.app.get(OutboxRetention).prune(10)).toBe(25);

    // 10 + 10 + 5: the last batch, shorter than a full one, says there is nothing more.
    const deletes = statements.mock.calls.filter(([, text]) => text.startsWith('DELETE FROM "outbox_message"'));
    expect(deletes.map(([, , params]) => params[1])).toEqual([10, 10, 10]);
    statements.mockRestore();
    expect(ids(await outboxRows(t))).toEqual(keep);
  });

  it('runs by itself in a process with workers, every OUTBOX_PRUNE_MS', async () => {
    t = await startTestApp({ data: null, env: { OUTBOX_PRUNE_MS: '200' } });
    await doneRows(t, 3, new Date(t.clock.now().getTime() - 31 * DAY));
    await eventually(async () => (await outboxRows(t)).length === 0, 'the old rows pruned');
    // Again at the next interval, for rows that reach their age later.
    const later = await doneRows(t, 2, t.clock.now());
    t.clock.advance(30 * DAY + HOUR);
    await eventually(async () => (await outboxRows(t)).length === 0, `rows ${later.join(', ')} pruned`);
  });

  it('closes the outbox row of an HKEX job that failed for good, so its expiry in Redis does not run it again', async () => {
    t = await startTestApp({ data: null });
    const sql = t.app.get(FixedSql);
    const now = t.clock.now();
    const id = Number(
      await t.app.get(Transactions).run((em) =>
        sql.insert(em, OutboxMessage, {
          queue: QUEUE_NAMES.processing,
          name: 'arrival-check',
          payload: { formId: 'no-such-form' },
          createdAt: now,
          publishedAt: now,
          doneAt: null,
        }),
      ),
    );
    // The job as the relay publishes it, with its last attempt used up: the worker refuses its name.
    await t.app
      .get(OutboxService)
      .queue(QUEUE_NAMES.processing)
      .add('no-such-job', { outboxId: id }, { jobId: jobIdOf(id), attempts: 1 });

    await eventually(async () => (await outboxRows(t)).find((r) => r.id === id)?.doneAt !== null, 'row closed');
    const job = await t.app.get(OutboxService).queue(QUEUE_NAMES.processing).getJob(jobIdOf(id));
    expect(await job?.getState()).toBe('failed');
  });

  it('retries a FAILED delivery whose failed job has left Redis, and never republishes the closed row', async () => {
    t = await startTestApp({ env: { WORKERS: 'off' } });
    await submitForm(t);
    await eventually(async () => (await outboxRows(t)).every((r) => r.publishedAt !== null), 'the relay published');
    const [row] = await outboxRows(t);
    const deliveryId = String(row.payload.deliveryId);
    // What the worker does after the last attempt; then the failed job expires from Redis.
    await t.app.get(NotificationsService).markFailed(deliveryId, row.id, 'mail server said no');
    const queue = t.app.get(OutboxService).queue(QUEUE_NAMES.notifications);
    await queue.remove(jobIdOf(row.id));

    const operator = await t.as(USERS.operator);
    const retried = await expectStatus(operator.post(`/admin/deliveries/${deliveryId}/retry`), 202);

    expect(retried.body).toMatchObject({ id: deliveryId, status: 'PENDING' });
    const again = (await outboxRows(t)).filter((r) => r.payload.deliveryId === deliveryId && r.id !== row.id);
    expect(again).toHaveLength(1);
    await eventually(async () => (await queue.getJob(jobIdOf(again[0].id))) !== undefined, 'the retry published');
    // Long past the republish delay, the closed row stays out of Redis.
    t.clock.advance(DAY);
    t.app.get(OutboxService).nudge();
    await eventually(
      async () =>
        (await outboxRows(t)).every((r) => r.doneAt !== null || r.publishedAt!.getTime() === t.clock.now().getTime()),
      'the relay went over the open rows again',
    );
    expect(await queue.getJob(jobIdOf(row.id))).toBeUndefined();
  });

  const sqliteOnly = process.env.TEST_DATABASE_URL?.startsWith('postgres') ? it.skip : it;
  sqliteOnly('finds the old rows through IDX_outbox_done, not by reading the table', async () => {
    t = await startTestApp({ data: null, env: { WORKERS: 'off' } });
    const plan = (await t.app
      .get(DataSource)
      .query(`EXPLAIN QUERY PLAN ${pruneStatement(() => '?')}`, ['2026-01-01T00:00:00.000Z', 10_000])) as {
      detail: string;
    }[];
    const details = plan.map((p) => p.detail);
    expect(details).toContainEqual(
      expect.stringMatching(/SEARCH outbox_message USING INDEX IDX_outbox_done \(doneAt<\?\)/),
    );
    expect(details.filter((d) => /SCAN outbox_message/.test(d))).toEqual([]);
  });
});
