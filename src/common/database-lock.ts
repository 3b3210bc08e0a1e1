import { DataSource } from 'typeorm';

/** The advisory lock key under which instances migrate and seed one at a time. */
const START_LOCK = 7_460_112;

/**
 * Runs `work` while holding a database-wide lock, so that several instances starting at
 * once against one PostgreSQL migrate and seed one after the other. SQLite has one
 * process per file by design here, so it runs `work` as it is.
 */
export async function withStartLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'postgres') return work();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [START_LOCK]);
    return await work();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [START_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
