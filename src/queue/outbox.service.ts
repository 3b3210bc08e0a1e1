import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { JobsOptions, Queue } from 'bullmq';
import { EntityManager, In, IsNull, LessThan, Or } from 'typeorm';
import { Clock } from '../common/clock';
import { FixedSql } from '../common/fixed-sql';
import { Reads } from '../common/reads';
import { Transactions } from '../common/transactions';
import { queueConfig } from '../config/configuration';
import { OutboxMessage } from './outbox-message.entity';
import { JOB_QUEUE, jobIdOf, JobName, jobOptions, JobPayloads, QueueName } from './queues';
import { RedisConnections } from './redis-connections';

/**
 * The transactional outbox: `add` writes a job inside the caller's transaction; the relay
 * moves committed rows to BullMQ. A crash between commit and publish loses nothing (the
 * row is still unpublished) and a replay publishes nothing twice (the job id is the row's).
 * Rows published long ago and still not done (Redis lost them) are published again.
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger('Outbox');
  private queues = new Map<QueueName, Queue>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = true;
  private redisDown = false;
  private readonly jobOptions: JobsOptions;

  constructor(
    private readonly tx: Transactions,
    private readonly redis: RedisConnections,
    private readonly clock: Clock,
    private readonly sql: FixedSql,
    private readonly reads: Reads,
    @Inject(queueConfig.KEY) private readonly config: ConfigType<typeof queueConfig>,
  ) {
    this.jobOptions = jobOptions(config.outboxRetentionDays);
  }

  /** Inside a transaction: the job is published once the transaction commits. */
  async add<N extends JobName>(em: EntityManager, name: N, payload: JobPayloads[N]): Promise<void> {
    await this.sql.insert(em, OutboxMessage, {
      queue: JOB_QUEUE[name],
      name,
      payload: { ...payload },
      createdAt: this.clock.now(),
      publishedAt: null,
      doneAt: null,
    });
  }

  /** Inside the worker's transaction: the job's work is committed, so the row is closed. */
  async markDone(em: EntityManager, outboxId: number): Promise<void> {
    await this.sql.update(em, OutboxMessage, { id: outboxId }, { doneAt: this.clock.now() });
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.redis.producer(), defaultJobOptions: this.jobOptions });
      q.on('error', () => undefined); // reported once by RedisConnections
      this.queues.set(name, q);
    }
    return q;
  }

  startRelay(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** After a commit: publish now rather than at the next tick. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    this.running = true;
    let published = 0;
    try {
      published = await this.publishBatch();
      if (this.redisDown) this.logger.log('Redis reachable again: publishing the outbox');
      this.redisDown = false;
    } catch (e) {
      if (!this.redisDown) this.logger.warn(`cannot publish the outbox yet (${(e as Error).message}); retrying`);
      this.redisDown = true;
    } finally {
      this.running = false;
    }
    const busy = published > 0 || this.again;
    this.again = false;
    this.schedule(this.redisDown ? 1000 : busy ? 0 : this.config.relayIntervalMs);
  }

  /** Publishes up to one batch of open rows; returns how many. */
  async publishBatch(limit = 500): Promise<number> {
    const now = this.clock.now();
    const stale = new Date(now.getTime() - this.config.republishAfterMs);
    // Read and mark through the write queue: on SQLite's one shared connection a read
    // outside it could see another transaction's uncommitted rows.
    const rows = await this.tx.run((em) =>
      em.find(OutboxMessage, {
        // One condition the partial index IDX_outbox_open (publishedAt, id WHERE doneAt IS NULL)
        // answers: an OR of two where-objects made SQLite scan the whole table every tick.
        where: { doneAt: IsNull(), publishedAt: Or(IsNull(), LessThan(stale)) },
        order: { publishedAt: 'ASC', id: 'ASC' },
        take: limit,
      }),
    );
    if (rows.length === 0) return 0;
    const byQueue = new Map<QueueName, OutboxMessage[]>();
    for (const row of rows) byQueue.set(row.queue as QueueName, [...(byQueue.get(row.queue as QueueName) ?? []), row]);
    for (const [queue, list] of byQueue) {
      await this.queue(queue).addBulk(
        list.map((row) => ({
          name: row.name,
          data: { ...row.payload, outboxId: row.id },
          opts: { ...this.jobOptions, jobId: jobIdOf(row.id) },
        })),
      );
    }
    await this.tx.run((em) => em.update(OutboxMessage, { id: In(rows.map((r) => r.id)) }, { publishedAt: now }));
    return rows.length;
  }

  /**
   * Rows committed and not yet published, and the age of the oldest: what metrics and health
   * watch. Read on the committed-only connection, from the partial index of open rows.
   */
  async backlog(): Promise<{ unpublished: number; oldestUnpublishedAgeMs: number | null }> {
    const open = { doneAt: IsNull(), publishedAt: IsNull() };
    const manager = this.reads.manager;
    const [unpublished, oldest] = await Promise.all([
      manager.countBy(OutboxMessage, open),
      manager.findOne(OutboxMessage, { where: open, order: { id: 'ASC' }, select: { id: true, createdAt: true } }),
    ]);
    const age = oldest ? Math.max(0, this.clock.now().getTime() - oldest.createdAt.getTime()) : null;
    return { unpublished, oldestUnpublishedAgeMs: age };
  }

  /** Stops the relay and closes the queues (at shutdown, after the workers). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
