import { CSV_COLUMNS, csvToDataFile, CsvFileError } from '../../src/registry/csv-data-file';

/** The registry CSV as spreadsheets write it: quoted fields, line breaks of either kind, blank lines, a BOM. */
describe('csvToDataFile', () => {
  const header = CSV_COLUMNS.join(',');
  const row = (userId: string, otherNames = 'Tai Man', company = 'Alpha'): string =>
    `${company},HKSCC,B07777,CP,B07777,20,${userId},CHAN,${otherNames},${userId.toLowerCase()}@alpha.com.hk,false,,ENABLED,false,false`;
  const profiles = (text: string) =>
    (
      csvToDataFile(text).file.companies as {
        participantships: { profiles: { userId: string; otherNames: string }[] }[];
      }[]
    )
      .flatMap((c) => c.participantships)
      .flatMap((p) => p.profiles);

  it.each([
    ['\\n', '\n'],
    ['\\r\\n', '\r\n'],
  ])('gives each profile the line it starts on (line breaks %s, blank lines, a field over two lines)', (_, nl) => {
    const text = [header, row('B0777701'), '', row('B0777702', '"two\nlines"'), row('B0777703'), '', ''].join(nl);
    const { lineOf } = csvToDataFile(text);
    expect(Object.fromEntries(lineOf)).toEqual({
      'companies[0]': 2,
      'companies[0].participantships[0]': 2,
      'companies[0].participantships[0].profiles[0]': 2,
      'companies[0].participantships[0].profiles[1]': 4,
      'companies[0].participantships[0].profiles[2]': 6,
    });
  });

  it('keeps commas, line breaks and doubled quotes inside quoted fields, and skips a byte order mark', () => {
    const text = `\uFEFF${header}\n${row('B0777701', '"Siu, Ming ""Sam""\nJr"', '"Alpha, Limited"')}\n`;
    expect(csvToDataFile(text).file.companies).toMatchObject([{ name: 'Alpha, Limited' }]);
    expect(profiles(text)).toMatchObject([{ userId: 'B0777701', otherNames: 'Siu, Ming "Sam"\nJr' }]);
  });

  it('refuses a row whose field count differs from the header, by line, and keeps the others', () => {
    const { rejected } = csvToDataFile([header, row('B0777701'), `${row('B0777702')},extra`, 'Alpha,HKSCC'].join('\n'));
    expect(rejected).toEqual([
      { line: 3, path: 'line 3', reason: 'the row has 16 fields where the header has 15' },
      { line: 4, path: 'line 4', reason: 'the row has 2 fields where the header has 15' },
    ]);
  });

  it.each([
    ['a quote never closed', `${header}\n${row('B0777701', '"open')}\n`, /Quote Not Closed/],
    ['a header without the columns', 'company,userId\nAlpha,B0777701\n', /lacks: clearingHouse, participantId/],
  ])('refuses the whole file for %s', (_, text, message) => {
    expect(() => csvToDataFile(text)).toThrow(CsvFileError);
    expect(() => csvToDataFile(text)).toThrow(message);
  });
});
