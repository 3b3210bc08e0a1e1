import { Queue } from 'bullmq';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/config/data-source-options';
import { Delivery } from '../../src/notifications/delivery.entity';
import { EmbeddedRedis } from '../../src/queue/embedded-redis';
import { OutboxMessage } from '../../src/queue/outbox-message.entity';
import { QUEUE_NAMES } from '../../src/queue/queues';
import { eventually, killAll, processExists, redisPid, sleep, spawnService, WorkerProcess } from '../support/processes';
import { SmtpSink } from '../support/smtp-sink';
import { da4, DEMO_PASSWORD, freshDatabase, USERS } from '../support/test-app';

/**
 * SIGTERM to a real service (`node dist/src/main.js` on its embedded Redis) under load, sent
 * to its whole process group as a terminal's Ctrl-C or a service manager does: every request
 * already in flight gets its normal answer, the jobs its worker held finish or stay in the
 * queue (none left active for another worker to wait out), and redis-server stops last,
 * after the service stopped using it. The next start sends every e-mail still due, once.
 */

jest.setTimeout(60_000);

/** The answer to one request sent before the signal (or why there was none). */
interface Answer {
  what: string;
  status: number | string;
  at: number;
}

async function send(base: string, what: string, path: string, body: object, token?: string): Promise<Answer> {
  try {
    const res = await fetch(`${base}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return { what, status: res.status, at: Date.now() };
  } catch (e) {
    return { what, status: `no answer: ${(e as Error).message}`, at: Date.now() };
  }
}

async function token(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (!body.accessToken) throw new Error(`login of ${username}: ${res.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}

async function createDraft(base: string, maker: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/eservices`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${maker}` },
    body: JSON.stringify(da4()),
  });
  if (res.status !== 201) throw new Error(`draft: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

describe('SIGTERM to the service under load', () => {
  let dir: string;
  let database: { url: string; drop(): Promise<void> };
  let sink: SmtpSink;
  let env: Record<string, string>;
  let redis = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eservices-shutdown-'));
    database = await freshDatabase(dir);
    // A mail server slow to answer: the worker holds e-mails when the signal comes.
    sink = await SmtpSink.start({ ackDelayMs: 400 });
    env = {
      DATABASE_URL: database.url,
      VAR_DIR: dir,
      PORT: '0',
      SMTP_URL: sink.url,
      TWO_FACTOR: 'off',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      MAIL_CONCURRENCY: '4',
    };
  });
  afterAll(async () => {
    await killAll();
    if (redis && processExists(redis)) process.kill(redis, 'SIGKILL');
    await sink?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<{ service: WorkerProcess; base: string }> {
    const service = spawnService(env);
    const line = await service.line(/Listening on http:\/\/localhost:\d+/);
    return { service, base: /(http:\/\/localhost:\d+)/.exec(line)![1] };
  }

  it('answers every request in flight, leaves no job active, stops redis-server last; the next start sends the rest once', async () => {
    const { service, base } = await start();
    redis = await redisPid(join(dir, 'redis', 'redis.sock'));
    const maker = await token(base, USERS.maker);
    // E-mails already queued before the load: 10 submissions, 20 e-mails to the checkers.
    for (let i = 0; i < 10; i++) {
      const id = await createDraft(base, maker);
      const res = await send(base, 'submit', `/eservices/${id}/submit`, {}, maker);
      expect(res.status).toBe(200);
    }
    const drafts = await Promise.all(Array.from({ length: 20 }, () => createDraft(base, maker)));
    await eventually(() => sink.inFlight > 0, 'the worker sending e-mails');

    // The load: logins (argon2, a few at a time on the thread pool) and submissions.
    const users = [USERS.maker, USERS.checker, USERS.checker2, USERS.operator];
    const inFlight = [
      ...Array.from({ length: 8 }, (_, i) =>
        send(base, 'login', '/auth/login', { username: users[i % 4], password: DEMO_PASSWORD }),
      ),
      ...drafts.map((id) => send(base, 'submit', `/eservices/${id}/submit`, {}, maker)),
    ];
    // Every request reached the service: some answered already, the logins still queue.
    await Promise.race(inFlight);
    await sleep(50);
    const signalledAt = Date.now();
    process.kill(-service.pid, 'SIGTERM');

    let redisGoneAt = 0;
    const watch = (async () => {
      while (processExists(redis)) await sleep(5);
      redisGoneAt = Date.now();
    })();
    const answers = await Promise.all(inFlight);
    const exit = await service.exited;
    const exitedAt = Date.now();
    await watch;

    const failed = answers.filter((a) => a.status !== 200);
    expect(failed).toEqual([]);
    const answeredAfterSignal = answers.filter((a) => a.at > signalledAt).length;
    expect(answeredAfterSignal).toBeGreaterThan(0); // they were in flight indeed
    expect(exit === 0 || exit === 'SIGTERM').toBe(true);
    // redis-server went after the last answer and before the service ended, stopped by it.
    const lastAnswerAt = Math.max(...answers.map((a) => a.at));
    expect(redisGoneAt).toBeGreaterThanOrEqual(lastAnswerAt);
    expect(redisGoneAt).toBeLessThanOrEqual(exitedAt);
    expect(readFileSync(join(dir, 'redis', 'redis.log'), 'utf8').match(/Received SIG\w+/g)).toEqual([
      'Received SIGTERM',
    ]);
    expect(exitedAt - signalledAt).toBeLessThan(20_000);

    // Redis as the service left it: no job active (none waits out a lock), the rest waiting.
    const inspect = new EmbeddedRedis(join(dir, 'redis'));
    await inspect.start();
    const queue = new Queue(QUEUE_NAMES.notifications, { connection: { path: inspect.socket } });
    const left = await queue.getJobCounts('wait', 'active', 'delayed', 'completed', 'failed');
    await queue.close();
    await inspect.stop();
    expect(left).toMatchObject({ active: 0, failed: 0 });
    expect(left.wait + left.delayed).toBeGreaterThan(0);
    const sentBefore = sink.messages.length;

    // The next start: every e-mail of the 30 submissions, each once, well within a job lock (30 s).
    const restartedAt = Date.now();
    const second = await start();
    redis = await redisPid(join(dir, 'redis', 'redis.sock'));
    await sink.waitFor((m) => m.length >= 60, 20_000, 'the 60 e-mails of the 30 submissions');
    const db = new DataSource({ ...dataSourceOptions(database.url), migrations: [] });
    await db.initialize();
    try {
      await eventually(
        async () => (await db.manager.find(OutboxMessage)).every((r) => r.doneAt !== null),
        'every outbox row done',
        10_000,
      );
      const deliveries = await db.manager.find(Delivery);
      expect(deliveries).toHaveLength(60);
      expect(deliveries.filter((d) => d.status !== 'SENT')).toEqual([]);
    } finally {
      await db.destroy();
    }
    await sink.settle(500);
    const ids = sink.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(60);
    expect(sentBefore).toBeLessThan(60);
    expect(Date.now() - restartedAt).toBeLessThan(25_000);

    process.kill(-second.service.pid, 'SIGTERM');
    expect(await second.service.exited).toBe('SIGTERM');
  });
});

describe('SIGTERM while a job cannot finish (a mail server that does not answer)', () => {
  let dir: string;
  let database: { url: string; drop(): Promise<void> };
  let silent: SmtpSink;
  let working: SmtpSink;
  let redis = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eservices-shutdown-'));
    database = await freshDatabase(dir);
    silent = await SmtpSink.start({ ackDelayMs: 60_000 });
    working = await SmtpSink.start();
  });
  afterAll(async () => {
    await killAll();
    if (redis && processExists(redis)) process.kill(redis, 'SIGKILL');
    await silent?.close();
    await working?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function start(smtpUrl: string): Promise<{ service: WorkerProcess; base: string }> {
    const service = spawnService({
      DATABASE_URL: database.url,
      VAR_DIR: dir,
      PORT: '0',
      SMTP_URL: smtpUrl,
      TWO_FACTOR: 'off',
      SHUTDOWN_JOB_WAIT_MS: '1000',
    });
    const line = await service.line(/Listening on http:\/\/localhost:\d+/);
    return { service, base: /(http:\/\/localhost:\d+)/.exec(line)![1] };
  }

  it('the jobs in hand go back to the queue after SHUTDOWN_JOB_WAIT_MS, and the next start sends them', async () => {
    const { service, base } = await start(silent.url);
    redis = await redisPid(join(dir, 'redis', 'redis.sock'));
    const maker = await token(base, USERS.maker);
    for (let i = 0; i < 2; i++) {
      const id = await createDraft(base, maker);
      expect((await send(base, 'submit', `/eservices/${id}/submit`, {}, maker)).status).toBe(200);
    }
    await eventually(() => silent.inFlight === 4, 'the four e-mails held at the mail server');

    const signalledAt = Date.now();
    process.kill(-service.pid, 'SIGTERM');
    await service.exited;
    // One second for the jobs, not the mail server's minute nor a job lock's 30 s.
    expect(Date.now() - signalledAt).toBeLessThan(8000);
    expect(service.output()).toMatch(/4 job\(s\) still running after 1000 ms: back to the queue/);
    expect(processExists(redis)).toBe(false);

    const inspect = new EmbeddedRedis(join(dir, 'redis'));
    await inspect.start();
    const queue = new Queue(QUEUE_NAMES.notifications, { connection: { path: inspect.socket } });
    const left = await queue.getJobCounts('wait', 'active', 'completed', 'failed');
    await queue.close();
    await inspect.stop();
    expect(left).toEqual({ wait: 4, active: 0, completed: 0, failed: 0 });

    const second = await start(working.url);
    redis = await redisPid(join(dir, 'redis', 'redis.sock'));
    await working.waitFor((m) => m.length === 4, 10_000, 'the four e-mails, sent by the next start');
    await working.settle(300);
    expect(working.messages).toHaveLength(4);
    expect(silent.messages).toHaveLength(0);
    process.kill(-second.service.pid, 'SIGTERM');
    await second.service.exited;
  });
});
