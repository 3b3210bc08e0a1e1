import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Where reads outside a write transaction go (form views, lists, tasks, the registry listing,
 * the caller behind a token). On SQLite a connection of their own, read-only: the writers'
 * connection holds a group of units uncommitted while the event loop turns (group commit,
 * `transactions.ts`), and a read on it would see them; in WAL mode this one sees only what is
 * committed. On PostgreSQL the pool already gives each read committed data.
 */
/** The read connection's page cache (KiB): see Reads.open. */
export const READS_CACHE_KIB = 65_536;

@Injectable()
export class Reads implements OnApplicationShutdown {
  private constructor(
    private readonly source: DataSource,
    private readonly own: boolean,
  ) {}

  static async open(dataSource: DataSource): Promise<Reads> {
    if (dataSource.options.type !== 'better-sqlite3') return new Reads(dataSource, false);
    const reader = new DataSource({
      ...dataSource.options,
      readonly: true,
      migrations: [],
      // The writers' connection set WAL on the file; a read-only one cannot set a journal mode.
      enableWAL: false,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('busy_timeout = 5000');
        // A list's count reads up to a thousand index entries or rows per status, scattered over
        // the file: with SQLite's default 2 MiB cache each such read went back to the OS
        // (a checker's task search at 1M forms: 13 ms for 950 rows; 64 MiB: see bench/ANALYSIS.md).
        db.pragma(`cache_size = -${READS_CACHE_KIB}`);
      },
    });
    await reader.initialize();
    return new Reads(reader, true);
  }

  get manager(): EntityManager {
    return this.source.manager;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.own && this.source.isInitialized) await this.source.destroy();
  }
}
