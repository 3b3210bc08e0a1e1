import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Metrics } from './metrics';
import { beginImmediately } from './orm-seams';

/** The most units one SQLite transaction takes, and how long (ms) it keeps taking more. */
export interface GroupLimits {
  maxUnits: number;
  maxMs: number;
}
const GROUP_LIMITS: GroupLimits = { maxUnits: 64, maxMs: 10 };
/** Provides other GroupLimits (a test that must not depend on the machine's speed widens the window). */
export const GROUP_LIMITS_TOKEN = Symbol('GroupLimits');

interface Unit {
  work: (em: EntityManager) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Runs write transactions. On PostgreSQL each is a transaction of its own, run concurrently;
 * conditional updates and row locks decide races.
 *
 * On SQLite, TypeORM shares one connection and cannot nest transactions, so units of work
 * are queued here and run one after the other, in this process. They are also committed in
 * groups: the units waiting when a transaction begins, and those queued while it runs or
 * during the turns of the event loop it leaves before its COMMIT (up to 64, for up to 10 ms),
 * run in one SQLite transaction, each inside a SAVEPOINT of its own, then one COMMIT (one
 * fsync) makes them all durable. Reads outside a unit go to a connection of their own
 * (`reads.ts`), so nothing uncommitted is ever shown. A unit that throws is rolled back to
 * its savepoint and fails alone; every unit is answered only after the COMMIT, so a caller
 * never sees as done what is not on disk. Should the COMMIT fail, every unit of the group fails.
 */
@Injectable()
export class Transactions {
  private readonly serialize: boolean;
  private readonly waiting: Unit[] = [];
  private draining = false;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() private readonly metrics?: Metrics,
    @Optional() @Inject(GROUP_LIMITS_TOKEN) private readonly limits: GroupLimits = GROUP_LIMITS,
  ) {
    this.serialize = dataSource.options.type === 'better-sqlite3';
    // SQLite write transactions take the write lock when they begin, not at their first write:
    // a deferred one that reads first fails at once with SQLITE_BUSY_SNAPSHOT when another
    // process (a worker) committed meanwhile; an immediate one waits its turn (busy_timeout).
    if (this.serialize) beginImmediately(dataSource);
  }

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialize) return this.dataSource.transaction(work);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length) await this.runGroup();
    } finally {
      this.draining = false;
    }
  }

  /** One SQLite transaction for the units waiting now and those that arrive while it runs. */
  private async runGroup(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    const group: Unit[] = [];
    const outcomes: Outcome[] = [];
    const started = performance.now();
    // The first unit is the group's before BEGIN: should BEGIN fail (another process held the
    // write lock past busy_timeout), that unit fails with it and the next ones try again.
    group.push(this.waiting.shift()!);
    try {
      await runner.startTransaction();
      outcomes.push(await runUnit(runner.manager, group[0]));
      const room = () => group.length < this.limits.maxUnits && performance.now() - started < this.limits.maxMs;
      for (;;) {
        while (this.waiting.length && room()) {
          const unit = this.waiting.shift()!;
          group.push(unit);
          outcomes.push(await runUnit(runner.manager, unit));
        }
        // One turn of the event loop before the COMMIT: requests whose bytes have arrived queue
        // their units now and join this transaction. better-sqlite3 runs a unit without giving
        // the loop back, so without this turn a group would rarely hold more than one unit.
        if (!room()) break;
        await new Promise((resolve) => setImmediate(resolve));
        if (!this.waiting.length) break;
      }
      await runner.commitTransaction();
      this.metrics?.groupCommitUnits.observe(group.length);
    } catch (failure) {
      // The transaction itself failed (BEGIN, a savepoint, or the COMMIT): nothing of the group is kept.
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      for (const unit of group) unit.reject(failure);
      return;
    } finally {
      await runner.release();
    }
    group.forEach((unit, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.error);
    });
  }
}

/** One unit inside the group's transaction: its own savepoint, rolled back alone when it throws. */
async function runUnit(em: EntityManager, unit: Unit): Promise<Outcome> {
  await em.query('SAVEPOINT unit');
  try {
    const value = await unit.work(em);
    await em.query('RELEASE unit');
    return { ok: true, value };
  } catch (error) {
    await em.query('ROLLBACK TO unit');
    await em.query('RELEASE unit');
    return { ok: false, error };
  }
}
