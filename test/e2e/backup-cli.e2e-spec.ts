import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_SYNCHRONOUS } from '../../src/config/data-source-options';
import { killAll, runCommand } from '../support/processes';
import { startTestApp } from '../support/test-app';

/**
 * `npm run backup -- FILE` as an operator runs it (the built command in a process of its own):
 * a copy taken while another connection keeps committing is a valid SQLite database holding
 * exactly the rows committed up to one moment; a copy of the running service's database opens
 * with its data; bad arguments and PostgreSQL are refused with the reason and write nothing.
 */

jest.setTimeout(120_000);

const BACKUP = 'dist/src/common/backup.cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eservices-backup-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterAll(killAll);

const runBackup = (databaseUrl: string, ...args: string[]) => runCommand(BACKUP, args, { DATABASE_URL: databaseUrl });

/** Opens a backup as a database of its own and reads it with `read`. */
function inBackup<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

describe('npm run backup', () => {
  it('copies a database another connection keeps writing to: intact, and exactly the rows committed up to one moment', async () => {
    const source = join(dir, 'live.sqlite');
    const db = new Database(source);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${SQLITE_SYNCHRONOUS}`);
    db.exec('CREATE TABLE item (id INTEGER PRIMARY KEY, body TEXT NOT NULL); CREATE TABLE tally (n INTEGER NOT NULL)');
    db.exec('INSERT INTO tally (n) VALUES (0)');
    const body = 'x'.repeat(500);
    const insertRow = db.prepare('INSERT INTO item (id, body) VALUES (?, ?)');
    const bump = db.prepare('UPDATE tally SET n = n + 1');
    // Each row and the tally in one transaction: a copy of a moment between two commits has them agree.
    const commit = db.transaction((id: number) => {
      insertRow.run(id, body);
      bump.run();
    });
    // About 20 MB first, so the copy takes long enough for commits to land while it runs.
    const preload = 40_000;
    db.transaction(() => {
      for (let id = 1; id <= preload; id++) commit(id);
    })();
    let committed = preload;
    let writing = true;
    const writer = new Promise<void>((resolve) => {
      const next = (): void => {
        if (!writing) return resolve();
        commit(++committed);
        setImmediate(next);
      };
      next();
    });

    const before = committed;
    const target = join(dir, 'copy.sqlite');
    const run = await runBackup(`sqlite://${source}`, target);
    const after = committed;
    writing = false;
    await writer;
    db.close();

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`written to ${target}: [\\d.]+ MiB \\(\\d+ bytes\\), \\d+ pages of 4096 bytes`),
    );
    const copy = inBackup(target, (b) => ({
      integrity: b.pragma('integrity_check', { simple: true }),
      rows: b.prepare('SELECT count(*) AS count, min(id) AS min, max(id) AS max FROM item').get() as {
        count: number;
        min: number;
        max: number;
      },
      tally: (b.prepare('SELECT n FROM tally').get() as { n: number }).n,
      journal: b.pragma('journal_mode', { simple: true }),
    }));
    expect(copy.integrity).toBe('ok');
    expect(copy.rows.min).toBe(1);
    expect(copy.rows.count).toBe(copy.rows.max);
    expect(copy.tally).toBe(copy.rows.count);
    expect(copy.rows.count).toBeGreaterThanOrEqual(before);
    expect(copy.rows.count).toBeLessThanOrEqual(after);
    // Commits landed while the copy was taken (else this test proved nothing about a live database).
    expect(after).toBeGreaterThan(before);
    // One file: nothing beside it to restore.
    expect(copy.journal).toBe('delete');
    expect(readdirSync(dir).filter((f) => f.startsWith('copy.'))).toEqual(['copy.sqlite']);
  });

  const sqliteOnly = process.env.TEST_DATABASE_URL?.startsWith('postgres') ? it.skip : it;
  sqliteOnly('copies the running service’s database, which opens with its data and migrations', async () => {
    const t = await startTestApp();
    try {
      const target = join(dir, 'service.sqlite');
      const run = await runBackup(t.databaseUrl, target);
      expect(run.code).toBe(0);
      const live = inBackup(t.databaseUrl.slice('sqlite://'.length), (db) => ({
        users: db.prepare('SELECT username FROM app_user ORDER BY username').all(),
        migrations: db.prepare('SELECT name FROM migrations ORDER BY id').all(),
      }));
      const copy = inBackup(target, (db) => ({
        integrity: db.pragma('integrity_check', { simple: true }),
        users: db.prepare('SELECT username FROM app_user ORDER BY username').all(),
        migrations: db.prepare('SELECT name FROM migrations ORDER BY id').all(),
      }));
      expect(copy).toEqual({ integrity: 'ok', ...live });
      expect(copy.users.length).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });

  it('refuses bad arguments and PostgreSQL with the reason, and writes nothing', async () => {
    const source = join(dir, 'db.sqlite');
    new Database(source).close();
    const existing = join(dir, 'existing.sqlite');
    new Database(existing).close();
    const url = `sqlite://${source}`;

    const runs = {
      none: await runBackup(url),
      two: await runBackup(url, join(dir, 'a.sqlite'), join(dir, 'b.sqlite')),
      option: await runBackup(url, '--help'),
      existing: await runBackup(url, existing),
      itself: await runBackup(url, source),
      noFolder: await runBackup(url, join(dir, 'missing', 'x.sqlite')),
      noDatabase: await runBackup(`sqlite://${join(dir, 'absent.sqlite')}`, join(dir, 'c.sqlite')),
      postgres: await runBackup('postgres://eservices:secret@db.example:5432/eservices', join(dir, 'd.dump')),
    };

    const badUrl = await runBackup('mysql://db.example/eservices', join(dir, 'e.sqlite'));

    for (const run of Object.values(runs)) expect(run.code).toBe(1);
    // The environment is checked first, as by the service and the other commands (EX_CONFIG).
    expect(badUrl.code).toBe(78);
    expect(badUrl.stderr).toMatch(/^Configuration: DATABASE_URL="mysql:\/\/db\.example\/eservices" is refused/);
    expect(runs.none.stderr).toMatch(/usage: npm run backup -- FILE/);
    expect(runs.two.stderr).toMatch(/usage: npm run backup -- FILE/);
    expect(runs.option.stderr).toMatch(/usage: npm run backup -- FILE/);
    expect(runs.existing.stderr).toMatch(/existing\.sqlite exists: name a new file/);
    expect(runs.itself.stderr).toMatch(/the backup cannot be the database itself/);
    expect(runs.noFolder.stderr).toMatch(/the folder .*missing does not exist/);
    expect(runs.noDatabase.stderr).toMatch(/no database at .*absent\.sqlite/);
    expect(runs.postgres.stderr).toContain(`pg_dump --format=custom --file=${join(dir, 'd.dump')} "$DATABASE_URL"`);
    expect(runs.postgres.stderr).not.toContain('secret');
    expect(readdirSync(dir).sort()).toEqual(['db.sqlite', 'existing.sqlite']);
    expect(existsSync(join(dir, 'absent.sqlite'))).toBe(false);
  });
});
