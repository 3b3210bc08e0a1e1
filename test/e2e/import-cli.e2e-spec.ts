import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CSV_COLUMNS } from '../../src/registry/csv-data-file';
import { killAll, runCommand } from '../support/processes';

/**
 * `npm run import -- FILE` as an operator runs it: the built command in a process of its own,
 * on a real SQLite file. Every rejected row is reported with its CSV line or its JSON path and
 * the reason; the exit code says whether rows were rejected; a second load changes nothing.
 */

jest.setTimeout(120_000);

const IMPORT = 'dist/src/registry/import.cli.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eservices-import-'));
  file = join(dir, 'eservices.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterAll(killAll);

const runImport = (...args: string[]) =>
  runCommand(IMPORT, args, { DATABASE_URL: `sqlite://${file}`, VAR_DIR: join(dir, 'var') });

/** Writes `name` in the test's folder and returns its path. */
function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Every row of every table, in rowid order: two equal snapshots are the same database content. */
function snapshot(): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[];
    return Object.fromEntries(
      tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]),
    );
  } finally {
    db.close();
  }
}

function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

type Row = Partial<Record<(typeof CSV_COLUMNS)[number], string>>;
const ALPHA: Row = {
  company: 'Alpha Holdings, Limited',
  clearingHouse: 'HKSCC',
  participantId: 'B07777',
  kind: 'CP',
  userIdPrefix: 'B07777',
  maxUsers: '20',
  status: 'ENABLED',
  locked: 'false',
  otpEnabled: 'false',
};
const profile = (over: Row): Row => ({ ...ALPHA, isDa: 'false', ...over });

/** A CSV line as a spreadsheet writes it: every field quoted, quotes doubled. */
const csvLine = (row: Row): string => CSV_COLUMNS.map((c) => `"${(row[c] ?? '').replace(/"/g, '""')}"`).join(',');
const HEADER = CSV_COLUMNS.join(',');

describe('npm run import (CSV)', () => {
  it('loads quoted fields holding a comma and a line break as written', async () => {
    const csv = write(
      'registry.csv',
      [
        HEADER,
        csvLine(
          profile({
            userId: 'B07777X1',
            surname: 'CHAN',
            otherNames: 'Tai Man',
            email: 'x1@alpha.com.hk',
            isDa: 'true',
            daRole: 'maker',
          }),
        ),
        csvLine(
          profile({
            userId: 'B0777701',
            surname: 'LEE',
            otherNames: 'Siu Ming\n(Sam), "Jr"',
            email: 'u1@alpha.com.hk',
          }),
        ),
        '',
      ].join('\r\n'),
    );

    const run = await runImport(csv);

    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('created 4, updated 0, unchanged 0, rejected 0');
    expect(run.code).toBe(0);
    expect(query('SELECT name FROM company')).toEqual([{ name: 'Alpha Holdings, Limited' }]);
    expect(query('SELECT userId, surname, otherNames FROM user_profile ORDER BY userId')).toEqual([
      { userId: 'B0777701', surname: 'LEE', otherNames: 'Siu Ming\n(Sam), "Jr"' },
      { userId: 'B07777X1', surname: 'CHAN', otherNames: 'Tai Man' },
    ]);
  });

  it('reports every rejected row with its line and reason, loads the rest, and exits 2', async () => {
    const csv = write(
      'registry.csv',
      [
        /* 1 */ HEADER,
        /* 2 */ csvLine(
          profile({ userId: 'B07777X1', surname: 'CHAN', email: 'x1@alpha.com.hk', isDa: 'true', daRole: 'maker' }),
        ),
        /* 3 */ '',
        /* 4, 5 */ csvLine(
          profile({ userId: 'B0777701', surname: 'LEE', otherNames: 'two\nlines', email: 'u1@alpha.com.hk' }),
        ),
        /* 6 */ csvLine(profile({ userId: 'B0777702', surname: 'HO', email: 'not-an-email' })),
        /* 7 */ `${csvLine(profile({ userId: 'B0777703', surname: 'WU', email: 'u3@alpha.com.hk' }))},"one too many"`,
        /* 8 */ csvLine(profile({ userId: 'C0777704', surname: 'MA', email: 'u4@alpha.com.hk' })),
        /* 9 */ csvLine({
          ...profile({ userId: 'B0888801', surname: 'YU', email: 'y@beta.com.hk' }),
          company: 'Beta',
          clearingHouse: 'NOPE',
        }),
        /* 10 */ csvLine(profile({ userId: 'B0777705', surname: 'KO', email: 'u5@alpha.com.hk' })),
      ].join('\n'),
    );

    const run = await runImport(csv);

    expect(run.code).toBe(2);
    const reported = run.stdout.split('\n').filter((l) => l.includes('rejected line'));
    expect(reported).toEqual([
      '  rejected line 6 (companies[0].participantships[0].profiles[2]): email is not a valid e-mail address',
      '  rejected line 7: the row has 16 fields where the header has 15',
      expect.stringMatching(/^ {2}rejected line 8 \(companies\[0\]\.participantships\[0\]\.profiles\[3\]\): .*B07777/),
      expect.stringMatching(
        /^ {2}rejected line 9 \(companies\[1\]\.participantships\[0\]\): clearingHouse must be one of/,
      ),
    ]);
    expect(run.stdout).toContain('rejected 4');
    // The rows around the rejected ones loaded, the line break inside a quoted field included.
    expect(query('SELECT userId, otherNames FROM user_profile ORDER BY userId')).toEqual([
      { userId: 'B0777701', otherNames: 'two\nlines' },
      { userId: 'B0777705', otherNames: '' },
      { userId: 'B07777X1', otherNames: '' },
    ]);
  });

  it('changes nothing when the same file is loaded twice', async () => {
    const csv = write(
      'registry.csv',
      [
        HEADER,
        csvLine(
          profile({ userId: 'B07777X1', surname: 'CHAN', email: 'x1@alpha.com.hk', isDa: 'true', daRole: 'maker' }),
        ),
        csvLine(
          profile({ userId: 'B07777X2', surname: 'WONG', email: 'x2@alpha.com.hk', isDa: 'true', daRole: 'checker' }),
        ),
        csvLine(profile({ userId: 'B0777701', surname: 'LEE', otherNames: 'Siu, Ming', email: 'u1@alpha.com.hk' })),
        csvLine(profile({ userId: 'B0777702', surname: 'HO', email: 'not-an-email' })),
      ].join('\n'),
    );
    const first = await runImport(csv);
    expect(first.code).toBe(2);
    const before = snapshot();

    const second = await runImport(csv);

    expect(second.stdout).toContain('created 0, updated 0, unchanged 5, rejected 1');
    expect(second.code).toBe(2);
    expect(snapshot()).toEqual(before);
  });

  it('refuses a file it cannot read whole, with the reason, and writes nothing', async () => {
    const unclosed = write(
      'unclosed.csv',
      [HEADER, `${csvLine(profile({ userId: 'B07777X1' }))}`, '"Alpha,HKSCC'].join('\n'),
    );
    const noHeader = write('no-header.csv', 'company,userId\nAlpha,B07777X1\n');

    const runs = [
      await runImport(unclosed),
      await runImport(noHeader),
      await runImport(),
      await runImport(join(dir, 'none.csv')),
    ];

    expect(runs.map((r) => r.code)).toEqual([1, 1, 1, 1]);
    expect(runs[0].stderr).toMatch(/cannot read .*unclosed\.csv: Quote Not Closed/);
    expect(runs[1].stderr).toMatch(/the CSV header \(line 1\) lacks: clearingHouse, participantId/);
    expect(runs[2].stderr).toMatch(/usage: npm run import -- FILE\.json\|FILE\.csv/);
    expect(runs[3].stderr).toMatch(/cannot read .*none\.csv: ENOENT/);
    expect(existsSync(file)).toBe(false);
  });
});

