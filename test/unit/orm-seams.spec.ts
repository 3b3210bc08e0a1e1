import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { beginImmediately, columnName, hydrate, toDatabase } from '../../src/common/orm-seams';

/** A column of each kind the service's entities use: boolean, JSON, date, a value transformer, a renamed column. */
@Entity('probe')
class Probe {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'boolean', default: false }) flag!: boolean;
  @Column({ type: 'simple-json' }) payload!: { a: number; list: string[] };
  @Column({ type: 'datetime' }) at!: Date;
  @Column({
    type: 'varchar',
    transformer: { to: (v: string) => v.toUpperCase(), from: (v: string) => v.toLowerCase() },
  })
  code!: string;
  @Column({ name: 'display_name', type: 'varchar', nullable: true }) displayName!: string | null;
}

/**
 * The service's reaches below TypeORM's documented API (src/common/orm-seams.ts), each held
 * to what the service needs of it, on a real SQLite file: the day TypeORM changes under one,
 * this fails here rather than in production.
 */
describe('TypeORM seams on SQLite', () => {
  let dir: string;
  let dataSource: DataSource;

  const open = async (): Promise<DataSource> => {
    const ds = new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'db.sqlite'),
      enableWAL: true,
      entities: [Probe],
      synchronize: true,
    });
    return ds.initialize();
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eservices-seams-'));
    dataSource = await open();
  });
  afterEach(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Whether another connection can take the write lock now (without waiting). */
  const writeLockFree = (): boolean => {
    const other = new Database(join(dir, 'db.sqlite'));
    other.pragma('busy_timeout = 0');
    try {
      other.exec('BEGIN IMMEDIATE');
      other.exec('ROLLBACK');
      return true;
    } catch (e) {
      expect((e as Error).message).toMatch(/busy|locked/i);
      return false;
    } finally {
      other.close();
    }
  };

  describe('beginImmediately', () => {
    it('relies on one query runner shared by the SQLite driver', () => {
      expect(dataSource.createQueryRunner()).toBe(dataSource.createQueryRunner());
      expect(dataSource.createQueryRunner()).toBe(dataSource.driver.createQueryRunner('master'));
    });

    it('TypeORM alone begins deferred: no lock until the first write', async () => {
      const runner = dataSource.createQueryRunner();
      await runner.startTransaction();
      expect(writeLockFree()).toBe(true);
      await runner.rollbackTransaction();
    });

    it('with the seam, a transaction holds the write lock from its BEGIN, and gives it back at its end', async () => {
      beginImmediately(dataSource);
      const runner = dataSource.createQueryRunner();
      await runner.startTransaction();
      expect(writeLockFree()).toBe(false);
      await runner.query('INSERT INTO probe (flag, payload, at, code) VALUES (1, ?, ?, ?)', ['{}', '2026-01-01', 'X']);
      await runner.commitTransaction();
      expect(writeLockFree()).toBe(true);
      expect(await dataSource.query('SELECT COUNT(*) AS n FROM probe')).toEqual([{ n: 1 }]);
    });
  });

  describe('values as TypeORM converts them', () => {
    const probe = {
      flag: true,
      payload: { a: 1, list: ['x', 'y'] },
      at: new Date('2026-11-22T10:00:01.123Z'),
      code: 'abc',
      displayName: 'A Name',
    };

    it('hydrates a raw row into the entity TypeORM itself reads', async () => {
      const { id } = await dataSource.manager.save(Probe, { ...probe });
      const [row] = (await dataSource.query('SELECT * FROM probe WHERE id = ?', [id])) as Record<string, unknown>[];
      expect(row.flag).toBe(1);
      const mine = hydrate(dataSource, Probe, row);
      expect(mine).toBeInstanceOf(Probe);
      expect(mine).toEqual(await dataSource.manager.findOneByOrFail(Probe, { id }));
      expect(mine).toEqual({ id, ...probe });
    });

    it('sets only the columns a row has', async () => {
      const partial = hydrate(dataSource, Probe, { id: 7, flag: 0 });
      expect(partial).toEqual(Object.assign(new Probe(), { id: 7, flag: false }));
    });

    it('prepares each value as the driver stores it, and names columns as the database does', async () => {
      expect(toDatabase(dataSource, Probe, 'flag', true)).toBe(1);
      expect(toDatabase(dataSource, Probe, 'flag', false)).toBe(0);
      expect(toDatabase(dataSource, Probe, 'payload', probe.payload)).toBe('{"a":1,"list":["x","y"]}');
      expect(toDatabase(dataSource, Probe, 'code', 'abc')).toBe('ABC');
      expect(columnName(dataSource, Probe, 'displayName')).toBe('display_name');
      expect(() => columnName(dataSource, Probe, 'nope')).toThrow('nope is not a column of Probe');
    });
  });
});
