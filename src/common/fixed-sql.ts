import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { columnName, hydrate, toDatabase } from './orm-seams';

/**
 * Hot reads with fixed SQL: the same text every time, so the driver's statement cache always
 * hits and no query builder runs (building SQL was most of TypeORM's cost per request; the
 * form load alone, made fixed, doubled the form reads per second). Rows become entities the
 * way TypeORM's own reads do it: each column converted by the driver (booleans, JSON, value
 * transformers), through orm-seams.ts.
 */
@Injectable()
export class FixedSql {
  private readonly postgres: boolean;
  private readonly statements = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /** The n-th (1-based) parameter's placeholder on this database. */
  param(n: number): string {
    return this.postgres ? `$${n}` : '?';
  }

  /** The row with this primary key `id`, or null. */
  async byId<T extends ObjectLiteral>(
    em: EntityManager,
    target: EntityTarget<T>,
    id: string | number,
  ): Promise<T | null> {
    return (await this.allWhere(em, target, 'id', id))[0] ?? null;
  }

  /** Every row whose `column` (a property of the entity, not a user input) equals `value`. */
  allWhere<T extends ObjectLiteral>(
    em: EntityManager,
    target: EntityTarget<T>,
    column: string,
    value: unknown,
  ): Promise<T[]> {
    const table = this.dataSource.getMetadata(target).tableName;
    const key = `${table}.${column}`;
    let sql = this.statements.get(key);
    if (!sql) {
      sql = `SELECT * FROM "${table}" WHERE "${column}" = ${this.param(1)}`;
      this.statements.set(key, sql);
    }
    return this.many(em, target, sql, [value]);
  }

  /**
   * INSERT of one row (the properties given, converted by the driver: JSON, booleans, value
   * transformers); returns the row's `id` (generated ones included).
   */
  async insert<T extends ObjectLiteral>(
    em: EntityManager,
    target: EntityTarget<T>,
    values: Partial<T>,
  ): Promise<unknown> {
    const metadata = this.dataSource.getMetadata(target);
    const keys = Object.keys(values).filter((k) => values[k] !== undefined);
    const key = `insert ${metadata.tableName}(${keys.join(',')})`;
    let sql = this.statements.get(key);
    if (!sql) {
      const columns = keys.map((k) => `"${columnName(this.dataSource, target, k)}"`).join(', ');
      const params = keys.map((_, i) => this.param(i + 1)).join(', ');
      sql = `INSERT INTO "${metadata.tableName}" (${columns}) VALUES (${params}) RETURNING "id"`;
      this.statements.set(key, sql);
    }
    const rows = (await em.query(sql, this.values(target, values, keys))) as { id: unknown }[];
    return rows[0].id;
  }

  /**
   * UPDATE … SET (the properties given) WHERE (every property of `where` equal: `=`, so a null
   * condition never matches); returns how many rows it changed, which decides a conditional
   * update (`id` and `version`).
   */
  async update<T extends ObjectLiteral>(
    em: EntityManager,
    target: EntityTarget<T>,
    where: Partial<T>,
    changes: Partial<T>,
  ): Promise<number> {
    const metadata = this.dataSource.getMetadata(target);
    const sets = Object.keys(changes).filter((k) => changes[k] !== undefined);
    const conditions = Object.keys(where);
    const key = `update ${metadata.tableName} ${sets.join(',')} where ${conditions.join(',')}`;
    let sql = this.statements.get(key);
    if (!sql) {
      const set = sets.map((k, i) => `"${columnName(this.dataSource, target, k)}" = ${this.param(i + 1)}`).join(', ');
      const filter = conditions
        .map((k, i) => `"${columnName(this.dataSource, target, k)}" = ${this.param(sets.length + i + 1)}`)
        .join(' AND ');
      sql = `UPDATE "${metadata.tableName}" SET ${set} WHERE ${filter} RETURNING "id"`;
      this.statements.set(key, sql);
    }
    const params = [...this.values(target, changes, sets), ...this.values(target, where, conditions)];
    return (await this.returning(em, sql, params)).length;
  }

  /** The rows of an `UPDATE … RETURNING …` (TypeORM answers one on PostgreSQL with [rows, rowCount]). */
  async returning<R>(em: EntityManager, sql: string, params: unknown[]): Promise<R[]> {
    const result = (await em.query(sql, params)) as unknown[];
    return (this.postgres ? result[0] : result) as R[];
  }

  private values<T extends ObjectLiteral>(target: EntityTarget<T>, values: Partial<T>, keys: string[]): unknown[] {
    return keys.map((k) => toDatabase(this.dataSource, target, k, values[k]));
  }

  async many<T extends ObjectLiteral>(
    em: EntityManager,
    target: EntityTarget<T>,
    sql: string,
    params: unknown[],
  ): Promise<T[]> {
    const rows = (await em.query(sql, params)) as Record<string, unknown>[];
    // Only the columns selected: a list that reads a few columns gets entities with those set.
    return rows.map((row) => hydrate(this.dataSource, target, row));
  }
}
