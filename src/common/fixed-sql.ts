import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Hot reads with fixed SQL: the same text every time, so the driver's statement cache always
 * hits and no query builder runs (building SQL was most of TypeORM's cost per request; the
 * form load alone, made fixed, doubled the form reads per second). Rows become entities the
 * way TypeORM's own reads do it: each column converted by the driver (booleans, JSON, value
 * transformers).
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

  async many<T extends ObjectLiteral>(
    em: EntityManager,
    target: EntityTarget<T>,
    sql: string,
    params: unknown[],
  ): Promise<T[]> {
    const rows = (await em.query(sql, params)) as Record<string, unknown>[];
    const metadata = this.dataSource.getMetadata(target);
    const driver = this.dataSource.driver;
    return rows.map((row) => {
      const entity = metadata.create() as T;
      for (const column of metadata.columns)
        column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
      return entity;
    });
  }
}
