import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock';
import { FixedSql } from '../common/fixed-sql';
import { Transactions } from '../common/transactions';
import { queueConfig } from '../config/configuration';

const DAY_MS = 24 * 3600 * 1000;
/** Rows deleted per statement: a batch holds SQLite's write lock for tens of milliseconds, not seconds. */
export const PRUNE_BATCH = 10_000;
/** After a start, the first pruning waits this long (at most), so it stays out of the way of the start itself. */
const FIRST_PRUNE_MS = 60_000;

/**
 * One batch: the rows published and done before $1, at most $2 of them, found through
 * IDX_outbox_done. The sub-select bounds the DELETE (PostgreSQL has no DELETE … LIMIT, SQLite
 * only when compiled with it).
 */
export const pruneStatement = (param: (n: number) => string): string =>
  `DELETE FROM "outbox_message" WHERE "id" IN (SELECT "id" FROM "outbox_message"` +
  ` WHERE "doneAt" < ${param(1)} AND "publishedAt" IS NOT NULL ORDER BY "doneAt" LIMIT ${param(2)}) RETURNING "id"`;

/** Idempotency keys past their 24 hours (SPEC §11), found through IDX_idempotency_expires. */
export const expiredKeysStatement = (param: (n: number) => string): string =>
  `DELETE FROM "idempotency_record" WHERE "id" IN (SELECT "id" FROM "idempotency_record"` +
  ` WHERE "expiresAt" < ${param(1)} ORDER BY "expiresAt" LIMIT ${param(2)}) RETURNING "id"`;

/**
 * Deletes outbox rows that were published and done more than OUTBOX_RETENTION_DAYS ago: once
 * done, a row is never read again (the relay looks only at open rows), so without this the
 * table grows by a few rows per transition for ever. Deliveries and form history are the
 * audit trail and are never pruned. Runs in the processes that run the workers, every
 * OUTBOX_PRUNE_MS, in batches through the write queue (other writes go between two batches),
 * found through IDX_outbox_done. Idempotency keys past their 24 hours go the same way.
 */
@Injectable()
export class OutboxRetention {
  private readonly logger = new Logger('Outbox');
  private timer: NodeJS.Timeout | null = null;
  private pruning: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly tx: Transactions,
    private readonly sql: FixedSql,
    private readonly clock: Clock,
    @Inject(queueConfig.KEY) private readonly config: ConfigType<typeof queueConfig>,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(Math.min(this.config.outboxPruneIntervalMs, FIRST_PRUNE_MS));
  }

  /** Stops the timer and waits for a pruning in progress (before the database closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pruning;
  }

  /** The next pruning `ms` from now: counted from the end of the last, so two never overlap. */
  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pruning = this.prune()
        // Tried again at the next interval: nothing is lost by pruning later.
        .catch((e: unknown) => this.logger.warn(`cannot prune the outbox yet (${(e as Error).message})`))
        .finally(() => this.schedule(this.config.outboxPruneIntervalMs));
    }, ms);
  }

  /** Deletes every row done before the retention period (by the injected clock); returns how many. */
  async prune(batch = PRUNE_BATCH): Promise<number> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - this.config.outboxRetentionDays * DAY_MS);
    const removed = await this.deleteInBatches(pruneStatement, cutoff, batch);
    if (removed > 0) {
      this.logger.log(
        `removed ${removed} outbox rows done before ${cutoff.toISOString()} (OUTBOX_RETENTION_DAYS=${this.config.outboxRetentionDays})`,
      );
    }
    const keys = await this.deleteInBatches(expiredKeysStatement, now, batch);
    if (keys > 0) this.logger.log(`removed ${keys} expired idempotency keys`);
    return removed;
  }

  private async deleteInBatches(
    statement: (param: (n: number) => string) => string,
    before: Date,
    batch: number,
  ): Promise<number> {
    const sql = statement((n) => this.sql.param(n));
    let removed = 0;
    for (;;) {
      const deleted = await this.tx.run((em) => this.sql.returning(em, sql, [before.toISOString(), batch]));
      removed += deleted.length;
      if (deleted.length < batch) return removed;
    }
  }
}
