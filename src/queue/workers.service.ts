import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DelayedError, Job, Queue, Worker } from 'bullmq';
import { queueConfig } from '../config/configuration';
import { Transactions } from '../common/transactions';
import { JobAttempt, JobHandlers, RetryLater } from './job-handlers';
import { OutboxService } from './outbox.service';
import { OVERDUE_SWEEP, QUEUE_NAMES } from './queues';
import { RedisConnections } from './redis-connections';

/**
 * The BullMQ workers: HKEX processing and notifications. They run inside the service
 * by default (WORKERS=on) and in any number of `npm run worker` processes. Each job is
 * idempotent, so a job taken over from a killed worker does its work once.
 */
@Injectable()
export class WorkersService {
  private readonly logger = new Logger('Workers');
  private workers: Worker[] = [];
  private scheduler: Queue | null = null;
  /** The jobs this process is running, with the lock token each was taken with. */
  private readonly inHand = new Map<string, { job: Job; token?: string }>();

  constructor(
    private readonly redis: RedisConnections,
    private readonly handlers: JobHandlers,
    private readonly tx: Transactions,
    private readonly outbox: OutboxService,
    @Inject(queueConfig.KEY) private readonly config: ConfigType<typeof queueConfig>,
  ) {}

  start(): void {
    const options = {
      concurrency: this.config.workerConcurrency,
      lockDuration: this.config.lockDurationMs,
      stalledInterval: Math.max(1000, Math.floor(this.config.lockDurationMs / 2)),
    };
    const processing = new Worker(QUEUE_NAMES.processing, this.processor(), {
      ...options,
      connection: this.redis.worker(),
    });
    const notifications = new Worker(QUEUE_NAMES.notifications, this.processor(), {
      ...options,
      concurrency: this.config.mailConcurrency,
      connection: this.redis.worker(),
    });
    for (const w of [processing, notifications]) {
      w.on('failed', (job, error) => {
        if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
        const data = job.data as { outboxId?: number };
        const handler = this.handlers.find(job.name);
        if (!handler?.failedForGood && data.outboxId === undefined) return; // the overdue sweep: it runs again
        this.logger.error(`job ${job.name} ${job.id} failed for good: ${error.message}`);
        // The job stays in the failed set (the dashboard) for the retention period; once it has
        // expired there the relay must not publish its outbox row again. So the row is closed:
        // where the work belongs when its module says how (a delivery is marked FAILED, a
        // completion given up: done already when its last attempt threw, not when it stalled too
        // often), else here.
        const attempt = { ...attemptOf(job), number: Math.max(1, job.attemptsMade) };
        const closing = handler?.failedForGood
          ? handler.failedForGood(job.data, attempt, error)
          : this.tx.run((em) => this.outbox.markDone(em, data.outboxId!));
        void closing.catch(() => undefined);
      });
    }
    for (const w of [processing, notifications]) w.on('error', () => undefined); // reported by RedisConnections
    this.workers = [processing, notifications];
    this.scheduleOverdueSweep();
    this.logger.log(
      `workers started (concurrency ${this.config.workerConcurrency}, e-mails ${this.config.mailConcurrency})`,
    );
  }

  /**
   * Graceful: takes no new job and gives the jobs in hand SHUTDOWN_JOB_WAIT_MS to finish; jobs
   * not started stay in the queue. A job still running then (a mail server that does not
   * answer) goes back to the queue at once, rather than staying active until its lock
   * expires; jobs are idempotent, so the worker that takes it does its work once. Each step
   * is bounded: with Redis away, BullMQ's calls would wait for it for ever.
   */
  async stop(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    const scheduler = this.scheduler;
    this.scheduler = null;
    if (scheduler) await within(scheduler.close(), Date.now() + 1000);
    const deadline = Date.now() + this.config.shutdownJobWaitMs;
    await within(Promise.all(workers.map((w) => w.pause(true))), deadline);
    while (this.inHand.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const left = [...this.inHand.values()];
    // Closed first, without waiting for the jobs left: a fetch still under way would take a
    // job back as soon as it is in the queue again.
    await within(Promise.all(workers.map((w) => w.close(left.length > 0))), Math.max(deadline, Date.now()) + 1000);
    if (left.length === 0) return;
    this.logger.warn(
      `${left.length} job(s) still running after ${this.config.shutdownJobWaitMs} ms: back to the queue`,
    );
    const queues = new Map<string, Queue>();
    const queueOf = (name: string): Queue => {
      let q = queues.get(name);
      if (!q) queues.set(name, (q = new Queue(name, { connection: this.redis.producer() })));
      return q;
    };
    const back = left.map(async ({ job, token }) => {
      const again = await Job.fromId(queueOf(job.queueName), job.id!);
      await again?.moveToWait(token);
    });
    await within(Promise.all(back), Date.now() + 2000);
    await within(Promise.all([...queues.values()].map((q) => q.close())), Date.now() + 1000);
  }

  /**
   * SPEC §13: every OVERDUE_CHECK_MS one worker somewhere looks for forms that became overdue.
   * A BullMQ job scheduler: upserted by every process that runs workers, it stays one schedule in
   * Redis, so the check runs once per period however many processes there are. Telling the
   * operators once per form is the check's own (escalatedAt), not the schedule's.
   */
  private scheduleOverdueSweep(): void {
    this.scheduler = new Queue(QUEUE_NAMES.processing, { connection: this.redis.producer() });
    this.scheduler
      .upsertJobScheduler(
        OVERDUE_SWEEP,
        { every: this.config.overdueCheckMs },
        { name: OVERDUE_SWEEP, data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
      )
      .catch((e: Error) => this.logger.error(`overdue check not scheduled: ${e.message}`));
  }

  /**
   * Runs each job by its registered handler, with the job counted in hand while it runs. A
   * handler that must wait (a form's earlier e-mail still pending) moves its job back by the
   * time it asks, without using up an attempt.
   */
  private processor() {
    return async (job: Job, token?: string): Promise<unknown> => {
      const key = `${job.queueName}/${job.id}`;
      this.inHand.set(key, { job, token });
      try {
        return await this.handlers.of(job.name).run(job.data, attemptOf(job));
      } catch (e) {
        if (!(e instanceof RetryLater)) throw e;
        await job.moveToDelayed(Date.now() + e.delayMs, token);
        throw new DelayedError();
      } finally {
        this.inHand.delete(key);
      }
    };
  }
}

/** The attempt a processor is running: BullMQ counts the attempts made before it. */
function attemptOf(job: Job): JobAttempt {
  return { number: job.attemptsMade + 1, of: job.opts.attempts ?? 1, jobId: job.id };
}

/** Waits for `work` to settle, or until the time `until` (ms since the epoch), whichever comes first. */
async function within(work: Promise<unknown>, until: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, until - Date.now()))));
  await Promise.race([work.then(noop, noop), limit]);
  clearTimeout(timer);
}

const noop = (): void => undefined;
