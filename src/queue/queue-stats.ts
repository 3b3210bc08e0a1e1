import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Clock } from '../common/clock';
import { QUEUE_NAMES, QueueName } from './queues';
import { RedisConnections } from './redis-connections';

/** One queue as Redis holds it: shared by every process, so any of them can report it. */
export interface QueueState {
  queue: QueueName;
  /** Jobs ready to run that no worker has taken yet. */
  waiting: number;
  active: number;
  /** Retries waiting out their backoff, and e-mails waiting for an earlier one: not stalled. */
  delayed: number;
  /** Jobs that used up their attempts (kept, see JOB_OPTIONS). */
  failed: number;
  /** Worker connections of this queue, from any process (Redis CLIENT LIST). */
  workers: number;
  /**
   * How long the job next in line has been next in line without being taken, as far as this
   * process has seen (a lower bound: counted from the first read that found it there); null
   * when none waits.
   */
  nextJobWaitingMs: number | null;
}

/** How long a read may take before it counts as Redis not answering. */
const READ_TIMEOUT_MS = 1000;

/**
 * Reads the queues' state from Redis, for readiness and metrics. Holds its own Queue
 * handles (on the producer connection, failing fast while Redis is away), so an API with
 * WORKERS=off reports the queues its worker processes serve.
 */
@Injectable()
export class QueueStats {
  private readonly queues = new Map<QueueName, Queue>();
  /** Per queue, the job seen next in line (id and the start of its last attempt) and since when. */
  private readonly nextInLine = new Map<QueueName, { job: string; since: number }>();

  constructor(
    private readonly redis: RedisConnections,
    private readonly clock: Clock,
  ) {}

  /** Every queue of QUEUE_NAMES; rejects when Redis does not answer within a second. */
  read(): Promise<QueueState[]> {
    return withTimeout(
      Promise.all(Object.values(QUEUE_NAMES).map((name) => this.readQueue(name))),
      READ_TIMEOUT_MS,
      `Redis did not answer within ${READ_TIMEOUT_MS / 1000} s`,
    );
  }

  private async readQueue(name: QueueName): Promise<QueueState> {
    const queue = this.queue(name);
    const [counts, workers, [next]] = await Promise.all([
      queue.getJobCounts('wait', 'active', 'delayed', 'failed'),
      queue.getWorkersCount(),
      // The right end of the wait list: the job a worker takes next.
      queue.getJobs(['wait'], 0, 0, true),
    ]);
    const now = this.clock.now().getTime();
    let nextJobWaitingMs: number | null = null;
    if (next) {
      // A job that was taken and came back (a retry, an e-mail waiting for an earlier one)
      // has a new processedOn: it counts as a new arrival, not as one left waiting.
      const job = `${next.id}@${next.processedOn ?? 0}`;
      const seen = this.nextInLine.get(name);
      const since = seen?.job === job ? seen.since : now;
      this.nextInLine.set(name, { job, since });
      nextJobWaitingMs = now - since;
    } else {
      this.nextInLine.delete(name);
    }
    return {
      queue: name,
      waiting: counts.wait ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      workers,
      nextJobWaitingMs,
    };
  }

  private queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.redis.producer() });
      q.on('error', () => undefined); // reported once by RedisConnections
      this.queues.set(name, q);
    }
    return q;
  }

  /**
   * At shutdown, before the Redis connections close. A Queue's close waits for its connection
   * to be ready: with Redis away it would hold the shutdown, so it gets a second at most.
   */
  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await withTimeout(Promise.all(queues.map((q) => q.close())), READ_TIMEOUT_MS, 'queues not closed').catch(
      () => undefined,
    );
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
