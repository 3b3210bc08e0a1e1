import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { FixedSql } from '../../src/common/fixed-sql';
import { dataSourceOptions } from '../../src/config/data-source-options';
import { OutboxMessage } from '../../src/queue/outbox-message.entity';

/** Fixed SQL against the real schema (migrations) on a real SQLite file: values go in and come back as TypeORM's would. */
describe('FixedSql on SQLite', () => {
  let dir: string;
  let dataSource: DataSource;
  let sql: FixedSql;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eservices-sql-'));
    dataSource = new DataSource(dataSourceOptions(`sqlite://${join(dir, 'db.sqlite')}`));
    await dataSource.initialize();
    await dataSource.runMigrations();
    sql = new FixedSql(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const row = (n: number) => ({
    queue: 'notifications',
    name: 'send-email',
    payload: { deliveryId: `d-${n}`, nested: { ok: true } },
    createdAt: new Date(`2026-11-22T10:00:0${n}.123Z`),
    publishedAt: null,
    doneAt: null,
  });

  it('inserts with the generated id returned, and reads back what TypeORM reads', async () => {
    const id = await sql.insert(dataSource.manager, OutboxMessage, row(1));
    expect(typeof id).toBe('number');
    const mine = await sql.byId(dataSource.manager, OutboxMessage, id as number);
    const typeorms = await dataSource.manager.findOneByOrFail(OutboxMessage, { id: id as number });
    expect(mine).toEqual(typeorms);
    expect(mine).toBeInstanceOf(OutboxMessage);
    expect(mine?.payload).toEqual({ deliveryId: 'd-1', nested: { ok: true } });
    expect(mine?.createdAt).toEqual(new Date('2026-11-22T10:00:01.123Z'));
    expect(mine?.doneAt).toBeNull();
  });

  it('updates only the rows matching every condition, and says how many', async () => {
    const id = (await sql.insert(dataSource.manager, OutboxMessage, row(2))) as number;
    const done = new Date('2026-11-22T11:00:00.000Z');
    expect(await sql.update(dataSource.manager, OutboxMessage, { id, name: 'complete' }, { doneAt: done })).toBe(0);
    expect((await sql.byId(dataSource.manager, OutboxMessage, id))?.doneAt).toBeNull();
    expect(await sql.update(dataSource.manager, OutboxMessage, { id, name: 'send-email' }, { doneAt: done })).toBe(1);
    expect((await sql.byId(dataSource.manager, OutboxMessage, id))?.doneAt).toEqual(done);
  });

  it('finds by any column, and nothing for an unknown id', async () => {
    const rows = await sql.allWhere(dataSource.manager, OutboxMessage, 'queue', 'notifications');
    expect(rows.map((r) => r.payload.deliveryId).sort()).toEqual(['d-1', 'd-2']);
    expect(await sql.byId(dataSource.manager, OutboxMessage, 999_999)).toBeNull();
  });

  it('refuses a property that is not a column', async () => {
    await expect(
      sql.update(dataSource.manager, OutboxMessage, { id: 1 }, { nope: 1 } as unknown as Partial<OutboxMessage>),
    ).rejects.toThrow(/nope is not a column of OutboxMessage/);
  });
});
