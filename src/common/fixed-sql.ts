import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Hot reads with fixed SQL: the same text every time, so the driver's statement cache always
 * hits and no query builder runs (building SQL was most of TypeORM's cost per request). Rows
 * become entities the way TypeORM's own reads do it: each column converted by the driver
 * (booleans, JSON, value transformers).
 */
export class FixedSql {
  private readonly postgres: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /** The n-th (1-based) parameter's placeholder on this database. */
  param(n: number): string {
    return this.postgres ? `$${n}` : '?';
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

  async one<T extends ObjectLiteral>(
    em: EntityManager,
    target: EntityTarget<T>,
    sql: string,
    params: unknown[],
  ): Promise<T | null> {
    return (await this.many(em, target, sql, params))[0] ?? null;
  }
}
