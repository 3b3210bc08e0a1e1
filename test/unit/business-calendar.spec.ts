import {
  addDays,
  dueInstantOf,
  HongKongHolidays,
  hktDayOf,
  nthBusinessDayAfter,
} from '../../src/eservices/due-dates/business-calendar';

const holidays = new HongKongHolidays();
const due = (sentDay: string, n = 2, closed: string[] = []): string =>
  nthBusinessDayAfter(sentDay, n, holidays, new Set(closed));

describe('Hong Kong business days (SPEC §13 due dates)', () => {
  it("knows Hong Kong's general holidays of any year, lunar and Easter ones included", () => {
    // 2026, as gazetted: Lunar New Year 17–19 Feb, Good Friday 3 Apr and the day after, the day
    // after Ching Ming 6 Apr, the day after Easter Monday 7 Apr, the day after Buddha's Birthday
    // 25 May, Tuen Ng 19 Jun, Christmas 25 Dec and the first weekday after it 26 Dec.
    for (const day of [
      '2026-01-01',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-04-03',
      '2026-04-06',
      '2026-04-07',
      '2026-05-25',
      '2026-06-19',
      '2026-07-01',
      '2026-10-01',
      '2026-12-25',
    ])
      expect([day, holidays.nameOf(day)]).toEqual([day, expect.any(String)]);
    for (const day of ['2026-02-16', '2026-02-20', '2026-04-08', '2026-12-02']) expect(holidays.nameOf(day)).toBeNull();
    // A year no hand-typed list would reach: Lunar New Year's Day 2040 is Sunday 12 February, so
    // the second to fourth days (13–15) are the holidays.
    expect(['2040-02-12', '2040-02-13', '2040-02-15', '2040-02-16'].map((d) => holidays.nameOf(d) !== null)).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it('counts N business days after the day sent, skipping weekends, holidays and closed days', () => {
    expect(due('2026-11-30')).toBe('2026-12-02'); // Monday → Wednesday
    expect(due('2026-12-04')).toBe('2026-12-08'); // Friday → Tuesday
    expect(due('2026-12-05')).toBe('2026-12-08'); // Saturday → Tuesday
    expect(due('2026-12-23')).toBe('2026-12-28'); // Wed → Thu 24th, (Fri 25th, Sat, Sun) → Mon 28th
    // Friday before Lunar New Year: Monday 16th, then 17th–19th are holidays, Friday 20th.
    expect(due('2026-02-13')).toBe('2026-02-20');
    // Typhoon signal 8 on Tuesday 1 Dec: a Monday form moves from Wednesday to Thursday.
    expect(due('2026-11-30', 2, ['2026-12-01'])).toBe('2026-12-03');
    // A closed Saturday changes nothing (not a business day anyway).
    expect(due('2026-12-04', 2, ['2026-12-05'])).toBe('2026-12-08');
    expect(due('2026-11-30', 1)).toBe('2026-12-01');
    expect(due('2026-11-30', 5)).toBe('2026-12-07');
  });

  it('places the due moment at 18:00 Hong Kong time and reads days in Hong Kong time', () => {
    expect(dueInstantOf('2026-12-02').toISOString()).toBe('2026-12-02T10:00:00.000Z');
    // 23:30 UTC on 1 Dec is already 2 Dec in Hong Kong.
    expect(hktDayOf(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-02');
    expect(hktDayOf(new Date('2026-12-01T15:59:59Z'))).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});
