import { existsSync, mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import nodemailer from 'nodemailer';
import { Children, freePort, waitForHttp } from '../../tools/cluster/children';
import { memoryOf } from './procs';
import { Options } from './options';
import { Progress } from './progress';
import { RunResult } from './run-result';
import { SmtpSink } from './smtp-sink';
import { mapLimit, round, sleep } from './util';
import { readPhase, ReadPhaseResult } from './workload';
import { redisServerArgs } from '../../src/queue/embedded-redis';

export interface BareRouteCeiling extends ReadPhaseResult {
  peakRssMiB: number | null;
}

/** A tiny Nest app (one GET route, same Fastify adapter) driven by the same client as the service. */
export async function bareRouteCeiling(
  children: Children,
  root: string,
  logFile: string,
  concurrency: number,
  warmupMs: number,
  durationMs: number,
  onTick: (ms: number) => void,
): Promise<BareRouteCeiling> {
  const port = await freePort();
  const child = children.start(process.execPath, [join(root, 'dist/bench/ceiling/bare-nest-app.js')], {
    cwd: root,
    env: { ...process.env, PORT: String(port) },
    logFile,
  });
  try {
    const origin = `http://127.0.0.1:${port}`;
    await waitForHttp(`${origin}/api/v1/ping`, child, 30_000, 'the bare Nest app');
    const result = await readPhase(
      origin,
      'GET /api/v1/ping (bare Nest)',
      concurrency,
      warmupMs,
      durationMs,
      () => ({ path: '/api/v1/ping', token: 'x'.repeat(200) }),
      onTick,
    );
    return { ...result, peakRssMiB: memoryOf(child.pid!)?.hwmMiB ?? null };
  } finally {
    await children.stop(child, 10_000);
  }
}

export interface SqliteCeiling {
  synchronous: 'FULL' | 'NORMAL';
  /** Transitions per COMMIT: 1, or more for group commit (each in its own SAVEPOINT). */
  perCommit: number;
  transactions: number;
  durationMs: number;
  perSecond: number;
  meanMs: number;
}

/**
 * The raw SQLite transaction of a transition with better-sqlite3 directly, WAL mode: read the
 * form row, conditional UPDATE … WHERE id = ? AND version = ?, INSERT a history row; one
 * commit each. Tables and indexes shaped like the service's (eservice_form, form_history).
 */
export async function sqliteCeiling(
  dir: string,
  synchronous: 'FULL' | 'NORMAL',
  durationMs: number,
  onTick: (ms: number) => void,
  perCommit = 1,
): Promise<SqliteCeiling> {
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, `ceiling-${synchronous.toLowerCase()}-${perCommit}.sqlite`));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('busy_timeout = 5000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS eservice_form (
        id varchar(36) PRIMARY KEY, formType varchar(3) NOT NULL, companyId varchar(36) NOT NULL,
        participantshipId varchar(36) NOT NULL, clearingHouse varchar(5) NOT NULL, participantId varchar(10) NOT NULL,
        status varchar(14) NOT NULL, referenceNumber varchar(12) UNIQUE, version integer NOT NULL,
        createdById varchar(36) NOT NULL, submittedById varchar(36), contributorIds text NOT NULL,
        claimedById varchar(36), claimedAt varchar(24), confirmedById varchar(36), returned boolean NOT NULL,
        remarks text, declarationAccepted boolean NOT NULL, contacts text NOT NULL, requestType varchar(7),
        lines text NOT NULL, accounts integer, arrivalCheck text, rejectionReason text, clonedFromId varchar(36),
        createdAt varchar(24) NOT NULL, updatedAt varchar(24) NOT NULL);
      CREATE INDEX IF NOT EXISTS f_cs ON eservice_form (companyId, status, updatedAt);
      CREATE INDEX IF NOT EXISTS f_s ON eservice_form (status, updatedAt);
      CREATE TABLE IF NOT EXISTS form_history (
        id integer PRIMARY KEY AUTOINCREMENT, formId varchar(36) NOT NULL REFERENCES eservice_form(id) ON DELETE CASCADE,
        action varchar(12) NOT NULL, fromStatus varchar(14), toStatus varchar(14) NOT NULL, actorId varchar(36) NOT NULL,
        actorName varchar(200) NOT NULL, message text, at varchar(24) NOT NULL);
      CREATE INDEX IF NOT EXISTS h_f ON form_history (formId, id);
    `);
    const ids: string[] = [];
    const insertForm = db.prepare(
      `INSERT INTO eservice_form (id, formType, companyId, participantshipId, clearingHouse, participantId, status,
         version, createdById, contributorIds, returned, declarationAccepted, contacts, requestType, lines, createdAt, updatedAt)
       VALUES (?, 'DA3', ?, ?, 'HKSCC', 'B10000', 'READY_TO_SEND', 1, ?, ?, 0, 1, '[]', 'CHANGE', '[]', ?, ?)`,
    );
    db.transaction(() => {
      const now = new Date().toISOString();
      for (let i = 0; i < 2000; i++) {
        const id = randomUUID();
        ids.push(id);
        insertForm.run(id, `c${i % 50}`, `p${i % 50}`, 'maker', '["maker"]', now, now);
      }
    })();
    const read = db.prepare('SELECT * FROM eservice_form WHERE id = ?');
    const update = db.prepare(
      'UPDATE eservice_form SET claimedById = ?, claimedAt = ?, version = ?, updatedAt = ? WHERE id = ? AND version = ?',
    );
    const history = db.prepare(
      'INSERT INTO form_history (formId, action, fromStatus, toStatus, actorId, actorName, message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const transition = db.transaction((id: string) => {
      const row = read.get(id) as { version: number; status: string };
      const now = new Date().toISOString();
      const r = update.run('checker', now, row.version + 1, now, id, row.version);
      if (r.changes !== 1) throw new Error('lost a race that cannot happen');
      history.run(id, 'claim', row.status, row.status, 'checker', 'Checker', null, now);
    });
    // Group commit: better-sqlite3 runs a transaction inside a transaction as a SAVEPOINT.
    const group = db.transaction((from: number) => {
      for (let k = 0; k < perCommit; k++) transition(ids[(from + k) % ids.length]);
    });
    const start = performance.now();
    const end = start + durationMs;
    let n = 0;
    while (performance.now() < end) {
      const sliceEnd = Math.min(end, performance.now() + 50);
      while (performance.now() < sliceEnd) {
        if (perCommit === 1) transition(ids[n++ % ids.length]);
        else {
          group(n);
          n += perCommit;
        }
      }
      onTick(performance.now() - start);
      await new Promise((r) => setImmediate(r));
    }
    const elapsed = performance.now() - start;
    return {
      synchronous,
      perCommit,
      transactions: n,
      durationMs: round(elapsed, 0),
      perSecond: round((n / elapsed) * 1000, 0),
      meanMs: round(elapsed / n, 3),
    };
  } finally {
    db.close();
  }
}

export interface BullmqCeiling {
  jobs: number;
  concurrency: number;
  /** `queue.add` (50 in flight) → processed by a no-op worker. */
  addPerSecond: number;
  /** `queue.addBulk` in batches of 500 (as the service's outbox relay publishes) → processed. */
  addBulkPerSecond: number;
}

/** A no-op BullMQ job, add → processed at worker concurrency 50, against a Redis of its own. */
export async function bullmqCeiling(
  children: Children,
  dir: string,
  logFile: string,
  jobs: number,
  concurrency: number,
  onTick: (done: number) => void,
): Promise<BullmqCeiling> {
  const redisDir = join(dir, 'redis-ceiling');
  mkdirSync(redisDir, { recursive: true });
  const socket = join(redisDir, 'redis.sock');
  // The same settings as the service's embedded Redis.
  const redis = children.start('redis-server', redisServerArgs(redisDir, socket), { logFile });
  const clients: Redis[] = [];
  const connection = (): Redis => {
    const c = new Redis({ path: socket, maxRetriesPerRequest: null });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  let queue: Queue | null = null;
  let worker: Worker | null = null;
  try {
    const deadline = Date.now() + 10_000;
    while (!existsSync(socket) && Date.now() < deadline) await sleep(20);
    if (!existsSync(socket)) throw new Error('the ceiling redis-server did not start');
    queue = new Queue('ceiling', { connection: connection() });
    let processed = 0;
    let target = 0;
    let onTarget: () => void = () => undefined;
    worker = new Worker('ceiling', async () => undefined, { connection: connection(), concurrency });
    worker.on('completed', () => {
      processed++;
      if (processed % 500 === 0) onTick(processed);
      if (processed === target) onTarget();
    });
    await worker.waitUntilReady();
    // The service's job options (src/queue/queues.ts), with its kind of job id.
    const opts = {
      attempts: 10,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 24 * 3600, count: 100_000 },
      removeOnFail: false,
    };
    const run = async (label: string, add: (from: number, to: number) => Promise<void>): Promise<number> => {
      const base = processed;
      target = base + jobs;
      const done = new Promise<void>((r) => (onTarget = r));
      const t0 = performance.now();
      await add(base, base + jobs);
      const timeout = sleep(120_000).then(() => {
        throw new Error(`BullMQ ceiling (${label}): only ${processed - base} of ${jobs} jobs processed in 120 s`);
      });
      await Promise.race([done, timeout]);
      return round((jobs / (performance.now() - t0)) * 1000, 0);
    };
    const q = queue;
    const ids = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
    const addPerSecond = await run('add', async (from, to) => {
      await mapLimit(ids(from, to), 50, (i) => q.add('noop', { outboxId: i }, { ...opts, jobId: `ob-${i}` }));
    });
    const addBulkPerSecond = await run('addBulk', async (from, to) => {
      const all = ids(from, to);
      for (let k = 0; k < all.length; k += 500) {
        await q.addBulk(
          all
            .slice(k, k + 500)
            .map((i) => ({ name: 'noop', data: { outboxId: i }, opts: { ...opts, jobId: `ob-${i}` } })),
        );
      }
    });
    return { jobs, concurrency, addPerSecond, addBulkPerSecond };
  } finally {
    await worker?.close().catch(() => undefined);
    await queue?.close().catch(() => undefined);
    for (const c of clients) c.disconnect();
    await children.stop(redis, 10_000);
  }
}

export interface SmtpCeiling {
  mails: number;
  perSecond: number;
  maxConnections: number;
}

/** nodemailer pooled (as the service: 5 connections) to the same loopback sink, 50 messages in flight. */
export async function smtpCeiling(sink: SmtpSink, mails: number, onTick: (n: number) => void): Promise<SmtpCeiling> {
  const maxConnections = 5;
  const transporter = nodemailer.createTransport(sink.url, { pool: true, maxConnections } as object);
  const html = `<html><body>${'<p>Reference Number DA3_00000001 — Workflow Status: Completed.</p>'.repeat(40)}</body></html>`;
  const text = 'Reference Number DA3_00000001 - Workflow Status: Completed.\n'.repeat(20);
  try {
    let sent = 0;
    const t0 = performance.now();
    await mapLimit(
      Array.from({ length: mails }, (_, i) => i),
      50,
      async (i) => {
        await transporter.sendMail({
          from: 'HKEX Client Connect <noreply_connect@hkex.com.hk>',
          to: `Recipient ${i} <r${i}@bench-corp.hk>`,
          subject: `DA 3 - CCASS/ CCMS Delegated Administrator Application/ Maintenance Form (DA3_${i})`,
          html,
          text,
          messageId: `<ceiling-${i}-${t0}@bench.local>`,
        });
        if (++sent % 100 === 0) onTick(sent);
      },
    );
    return { mails, maxConnections, perSecond: round((mails / (performance.now() - t0)) * 1000, 0) };
  } finally {
    transporter.close();
  }
}

/** The ceilings, with the service stopped: what its parts can do alone on this machine (bench/README.md). */
export async function measureCeilings(
  children: Children,
  root: string,
  tmp: string,
  o: Options,
  run: RunResult,
  progress: Progress,
  sink: SmtpSink,
): Promise<void> {
  run.ceilings = {};
  progress.phase('ceiling: bare Nest route', (o.bareS + 0.5) * 1000, 'ms');
  run.ceilings.bareRoute = await bareRouteCeiling(
    children,
    root,
    join(tmp, 'bare-nest.log'),
    o.clients,
    500,
    o.bareS * 1000,
    (t) => progress.update(t),
  );
  for (const [mode, perCommit] of [
    ['FULL', 1],
    ['NORMAL', 1],
    ['FULL', 10],
  ] as const) {
    const label = perCommit > 1 ? `${mode}, ${perCommit} per commit` : mode;
    progress.phase(`ceiling: raw SQLite, ${label}`, o.sqliteS * 1000, 'ms');
    const r = await sqliteCeiling(
      join(tmp, 'sqlite-ceiling'),
      mode,
      o.sqliteS * 1000,
      (t) => progress.update(t),
      perCommit,
    );
    if (perCommit > 1) run.ceilings.sqliteFullGrouped = r;
    else if (mode === 'FULL') run.ceilings.sqliteFull = r;
    else run.ceilings.sqliteNormal = r;
  }
  progress.phase('ceiling: BullMQ no-op, concurrency 50', o.bullmqJobs * 2, 'jobs');
  run.ceilings.bullmq = await bullmqCeiling(children, tmp, join(tmp, 'redis-ceiling.log'), o.bullmqJobs, 50, (n) =>
    progress.update(n),
  );
  progress.phase('ceiling: SMTP sink, nodemailer pooled', o.smtpMails, 'mails');
  run.ceilings.smtp = await smtpCeiling(sink, o.smtpMails, (n) => progress.update(n));
}
