import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { parseDatabaseUrl } from './database-url';

/** SQLite durability: WAL with synchronous=FULL, so a committed transition survives a power cut. */
export const SQLITE_SYNCHRONOUS = 'FULL';

/**
 * Every entity and migration, found by name: config imports no feature. The service itself
 * does not use the entity list: each feature module registers its own (TypeOrmModule.forFeature,
 * see app.module.ts); scripts, the migration CLI and tests that open a DataSource get them all.
 */
export const ENTITY_FILES = join(__dirname, '..', '**', '*.entity.{ts,js}');
export const MIGRATION_FILES = join(__dirname, '..', 'migrations', '*.{ts,js}');

/** The one definition of how the service reaches its database; ormconfig.ts and the app both use it. */
export function dataSourceOptions(databaseUrl?: string): DataSourceOptions {
  const target = parseDatabaseUrl(databaseUrl);
  const common = { entities: [ENTITY_FILES], migrations: [MIGRATION_FILES], migrationsRun: false, synchronize: false };
  if (target.kind === 'postgres') return { type: 'postgres', url: target.url, ...common };
  mkdirSync(dirname(target.file), { recursive: true });
  return {
    type: 'better-sqlite3',
    database: target.file,
    enableWAL: true,
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma(`synchronous = ${SQLITE_SYNCHRONOUS}`);
      db.pragma('busy_timeout = 5000');
    },
    ...common,
  };
}
