import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface BackupResult {
  /** The backup's absolute path. */
  path: string;
  bytes: number;
  pages: number;
  pageSize: number;
  ms: number;
}

/** A backup that cannot be taken as asked (a bad target, no database): nothing was written. */
export class BackupRefused extends Error {}

/**
 * A consistent copy of the SQLite database at `source` in `target`, taken with SQLite's online
 * backup while the service keeps writing. The source is opened read-only: in WAL mode a reader
 * neither blocks the writers nor is blocked by them. The pages are copied in one step, inside
 * one read transaction, so the copy is the database as of one commit; copied step by step, a
 * commit by the service in between would restart the backup, and a busy service could keep it
 * from ever finishing. The copy is written beside the target under a temporary name and renamed
 * once checked, so a failed backup never leaves a partial file under the name asked for.
 */
export async function backupSqlite(source: string, target: string): Promise<BackupResult> {
  const path = resolve(target);
  if (path === resolve(source)) throw new BackupRefused('the backup cannot be the database itself');
  if (!existsSync(source)) throw new BackupRefused(`no database at ${source}`);
  if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory())
    throw new BackupRefused(`the folder ${dirname(path)} does not exist`);
  if (existsSync(path)) throw new BackupRefused(`${path} exists: name a new file (a backup never overwrites one)`);

  const started = performance.now();
  const partial = `${path}.partial-${process.pid}`;
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const { totalPages } = await db.backup(partial, { progress: () => 0x7fffffff });
    const copy = new Database(partial);
    try {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed its check: ${String(check)}`);
      // A copy that is a single file: a restore is then one file to put back.
      copy.pragma('journal_mode = DELETE');
      const pageSize = copy.pragma('page_size', { simple: true }) as number;
      copy.close();
      renameSync(partial, path);
      return { path, bytes: statSync(path).size, pages: totalPages, pageSize, ms: performance.now() - started };
    } finally {
      if (copy.open) copy.close();
    }
  } catch (e) {
    for (const f of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`]) rmSync(f, { force: true });
    throw e;
  } finally {
    db.close();
  }
}
