import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * The only places the service reaches below TypeORM's documented API, each because no public
 * call does the job; test/unit/orm-seams.spec.ts fails the day TypeORM changes under any of them.
 *
 * - `beginImmediately`: SQLite write transactions must take the write lock when they begin
 *   (BEGIN IMMEDIATE). TypeORM always says BEGIN TRANSACTION and has no option for it; its
 *   SQLite driver shares one query runner, whose query method is wrapped here.
 * - `columnName`, `toDatabase`, `hydrate`: fixed SQL (fixed-sql.ts) converts values the way
 *   TypeORM's own reads and writes do (booleans, JSON, dates, value transformers), through the
 *   entity metadata's column methods and the driver's value preparation.
 */

/** On SQLite: every `BEGIN TRANSACTION` of the shared query runner becomes `BEGIN IMMEDIATE TRANSACTION`. */
export function beginImmediately(dataSource: DataSource): void {
  const runner = dataSource.driver.createQueryRunner('master');
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = ((sql: string, ...rest: unknown[]) =>
    query(sql === 'BEGIN TRANSACTION' ? 'BEGIN IMMEDIATE TRANSACTION' : sql, ...rest)) as typeof runner.query;
}

function columnOf<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>, property: string) {
  const metadata = dataSource.getMetadata(target);
  const column = metadata.findColumnWithPropertyName(property);
  if (!column) throw new Error(`${String(property)} is not a column of ${metadata.name}`);
  return column;
}

/** The database name of an entity's property (refused when it is not a column). */
export function columnName<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  property: string,
): string {
  return columnOf(dataSource, target, property).databaseName;
}

/** A property's value as the driver stores it (a boolean as 1/0 on SQLite, JSON as text, …). */
export function toDatabase<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  property: string,
  value: unknown,
): unknown {
  return dataSource.driver.preparePersistentValue(value, columnOf(dataSource, target, property));
}

/** An entity from a raw row, each column converted by the driver; only the columns the row has are set. */
export function hydrate<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const metadata = dataSource.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns)
    if (column.databaseName in row)
      column.setEntityValue(entity, dataSource.driver.prepareHydratedValue(row[column.databaseName], column));
  return entity;
}
