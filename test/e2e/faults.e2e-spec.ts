import { Queue } from 'bullmq';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { Transactions } from '../../src/common/transactions';
import { OutboxService } from '../../src/queue/outbox.service';
import { EmbeddedRedis } from '../../src/queue/embedded-redis';
import { QUEUE_NAMES } from '../../src/queue/queues';
import { allDelivered, deliveriesOf, eventOf, mailKey, outboxRows, referenceOf, report, tally } from '../support/mail';
import {
  anotherMachine,
  eventually,
  killAll,
  redisDirOf,
  redisSocketOf,
  sleep,
  spawnWorker,
  terminateRedis,
} from '../support/processes';
import { SmtpSink } from '../support/smtp-sink';

const DIE_AFTER_JOURNAL = join(__dirname, '..', 'support', 'die-after-journal.js');
import { da4, FormJson, startTestApp, TestApp, USERS } from '../support/test-app';
import { waitForForm } from '../support/workflow';

/**
 * SPEC §6: "A state change and the notification it causes are written together, so
 * neither is lost nor sent twice when a process, Redis or the mail server fails."
 * Each test breaks one of them for real (a worker process killed with SIGKILL, the SMTP
 * server away, redis-server stopped, a crash between commit and publish) and counts the
 * e-mails that arrive at a real SMTP server on loopback: every expected one exactly once.
 */

jest.setTimeout(60_000);

/** A form taken through the workflow by the demo crew. */
interface Pushed {
  id: string;
  reference: string;
  checker: string;
  completed: boolean;
}

/** The e-mails SPEC §6 promises for these forms: submitted, sent to HKEX and (when completed) completed. */
function expectedKeys(forms: Pushed[]): string[] {
  return forms.flatMap((f) => [
    mailKey(USERS.checker, 'submitted', f.reference),
    mailKey(USERS.checker2, 'submitted', f.reference),
    mailKey(USERS.maker, 'sent-to-hkex', f.reference),
    ...(f.completed
      ? [mailKey(USERS.maker, 'completed', f.reference), mailKey(f.checker, 'completed', f.reference)]
      : []),
  ]);
}

/**
 * HTTP 5xx answers met on the way. Each is retried (a refused transaction changed nothing)
 * so the test goes on to count the e-mails, and the test fails at the end if there was any.
 */
let serverErrors: string[] = [];
beforeEach(() => {
  serverErrors = [];
});

