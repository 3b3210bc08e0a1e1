import { DataFile } from './data-loader';

/**
 * A registry CSV (one user profile per row, with its company and participantship) as a
 * data file of SPEC §10, so both formats load through the same checks. Header:
 * company,clearingHouse,participantId,kind,userIdPrefix,maxUsers,userId,surname,otherNames,email,isDa,daRole,status,locked,otpEnabled
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

/** Splits one CSV line, honouring double quotes ("" inside quotes is a quote). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

/** The data file, and for each profile's path in it the CSV line it came from (for the rejection report). */
export function csvToDataFile(text: string): { file: DataFile; lineOf: Map<string, number> } {
  const lines = text
    .split(/\r?\n/)
    .map((l, i) => ({ l, n: i + 1 }))
    .filter(({ l }) => l.trim() !== '');
  const lineOf = new Map<string, number>();
  if (lines.length === 0) return { file: { companies: [] }, lineOf };
  const header = splitCsvLine(lines[0].l);
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new Error(`the CSV header lacks: ${missing.join(', ')}`);
  const companies = new Map<string, { name: string; participantships: Map<string, Record<string, unknown>> }>();
  const companyIndex = new Map<string, number>();
  for (const { l: line, n } of lines.slice(1)) {
    const cells = splitCsvLine(line);
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
    const company = companies.get(row.company) ?? { name: row.company, participantships: new Map() };
    companies.set(row.company, company);
    if (!companyIndex.has(row.company)) companyIndex.set(row.company, companyIndex.size);
    const key = `${row.clearingHouse}/${row.participantId}`;
    const ship = company.participantships.get(key) ?? {
      clearingHouse: row.clearingHouse,
      participantId: row.participantId,
      kind: row.kind || 'CP',
      userIdPrefix: row.userIdPrefix,
      maxUsers: /^\d+$/.test(row.maxUsers) ? Number(row.maxUsers) : row.maxUsers,
      profiles: [] as unknown[],
    };
    company.participantships.set(key, ship);
    const shipIndex = [...company.participantships.keys()].indexOf(key);
    const profiles = ship.profiles as unknown[];
    lineOf.set(
      `companies[${companyIndex.get(row.company)}].participantships[${shipIndex}].profiles[${profiles.length}]`,
      n,
    );
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
      participantships: [...c.participantships.values()],
    })),
  };
  return { file, lineOf };
}
