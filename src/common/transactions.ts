import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs write transactions. TypeORM's SQLite driver shares one connection and cannot
 * nest transactions, so on SQLite they are queued here, one after the other, in this
 * process; each is short (no network inside), so nothing is lost in throughput. On
 * PostgreSQL they run concurrently and conditional updates decide races.
 */
@Injectable()
export class Transactions {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serialize: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.serialize = dataSource.options.type === 'better-sqlite3';
    if (this.serialize) beginImmediately(dataSource);
  }

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialize) return this.dataSource.transaction(work);
    const result = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * SQLite write transactions take the write lock when they begin (BEGIN IMMEDIATE), not at
 * their first write. A deferred transaction that reads first fails at once with
 * SQLITE_BUSY_SNAPSHOT when another process (a worker) committed meanwhile; an immediate
 * one waits its turn (busy_timeout). TypeORM always says BEGIN TRANSACTION, on the one
 * query runner its SQLite driver shares, so that one statement is rewritten there.
 */
function beginImmediately(dataSource: DataSource): void {
  const runner = dataSource.driver.createQueryRunner('master');
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = ((sql: string, ...rest: unknown[]) =>
    query(sql === 'BEGIN TRANSACTION' ? 'BEGIN IMMEDIATE TRANSACTION' : sql, ...rest)) as typeof runner.query;
}