describe('npm run import (JSON)', () => {
  it('reports every rejected row with its path and reason, exits 2, and a second load changes nothing', async () => {
    const json = write(
      'registry.json',
      JSON.stringify({
        companies: [
          {
            name: 'Alpha Holdings, Limited',
            participantships: [
              {
                clearingHouse: 'HKSCC',
                participantId: 'B07777',
                kind: 'CP',
                userIdPrefix: 'B07777',
                maxUsers: 20,
                profiles: [
                  {
                    userId: 'B07777X1',
                    surname: 'CHAN',
                    otherNames: 'Tai Man',
                    email: 'x1@alpha.com.hk',
                    isDa: true,
                    daRole: 'maker',
                  },
                  { userId: 'B0777701', surname: 'LEE', otherNames: '', email: 'not-an-email' },
                  { userId: 'B0777702', otherNames: '', email: 'u2@alpha.com.hk' },
                ],
              },
            ],
          },
          { participantships: [] },
        ],
      }),
    );

    const first = await runImport(json);

    expect(first.code).toBe(2);
    expect(first.stdout.split('\n').filter((l) => l.startsWith('  rejected '))).toEqual([
      '  rejected companies[0].participantships[0].profiles[1]: email is not a valid e-mail address',
      '  rejected companies[0].participantships[0].profiles[2]: surname is required',
      '  rejected companies[1]: name is required',
    ]);
    const before = snapshot();
    const second = await runImport(json);
    expect(second.code).toBe(2);
    expect(second.stdout).toContain('created 0, updated 0, unchanged 3, rejected 3');
    expect(snapshot()).toEqual(before);
  });

  it('exits 0 when every row loads', async () => {
    const json = write('ok.json', JSON.stringify({ companies: [{ name: 'Gamma', participantships: [] }] }));
    const run = await runImport(json);
    expect(run.stdout).toContain('created 1, updated 0, unchanged 0, rejected 0');
    expect(run.code).toBe(0);
  });
});
