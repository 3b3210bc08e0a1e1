import { Column, ColumnOptions, ValueTransformer } from 'typeorm';

/**
 * Times are stored as ISO-8601 UTC text: the same column type on SQLite and PostgreSQL,
 * exact to the millisecond, and sortable as text (keyset paging relies on it).
 */
const isoDate: ValueTransformer = {
  to: (value: Date | null | undefined) => (value instanceof Date ? value.toISOString() : value),
  from: (value: string | null) => (value === null || value === undefined ? null : new Date(value)),
};

export const TimestampColumn = (options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator =>
  Column({ type: 'varchar', length: 24, transformer: isoDate, ...options });

export const IdColumn = (options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator =>
  Column({ type: 'varchar', length: 36, ...options });
