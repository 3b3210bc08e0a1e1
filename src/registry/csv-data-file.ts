import { CsvError, parse } from 'csv-parse/sync';
import { DataFile, RejectedRow } from './data-loader';

/**
 * A registry CSV (one user profile per row, with its company and participantship) as a
 * data file of SPEC §10, so both formats load through the same checks. Header:
 * company,clearingHouse,participantId,kind,userIdPrefix,maxUsers,userId,surname,otherNames,email,isDa,daRole,status,locked,otpEnabled
 *
 * RFC 4180 as spreadsheets write it (csv-parse): a field in double quotes may hold commas,
 * line breaks and doubled quotes; a UTF-8 byte order mark is skipped; blank lines are ignored.
 */
export const CSV_COLUMNS = [
  'company',
  'clearingHouse',
  'participantId',
  'kind',
  'userIdPrefix',
  'maxUsers',
  'userId',
  'surname',
  'otherNames',
  'email',
  'isDa',
  'daRole',
  'status',
  'locked',
  'otpEnabled',
] as const;

export interface CsvDataFile {
  file: DataFile;
  /** For each company, participantship and profile path of `file`, the CSV line it came from (its first line). */
  lineOf: Map<string, number>;
  /** Rows that cannot become a profile at all (wrong number of fields), by line; the others still load. */
  rejected: (RejectedRow & { line: number })[];
}

/** A CSV that cannot be read as a whole (no header, a quote never closed): nothing of it is loaded. */
export class CsvFileError extends Error {}

interface Participantship {
  path: string;
  data: Record<string, unknown> & { profiles: unknown[] };
}

interface ParsedRecord {
  record: string[];
  raw: string;
}

const LINE_BREAK = /\r\n|\r|\n/g;
const lineBreaks = (text: string): number => text.match(LINE_BREAK)?.length ?? 0;
/** The line breaks before a record's first character: the blank lines csv-parse skipped. */
const leadingBreaks = (raw: string): number => lineBreaks(/^[\r\n]*/.exec(raw)![0]);

/**
 * Parses `text` into records, each with the line it starts on (a quoted field may span
 * lines). csv-parse counts lines up to where a record ends, so the start is counted here
 * from the raw text of each record, which includes the blank lines skipped before it.
 */
function recordsWithLines(text: string): { cells: string[]; line: number }[] {
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      bom: true,
      raw: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as ParsedRecord[];
  } catch (e) {
    if (e instanceof CsvError) throw new CsvFileError(e.message);
    throw e;
  }
  let consumed = 0;
  return records.map(({ record, raw }) => {
    const line = consumed + leadingBreaks(raw) + 1;
    consumed += lineBreaks(raw);
    return { cells: record, line };
  });
}

/** The data file, and for each row's path in it the CSV line it came from (for the rejection report). */
export function csvToDataFile(text: string): CsvDataFile {
  const records = recordsWithLines(text);
  const lineOf = new Map<string, number>();
  const rejected: CsvDataFile['rejected'] = [];
  if (records.length === 0) return { file: { companies: [] }, lineOf, rejected };
  const header = records[0].cells;
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new CsvFileError(`the CSV header (line ${records[0].line}) lacks: ${missing.join(', ')}`);
  // Paths are those the loader reports (companies[0].participantships[1].profiles[2]).
  const companies = new Map<string, { name: string; path: string; participantships: Map<string, Participantship> }>();
  for (const { cells, line } of records.slice(1)) {
    if (cells.length !== header.length) {
      // A field count that differs from the header's is a quote or comma out of place: every
      // value after it would land in the wrong column, so the row is refused whole.
      const reason = `the row has ${cells.length} fields where the header has ${header.length}`;
      rejected.push({ path: `line ${line}`, line, reason });
      continue;
    }
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i]]));
    let company = companies.get(row.company);
    if (!company) {
      company = { name: row.company, path: `companies[${companies.size}]`, participantships: new Map() };
      companies.set(row.company, company);
      lineOf.set(company.path, line);
    }
    const key = `${row.clearingHouse}/${row.participantId}`;
    let ship = company.participantships.get(key);
    if (!ship) {
      ship = {
        path: `${company.path}.participantships[${company.participantships.size}]`,
        data: {
          clearingHouse: row.clearingHouse,
          participantId: row.participantId,
          kind: row.kind || 'CP',
          userIdPrefix: row.userIdPrefix,
          maxUsers: /^\d+$/.test(row.maxUsers) ? Number(row.maxUsers) : row.maxUsers,
          profiles: [],
        },
      };
      company.participantships.set(key, ship);
      lineOf.set(ship.path, line);
    }
    const profiles = ship.data.profiles;
    lineOf.set(`${ship.path}.profiles[${profiles.length}]`, line);
    profiles.push({
      userId: row.userId,
      surname: row.surname,
      otherNames: row.otherNames,
      email: row.email,
      isDa: /^(true|yes|1)$/i.test(row.isDa),
      daRole: row.daRole || undefined,
      status: row.status || 'ENABLED',
      locked: /^(true|yes|1)$/i.test(row.locked),
      otpEnabled: /^(true|yes|1)$/i.test(row.otpEnabled),
    });
  }
  const file = {
    companies: [...companies.values()].map((c) => ({
      name: c.name,
      participantships: [...c.participantships.values()].map((p) => p.data),
    })),
  };
  return { file, lineOf, rejected };
}
