import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { Reads } from '../../src/common/reads';
import { Transactions } from '../../src/common/transactions';
import { dataSourceOptions } from '../../src/config/data-source-options';

/**
 * Group commit on a real SQLite file, with the service's own connection settings: many
 * units share one COMMIT, each fails alone, and none is answered before it is on disk.
 */
describe('Transactions on SQLite (group commit)', () => {
  let dir: string;
  let file: string;
  let dataSource: DataSource;
  let tx: Transactions;
  let statements: string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eservices-tx-'));
    file = join(dir, 'tx.sqlite');
    dataSource = new DataSource({ ...dataSourceOptions(`sqlite://${file}`), entities: [], migrations: [] });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
    await dataSource.query('CREATE TABLE item (id INTEGER PRIMARY KEY, parentId INTEGER REFERENCES parent(id))');
    await dataSource.query('INSERT INTO parent (id) VALUES (1)');
    // The group keeps taking units for a second here rather than 10 ms, so what is checked is
    // the grouping, not whether this machine ran 40 inserts within 10 ms.
    tx = new Transactions(dataSource, undefined, { maxUnits: 64, maxMs: 1000 });
    // Every statement the shared connection is given (BEGIN TRANSACTION becomes IMMEDIATE below this).
    statements = [];
    const runner = dataSource.driver.createQueryRunner('master');
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    runner.query = ((sql: string, ...rest: unknown[]) => {
      statements.push(sql);
      return query(sql, ...rest);
    }) as typeof runner.query;
  });

  afterEach(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = (sql: string): number => statements.filter((s) => s === sql).length;
  /** What another connection (another process) sees on disk. */
  const itemsOnDisk = (): number[] => {
    const other = new Database(file, { readonly: true });
    try {
      return (other.prepare('SELECT id FROM item ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    } finally {
      other.close();
    }
  };

  it('commits units queued together in one transaction, each answered with its own result', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        tx.run(async (em) => {
          await em.query('INSERT INTO item (id, parentId) VALUES (?, 1)', [i + 1]);
          return `unit ${i + 1}`;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => `unit ${i + 1}`));
    expect(itemsOnDisk()).toHaveLength(40);
    expect(count('COMMIT')).toBe(1);
    expect(count('BEGIN TRANSACTION')).toBe(count('COMMIT'));
    expect(count('SAVEPOINT unit')).toBe(40);
  });

  it('takes units that arrive while a transaction runs into it, up to 64', async () => {
    const runs: Promise<unknown>[] = [];
    // Each unit queues the next one while it runs, as requests arriving during a transaction do.
    const chain = (n: number): Promise<unknown> =>
      tx.run(async (em) => {
        await em.query('INSERT INTO item (id, parentId) VALUES (?, 1)', [n]);
        if (n < 100) runs.push(chain(n + 1));
      });
    runs.push(chain(1));
    while (runs.length < 100) await new Promise((r) => setImmediate(r));
    await Promise.all(runs);
    expect(itemsOnDisk()).toHaveLength(100);
    // 64 in the first group, the 36 queued after it in the second.
    expect(count('COMMIT')).toBe(2);
  });

  it('takes units that arrive on the next turn of the event loop, as HTTP requests do, before committing', async () => {
    const later: Promise<unknown>[] = [];
    await tx.run(async (em) => {
      await em.query('INSERT INTO item (id, parentId) VALUES (1, 1)');
      // Not queued by the unit itself: a request whose bytes the loop reads after this unit ran.
      setImmediate(() => later.push(tx.run((em2) => em2.query('INSERT INTO item (id, parentId) VALUES (2, 1)'))));
    });
    await Promise.all(later);
    expect(later).toHaveLength(1);
    expect(itemsOnDisk()).toEqual([1, 2]);
    expect(count('COMMIT')).toBe(1);
  });

  it('shows reads outside a unit only what is committed', async () => {
    const reads = await Reads.open(dataSource);
    try {
      const items = async (manager: EntityManager) =>
        ((await manager.query('SELECT id FROM item ORDER BY id')) as { id: number }[]).map((r) => r.id);
      const seen = await tx.run(async (em) => {
        await em.query('INSERT INTO item (id, parentId) VALUES (1, 1)');
        return { inTheUnit: await items(em), outside: await items(reads.manager) };
      });
      expect(seen).toEqual({ inTheUnit: [1], outside: [] });
      expect(await items(reads.manager)).toEqual([1]);
      await expect(reads.manager.query('INSERT INTO item (id, parentId) VALUES (2, 1)')).rejects.toThrow(/readonly/);
    } finally {
      await reads.onApplicationShutdown();
    }
  });

  it('rolls back a unit that throws to its savepoint, and keeps the others of its group', async () => {
    const outcomes = await Promise.allSettled([
      tx.run((em) => em.query('INSERT INTO item (id, parentId) VALUES (1, 1)')),
      tx.run(async (em) => {
        await em.query('INSERT INTO item (id, parentId) VALUES (2, 1)');
        throw new Error('refused after writing');
      }),
      tx.run((em) => em.query('INSERT INTO item (id, parentId) VALUES (3, 1)')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('refused after writing'));
    expect(itemsOnDisk()).toEqual([1, 3]);
    expect(count('COMMIT')).toBe(1);
  });

  it('answers a unit only once its COMMIT is on disk', async () => {
    const seenBeforeAnswer: number[][] = [];
    const first = tx.run((em) => em.query('INSERT INTO item (id, parentId) VALUES (1, 1)'));
    const second = tx.run(async (em) => {
      await em.query('INSERT INTO item (id, parentId) VALUES (2, 1)');
      seenBeforeAnswer.push(itemsOnDisk());
    });
    await Promise.all([first, second]);
    expect(seenBeforeAnswer).toEqual([[]]);
    expect(itemsOnDisk()).toEqual([1, 2]);
  });

  it('fails the unit whose BEGIN cannot take the write lock, and goes on once the lock is free', async () => {
    await dataSource.query('PRAGMA busy_timeout = 100');
    const otherProcess = new Database(file);
    otherProcess.exec('BEGIN IMMEDIATE');
    try {
      await expect(tx.run((em) => em.query('INSERT INTO item (id, parentId) VALUES (1, 1)'))).rejects.toThrow(
        /locked|busy/i,
      );
    } finally {
      otherProcess.exec('COMMIT');
      otherProcess.close();
    }
    await tx.run((em) => em.query('INSERT INTO item (id, parentId) VALUES (2, 1)'));
    expect(itemsOnDisk()).toEqual([2]);
  });

  it('fails every unit of the group when the COMMIT fails, and keeps none of them', async () => {
    // A deferred foreign key is checked at COMMIT: the one real way to make a COMMIT refuse.
    const outcomes = await Promise.allSettled([
      tx.run((em) => em.query('INSERT INTO item (id, parentId) VALUES (1, 1)')),
      tx.run(async (em) => {
        await em.query('PRAGMA defer_foreign_keys = ON');
        await em.query('INSERT INTO item (id, parentId) VALUES (2, 999)');
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(itemsOnDisk()).toEqual([]);
    // The queue goes on with the next transaction.
    await tx.run((em) => em.query('INSERT INTO item (id, parentId) VALUES (3, 1)'));
    expect(itemsOnDisk()).toEqual([3]);
  });
});
