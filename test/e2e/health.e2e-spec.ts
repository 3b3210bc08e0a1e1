import { Queue } from 'bullmq';
import request from 'supertest';
import { Transactions } from '../../src/common/transactions';
import { HealthDocument } from '../../src/health/health.controller';
import { EmbeddedRedis } from '../../src/queue/embedded-redis';
import { OutboxService } from '../../src/queue/outbox.service';
import { QUEUE_NAMES } from '../../src/queue/queues';
import { outboxRows } from '../support/mail';
import { eventually, killAll, redisDirOf, redisSocketOf, spawnWorker, terminateRedis } from '../support/processes';
import { da4, startTestApp, TestApp } from '../support/test-app';
import { submitted } from '../support/workflow';

/**
 * `/api/health` is readiness (the scripts and the bench wait on it): 200 while the work
 * flows, 503 naming each part that stops it and why: the database or Redis away, an outbox
 * no relay publishes, a queue no worker takes jobs from. `/api/health/live` is liveness:
 * the process answers, whatever its dependencies do.
 */

jest.setTimeout(60_000);

const SECOND = 1000;

async function health(t: TestApp): Promise<{ status: number; body: HealthDocument }> {
  const res = await request(t.app.getHttpServer()).get('/api/health').timeout(5000);
  return { status: res.status, body: res.body as HealthDocument };
}

afterAll(killAll);

describe('in normal operation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { WORKERS: 'on' } });
  });
  afterAll(() => t?.close());

  it('is ready with nothing pending, and again once a submission’s e-mails went out', async () => {
    const idle = await health(t);
    expect(idle.status).toBe(200);
    expect(idle.body.status).toBe('ok');
    expect(Object.keys(idle.body.details).sort()).toEqual([
      'database',
      'outbox',
      'queue:hkex-processing',
      'queue:notifications',
      'redis',
    ]);
    expect(idle.body.details['queue:notifications']).toMatchObject({ status: 'up', waiting: 0, workers: 1 });
    expect(idle.body.details.outbox).toMatchObject({ status: 'up', unpublished: 0, oldestUnpublishedAgeMs: null });

    await submitted(t, da4());
    await eventually(async () => (await outboxRows(t)).every((r) => r.doneAt !== null), 'the e-mails sent');
    // Two minutes on: nothing is old, since nothing is left.
    t.clock.advance(120 * SECOND);
    const after = await health(t);
    expect(after.status).toBe(200);
    expect(after.body.reasons).toBeUndefined();
  });

  it('a job in backoff is delayed, not stalled', async () => {
    const queue = new Queue(QUEUE_NAMES.notifications, { connection: { path: redisSocketOf(t) } });
    try {
      await queue.add('send-otp', { challengeId: 'none', outboxId: 0 }, { delay: 3600 * SECOND });
      t.clock.advance(10 * 60 * SECOND);
      const later = await health(t);
      expect(later.status).toBe(200);
      expect(later.body.details['queue:notifications']).toMatchObject({ status: 'up', waiting: 0, delayed: 1 });
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('/api/health/live answers without asking anything', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('Redis stopped', () => {
  let t: TestApp;
  let restarted: EmbeddedRedis | null = null;
  beforeAll(async () => {
    t = await startTestApp({ realTime: true, env: { WORKERS: 'on' } });
  });
  afterAll(async () => {
    // The app closes its workers through Redis: bring it back first if the test failed.
    if (t && !restarted) {
      restarted = new EmbeddedRedis(redisDirOf(t));
      await restarted.start();
    }
    await t?.close();
    await restarted?.stop();
  });

  it('readiness fails naming Redis; liveness still answers; ready again once Redis is back', async () => {
    expect((await health(t)).status).toBe(200);
    await terminateRedis(redisSocketOf(t));

    const live = await request(t.app.getHttpServer()).get('/api/health/live').timeout(1000);
    expect(live.status).toBe(200);

    const down = await health(t);
    expect(down.status).toBe(503);
    expect(down.body.reasons).toEqual(
      expect.arrayContaining(['redis: Redis does not answer', expect.stringMatching(/^queues: cannot be read: /)]),
    );
    expect(down.body.details.database.status).toBe('up');
    expect(down.body.details.outbox.status).toBe('up');

    restarted = new EmbeddedRedis(redisDirOf(t));
    await restarted.start();
    await eventually(async () => (await health(t)).status === 200, 'ready again after Redis came back', 20_000, 200);
  });
});

describe('work that does not flow', () => {
  let t: TestApp;
  beforeAll(async () => {
    // An API alone, its workers elsewhere (none started yet); its relay ticks once a minute,
    // so a row written without the nudge that follows a workflow action stays unpublished.
    t = await startTestApp({ env: { WORKERS: 'off', OUTBOX_RELAY_MS: '60000' } });
  });
  afterAll(() => t?.close());

  it('an outbox row no relay published for longer than HEALTH_OUTBOX_MAX_AGE_MS (60 s)', async () => {
    const outbox = t.app.get(OutboxService);
    await t.app.get(Transactions).run((em) => outbox.add(em, 'send-otp', { challengeId: 'none' }));
    t.clock.advance(60 * SECOND);
    expect((await health(t)).status).toBe(200); // at the threshold, not past it
    t.clock.advance(35 * SECOND);

    const stale = await health(t);
    expect(stale.status).toBe(503);
    expect(stale.body.reasons).toEqual(['outbox: oldest unpublished row is 95 s old (threshold 60 s)']);
    expect(stale.body.error?.outbox).toMatchObject({ unpublished: 1, oldestUnpublishedAgeMs: 95 * SECOND });

    // The relay publishes it: the outbox is fine again (the job now waits for a worker).
    await outbox.publishBatch();
    expect((await health(t)).status).toBe(200);
  });

  it('jobs waiting with no worker connected, until a worker process takes them', async () => {
    await submitted(t, da4()); // two e-mails to the checkers, queued by the relay
    await eventually(async () => (await outboxRows(t)).every((r) => r.publishedAt !== null), 'the jobs published');
    const first = await health(t);
    expect(first.status).toBe(200); // just seen waiting: not a stall yet
    expect(first.body.details['queue:notifications']).toMatchObject({ waiting: 3, workers: 0 });

    t.clock.advance(61 * SECOND);
    const stalled = await health(t);
    expect(stalled.status).toBe(503);
    expect(stalled.body.reasons).toEqual([
      'queue notifications: 3 jobs waiting, no worker connected; the next one for 61 s (threshold 60 s)',
    ]);

    const worker = spawnWorker(t, {});
    await worker.ready();
    await eventually(async () => (await outboxRows(t)).every((r) => r.doneAt !== null), 'the worker took the jobs');
    const served = await health(t);
    expect(served.status).toBe(200);
    // Read from Redis: this API reports the worker of another process.
    expect(served.body.details['queue:notifications']).toMatchObject({ status: 'up', waiting: 0, workers: 1 });
    await worker.kill('SIGTERM');
  });
});