async function answered(send: () => request.Test, status: number, what: string): Promise<request.Response> {
  for (let attempt = 1; ; attempt++) {
    const res = await send();
    if (res.status === status) return res;
    if (res.status >= 500 && attempt < 10) {
      serverErrors.push(`${what}: HTTP ${res.status} errorId=${(res.body as { errorId?: string }).errorId}`);
      await sleep(50);
      continue;
    }
    throw new Error(`${what}: expected HTTP ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
}

/** Logs the demo crew in up front (logins are not what these tests are about). */
async function logInCrew(t: TestApp): Promise<void> {
  for (const user of [USERS.maker, USERS.checker, USERS.checker2, USERS.operator]) await t.as(user);
}

/** Maker AAA creates and submits a DA4; D Wong or E Lee (in turn) claims it. */
async function submitAndClaim(t: TestApp, i: number): Promise<Pushed> {
  const maker = await t.as(USERS.maker);
  const checker = i % 2 === 0 ? USERS.checker : USERS.checker2;
  const body = da4({ accounts: 1 + (i % 5), remarks: `fault test form ${i}` });
  const draft = (await answered(() => maker.post('/eservices', body), 201, 'create')).body as FormJson;
  const form = (await answered(() => maker.act(draft.id, 'submit'), 200, 'submit')).body as FormJson;
  const c = await t.as(checker);
  await answered(() => c.act(form.id, 'claim'), 200, 'claim');
  return { id: form.id, reference: form.referenceNumber as string, checker, completed: false };
}

async function confirm(t: TestApp, form: Pushed): Promise<void> {
  const c = await t.as(form.checker);
  await answered(() => c.act(form.id, 'confirm'), 200, 'confirm');
}

/** The operator completes a form once its arrival check is on it (202: a worker applies it). */
async function complete(t: TestApp, form: Pushed, timeoutMs = 30_000): Promise<void> {
  const operator = await t.as(USERS.operator);
  await waitForForm(operator, form.id, (f) => f.arrivalCheck !== null, timeoutMs);
  await answered(() => operator.act(form.id, 'complete'), 202, 'complete');
  form.completed = true;
}

async function formsSettle(t: TestApp, forms: Pushed[], timeoutMs = 30_000): Promise<void> {
  const operator = await t.as(USERS.operator);
  for (const f of forms) {
    const settled = await waitForForm(
      operator,
      f.id,
      (x) => x.arrivalCheck !== null && (f.completed ? x.status === 'COMPLETED' : true),
      timeoutMs,
    );
    expect(settled.status).toBe(f.completed ? 'COMPLETED' : 'SENT_TO_HKEX');
  }
}

/** For each form, its e-mails arrived in the order of its events. */
function orderViolations(sink: SmtpSink, forms: Pushed[]): string[] {
  const rank = { submitted: 0, 'sent-to-hkex': 1, completed: 2 } as Record<string, number>;
  return forms.flatMap((f) => {
    const ranks = sink.messages.filter((m) => referenceOf(m) === f.reference).map((m) => rank[eventOf(m) ?? '']);
    return ranks.every((r, i) => i === 0 || ranks[i - 1] <= r) ? [] : [`${f.reference}: ${ranks.join(',')}`];
  });
}

/** All jobs ever added to the queues and still kept (waiting, active, delayed, completed, failed …). */
async function jobTotals(socket: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of Object.values(QUEUE_NAMES)) {
    const q = new Queue(name, { connection: { path: socket } });
    try {
      const counts = await q.getJobCounts();
      out[name] = Object.values(counts).reduce((s, n) => s + n, 0);
    } finally {
      await q.close();
    }
  }
  return out;
}

afterAll(() => killAll());

describe('a worker process killed with SIGKILL in the middle of a batch, and started again', () => {
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    // A server that answers each message after 40 ms keeps messages in flight when the worker dies.
    sink = await SmtpSink.start({ ackDelayMs: 40 });
    t = await startTestApp({ realTime: true, env: { WORKERS: 'off', SMTP_URL: sink.url } });
  });
  afterAll(async () => {
    await killAll();
    await t?.close();
    await sink?.close();
  }, 30_000);

  const workerEnv = (): Record<string, string> => ({
    SMTP_URL: sink.url,
    JOB_LOCK_MS: '2000',
    WORKER_CONCURRENCY: '10',
    MAIL_CONCURRENCY: '10',
  });

  it('every e-mail arrives, none lost; a copy is only ever one the killed worker had handed to the server', async () => {
    const started = Date.now();
    await logInCrew(t);
    const first = spawnWorker(t, workerEnv());
    await first.ready();

    const forms: Pushed[] = [];
    const pushing = (async () => {
      for (let i = 0; i < 30; i++) {
        const form = await submitAndClaim(t, i);
        await confirm(t, form);
        forms.push(form);
      }
      // The operator completes one form in three once its arrival check is there.
      for (const form of forms.filter((_, i) => i % 3 === 0)) await complete(t, form);
    })();
    let pushFailed: unknown = null;
    pushing.catch((e: unknown) => (pushFailed = e));

    // SIGKILL while messages are in flight, a third of the way through.
    await eventually(
      () => {
        if (pushFailed) throw pushFailed;
        return sink.messages.length >= 30 && sink.inFlight > 0;
      },
      'the first 30 e-mails, some in flight',
      30_000,
      2,
    );
    const atKill = { received: sink.messages.length, inFlight: sink.inFlight };
    await first.kill('SIGKILL');
    const receivedByExit = sink.messages.length;
    const second = spawnWorker(t, workerEnv());
    await second.ready();

    await pushing;
    await formsSettle(t, forms);
    await allDelivered(t, sink, undefined, 30_000);
    await sink.settle(500);

    const expected = expectedKeys(forms);
    const result = tally(expected, sink.messages);
    report(
      'FAULT a: worker SIGKILLed mid-batch and restarted',
      {
        'forms pushed through': forms.length,
        'forms completed': forms.filter((f) => f.completed).length,
        'crashes injected': 1,
        'e-mails received before the kill': atKill.received,
        'e-mails in flight at the kill': atKill.inFlight,
        'e-mails cut off mid-SMTP (not acknowledged)': sink.unacknowledged,
        'duplicates of e-mails accepted before the killed worker had exited': sink.messages.filter(
          (m, i) =>
            i >= receivedByExit && sink.messages.slice(0, receivedByExit).some((x) => x.messageId === m.messageId),
        ).length,
        'HTTP 5xx answers (retried)': serverErrors.length,
        seconds: ((Date.now() - started) / 1000).toFixed(1),
      },
      result,
    );
    expect(atKill.received).toBeLessThan(expected.length);
    // Exactly once up to the SMTP boundary: an e-mail the server accepted just before the
    // worker died, and not yet recorded SENT, goes again with the same Message-ID (a plain
    // SMTP server cannot be asked whether it has it). Every other e-mail arrives once.
    expect(result).toMatchObject({ lost: 0, unexpected: 0 });
    expect(result.duplicatedMessageIds).toBe(result.duplicated);
    expect(result.duplicated).toBeLessThanOrEqual(10); // at most the killed worker's MAIL_CONCURRENCY
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(expected.length);
    const deliveries = await deliveriesOf(t);
    expect(deliveries).toHaveLength(expected.length);
    expect(deliveries.every((d) => d.status === 'SENT')).toBe(true);
    expect((await outboxRows(t)).filter((r) => r.doneAt === null)).toEqual([]);
    expect(serverErrors).toEqual([]);
  });
});

describe('the SMTP server down for a while, then back on the same port', () => {
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ realTime: true, env: { WORKERS: 'on', SMTP_URL: sink.url } });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('delivers everything once the server is back, each form in the order of its events', async () => {
    const started = Date.now();
    await sink.stop();
    const downAt = Date.now();
    const forms: Pushed[] = [];
    for (let i = 0; i < 10; i++) {
      const form = await submitAndClaim(t, i);
      await confirm(t, form);
      forms.push(form);
    }
    for (const form of forms) await complete(t, form);
    await formsSettle(t, forms);

    // The first attempts failed and nothing was sent.
    await eventually(
      async () => (await deliveriesOf(t)).filter((d) => d.event === 'submitted' && d.attempts > 0).length === 20,
      'a failed attempt of every first e-mail',
    );
    const before = await deliveriesOf(t);
    expect(before).toHaveLength(50);
    expect(before.filter((d) => d.status === 'SENT')).toEqual([]);
    expect(before.find((d) => d.lastError)?.lastError).toMatch(/421|down|ECONNREFUSED|connect|closed/i);
    expect(sink.messages).toHaveLength(0);
    await sleep(Math.max(0, 3000 - (Date.now() - downAt)));

    await sink.restart();
    const downtime = Date.now() - downAt;
    const after = await allDelivered(t, sink, undefined, 40_000);
    await sink.settle(500);

    const expected = expectedKeys(forms);
    const result = tally(expected, sink.messages);
    const violations = orderViolations(sink, forms);
    report(
      'FAULT b: SMTP server down, then back',
      {
        'forms pushed through': forms.length,
        'outages injected': 1,
        'SMTP downtime (ms)': downtime,
        'failed send attempts': after.reduce((s, d) => s + d.attempts - 1, 0),
        'forms with e-mails out of order': violations.length,
        'HTTP 5xx answers (retried)': serverErrors.length,
        seconds: ((Date.now() - started) / 1000).toFixed(1),
      },
      result,
    );
    expect(result).toMatchObject({ lost: 0, duplicated: 0, duplicatedMessageIds: 0, unexpected: 0 });
    expect(sink.messages).toHaveLength(expected.length);
    expect(violations).toEqual([]);
    expect(after.every((d) => d.status === 'SENT' && d.lastError === null)).toBe(true);
    expect(serverErrors).toEqual([]);
  });
});

describe('redis-server stopped while forms are confirmed, then started again', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let restarted: EmbeddedRedis | null = null;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ realTime: true, env: { WORKERS: 'on', SMTP_URL: sink.url, JOB_LOCK_MS: '2000' } });
  });
  afterAll(async () => {
    // The app cannot shut down while a request waits for Redis: bring it back first if needed.
    if (t && !restarted) {
      restarted = new EmbeddedRedis(redisDirOf(t));
      await restarted.start();
    }
    await t?.close();
    await restarted?.stop();
    await sink?.close();
  });

  it('the confirmations succeed while Redis is away; every e-mail and every arrival check happens once', async () => {
    const started = Date.now();
    const forms: Pushed[] = [];
    for (let i = 0; i < 20; i++) forms.push(await submitAndClaim(t, i));

    for (const form of forms.slice(0, 6)) await confirm(t, form);
    const redisPid = await terminateRedis(redisSocketOf(t));
    const downAt = Date.now();
    for (const form of forms.slice(6, 14)) await confirm(t, form);
    // Readiness says Redis is down (README: "a failing /api/health, not a crash").
    const health = await request(t.app.getHttpServer())
      .get('/api/health')
      .timeout(3000)
      .then((res) => String(res.status))
      .catch((e: Error) => `no answer within 3 s (${e.message})`);
    await sleep(Math.max(0, 2000 - (Date.now() - downAt)));
    // Nothing reached the workers meanwhile: the outbox holds the work.
    const waiting = (await outboxRows(t)).filter((r) => r.name === 'arrival-check' && r.publishedAt === null).length;

    restarted = new EmbeddedRedis(redisDirOf(t));
    await restarted.start();
    const downtime = Date.now() - downAt;
    for (const form of forms.slice(14)) await confirm(t, form);

    await formsSettle(t, forms);
    await allDelivered(t, sink, undefined, 30_000);
    await sink.settle(500);

    const expected = expectedKeys(forms);
    const result = tally(expected, sink.messages);
    report(
      'FAULT c: redis-server stopped and started again',
      {
        'forms pushed through': forms.length,
        'forms confirmed while Redis was down': 8,
        'crashes injected': 1,
        'Redis downtime (ms)': downtime,
        'arrival checks waiting in the outbox while Redis was down': waiting,
        'GET /api/health while Redis was down': health,
        'HTTP 5xx answers (retried)': serverErrors.length,
        seconds: ((Date.now() - started) / 1000).toFixed(1),
      },
      result,
    );
    expect(redisPid).toBeGreaterThan(0);
    expect(waiting).toBeGreaterThanOrEqual(8);
    expect(result).toMatchObject({ lost: 0, duplicated: 0, duplicatedMessageIds: 0, unexpected: 0 });
    expect(sink.messages).toHaveLength(expected.length);
    expect((await outboxRows(t)).filter((r) => r.doneAt === null)).toEqual([]);
    expect(serverErrors).toEqual([]);
    expect(health).toBe('503');
  });
});

describe('a crash after the database commit and before the enqueue', () => {
  let sink: SmtpSink;
  let first: TestApp | null = null;
  let firstClosed = false;
  let second: TestApp | null = null;

  beforeAll(async () => {
    sink = await SmtpSink.start();
  });
  afterAll(async () => {
    if (first && !firstClosed) await first.close({ keepFiles: !!second });
    if (second) await second.close();
    else if (first) rmSync(first.dir, { recursive: true, force: true });
    await sink?.close();
  });

  it('the relay of the next start delivers every e-mail once; publishing the same rows twice adds nothing', async () => {
    const started = Date.now();
    first = await startTestApp({ realTime: true, env: { WORKERS: 'off', SMTP_URL: sink.url } });
    const outbox = first.app.get(OutboxService);
    // No relay from here on: committed rows are never published, as if the process died after each commit.
    await outbox.stop();
    const socket = redisSocketOf(first);

    // Forms of the first group are published twice before any worker runs.
    const twice: Pushed[] = [];
    for (let i = 0; i < 5; i++) {
      const form = await submitAndClaim(first, i);
      await confirm(first, form);
      twice.push(form);
    }
    const rowsOfTwice = (await outboxRows(first)).length;
    expect(await outbox.publishBatch()).toBe(rowsOfTwice);
    const afterOnce = await jobTotals(socket);
    await first.app.get(Transactions).run((em) => em.query('UPDATE "outbox_message" SET "publishedAt" = NULL'));
    expect(await outbox.publishBatch()).toBe(rowsOfTwice);
    const afterTwice = await jobTotals(socket);
    expect(afterTwice).toEqual(afterOnce);
    expect(afterOnce[QUEUE_NAMES.notifications] + afterOnce[QUEUE_NAMES.processing]).toBe(rowsOfTwice);

    // Forms of the second group are committed and never published.
    const never: Pushed[] = [];
    for (let i = 5; i < 15; i++) {
      const form = await submitAndClaim(first, i);
      await confirm(first, form);
      never.push(form);
    }
    const unpublished = (await outboxRows(first)).filter((r) => r.publishedAt === null);
    expect(unpublished).toHaveLength(never.length * 4); // 2 submitted + 1 sent-to-hkex + 1 arrival check
    expect(await jobTotals(socket)).toEqual(afterOnce);
    expect(sink.messages).toHaveLength(0);

    // The crash: the process goes away with those rows committed and unpublished.
    const { dir, databaseUrl } = first;
    await first.close({ keepFiles: true });
    firstClosed = true;
    second = await startTestApp({
      realTime: true,
      reuse: { dir, databaseUrl },
      env: { WORKERS: 'on', SMTP_URL: sink.url },
    });
    const t = second;
    const forms = [...twice, ...never];
    for (const form of forms.filter((_, i) => i % 3 === 0)) await complete(t, form);
    await formsSettle(t, forms);
    await allDelivered(t, sink, undefined, 30_000);
    await sink.settle(500);
    const expected = expectedKeys(forms);
    const result = tally(expected, sink.messages);
    report(
      'FAULT d: crash between commit and enqueue (rows of 5 forms published twice before it)',
      {
        'forms pushed through': forms.length,
        'forms whose rows were published twice before the workers ran': twice.length,
        'forms committed and never published before the crash': never.length,
        'crashes injected': 1,
        'HTTP 5xx answers (retried)': serverErrors.length,
        seconds: ((Date.now() - started) / 1000).toFixed(1),
      },
      result,
    );
    expect(result).toMatchObject({ lost: 0, duplicated: 0, duplicatedMessageIds: 0, unexpected: 0 });
    expect(sink.messages).toHaveLength(expected.length);

    // A replay of the whole outbox (as a relay that died before recording what it published).
    const done = await jobTotals(socket);
    const rows = (await outboxRows(t)).length;
    await t.app
      .get(Transactions)
      .run((em) => em.query('UPDATE "outbox_message" SET "publishedAt" = NULL, "doneAt" = NULL'));
    expect(await t.app.get(OutboxService).publishBatch()).toBe(rows);
    await sleep(1500);
    await sink.settle(500);
    const replayed = await jobTotals(socket);
    console.log(
      `FAULT d, replay of the whole outbox: ${rows} rows published again, ` +
        `${Object.values(replayed).reduce((a, b) => a + b, 0) - Object.values(done).reduce((a, b) => a + b, 0)} jobs added, ` +
        `${sink.messages.length - expected.length} e-mails sent again`,
    );
    expect(replayed).toEqual(done);
    expect(sink.messages).toHaveLength(expected.length);
    expect((await deliveriesOf(t)).every((d) => d.status === 'SENT' && d.attempts === 1)).toBe(true);

    expect(serverErrors).toEqual([]);
  });
});

/**
 * For the tests that kill a worker around one e-mail: an app of their own whose e-mails only
 * worker processes send, to an SMTP sink on loopback.
 */
function mailOnlyByWorkers(): { app: () => TestApp; sink: () => SmtpSink } {
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ realTime: true, env: { WORKERS: 'off', SMTP_URL: sink.url } });
  });
  afterAll(async () => {
    await killAll();
    await t?.close();
    await sink?.close();
  }, 30_000);
  return { app: () => t, sink: () => sink };
}

/** Three forms confirmed: their "submitted" and "sent to HKEX" e-mails wait for a worker. */
async function threeConfirmed(t: TestApp): Promise<Pushed[]> {
  await logInCrew(t);
  const forms: Pushed[] = [];
  for (let i = 0; i < 3; i++) {
    const form = await submitAndClaim(t, i);
    await confirm(t, form);
    forms.push(form);
  }
  return forms;
}

/** A worker that sends one e-mail at a time, whose jobs another takes over 2 s after it died. */
const oneAtATime = (sink: SmtpSink): Record<string, string> => ({
  SMTP_URL: sink.url,
  JOB_LOCK_MS: '2000',
  WORKER_CONCURRENCY: '1',
  MAIL_CONCURRENCY: '1',
});

describe('a worker killed the moment the mail server has accepted an e-mail, before it recorded it', () => {
  const setup = mailOnlyByWorkers();

  it('the e-mail goes at most twice, both with the same Message-ID: at least once, recognisably', async () => {
    const started = Date.now();
    const [t, sink] = [setup.app(), setup.sink()];
    const forms = await threeConfirmed(t);
    const env = oneAtATime(sink);
    const first = spawnWorker(t, env);
    // SIGKILL right after the server's 250 for the first e-mail: it is delivered, and the
    // worker dies before (or while) it commits the delivery as SENT.
    let struck: string | null = null;
    sink.onAccepted = (mail) => {
      if (struck) return;
      struck = mail.messageId;
      first.child.kill('SIGKILL');
    };
    await first.ready().catch(() => undefined);
    await first.exited;
    expect(struck).not.toBeNull();
    sink.onAccepted = null;
    const second = spawnWorker(t, env);
    await second.ready();
    await allDelivered(t, sink, undefined, 30_000);
    await sink.settle(500);

    const expected = expectedKeys(forms);
    const result = tally(expected, sink.messages);
    const copies = sink.messages.filter((m) => m.messageId === struck);
    report(
      'FAULT e: worker SIGKILLed right after the SMTP server accepted an e-mail',
      {
        'forms pushed through': forms.length,
        'crashes injected': 1,
        'copies of the e-mail accepted at the kill': copies.length,
        'HTTP 5xx answers (retried)': serverErrors.length,
        seconds: ((Date.now() - started) / 1000).toFixed(1),
      },
      result,
    );
    expect(result).toMatchObject({ lost: 0, unexpected: 0 });
    // Killed before the 250 reached it (or before its journal write): the worker could not
    // know the e-mail went, so the one that takes over sends it again, with the delivery's
    // Message-ID (mail systems collapse such copies). No other e-mail goes twice.
    expect(copies.length).toBeGreaterThanOrEqual(1);
    expect(copies.length).toBeLessThanOrEqual(2);
    expect(result.duplicated).toBe(copies.length - 1);
    expect(result.duplicatedMessageIds).toBe(copies.length - 1);
  });
});

describe('a worker killed after the mail server accepted an e-mail and the journal has it, before the SENT commit', () => {
  const setup = mailOnlyByWorkers();

  it('a worker on another machine takes the job over, finds the e-mail in the journal and does not send it again', async () => {
    const started = Date.now();
    const [t, sink] = [setup.app(), setup.sink()];
    const forms = await threeConfirmed(t);
    const env = oneAtATime(sink);
    // Two machines: each worker has a var/ folder of its own, so the journal can only be
    // what every worker reaches (Redis), not a file on one machine's disk.
    const machineA = anotherMachine(t);
    const machineB = anotherMachine(t);
    expect(new Set([t.dir, machineA.VAR_DIR, machineB.VAR_DIR]).size).toBe(3);
    const first = spawnWorker(t, { ...env, ...machineA, NODE_OPTIONS: `--require ${DIE_AFTER_JOURNAL}` });
    expect(await first.exited).toBe('SIGKILL');
    const struck = /journaled (\S+); dying/.exec(first.output())?.[1];
    expect(struck).toBeDefined();
    expect(sink.messages.filter((m) => m.messageId === struck)).toHaveLength(1);
    const rows = await deliveriesOf(t);
    expect(rows.find((d) => d.messageId === struck)).toBeUndefined(); // not recorded SENT by the killed worker

    const second = spawnWorker(t, { ...env, ...machineB });
    await second.ready();
    await allDelivered(t, sink, undefined, 30_000);
    await sink.settle(500);

    const result = tally(expectedKeys(forms), sink.messages);
    const copies = sink.messages.filter((m) => m.messageId === struck);
    report(
      'FAULT f: worker SIGKILLed after the journal recorded an accepted e-mail, before the SENT commit; taken over on another machine',
      {
        'forms pushed through': forms.length,
        'crashes injected': 1,
        'worker processes (each with a var/ folder of its own)': 2,
        'e-mails sent by the worker on the other machine': sink.messages.length - 1,
        'copies of the e-mail accepted at the kill': copies.length,
        'HTTP 5xx answers (retried)': serverErrors.length,
        seconds: ((Date.now() - started) / 1000).toFixed(1),
      },
      result,
    );
    expect(copies).toHaveLength(1);
    expect(result).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0, duplicatedMessageIds: 0 });
    const sent = (await deliveriesOf(t)).find((d) => d.messageId === struck);
    expect(sent?.status).toBe('SENT');
  });
});
