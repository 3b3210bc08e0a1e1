import { formatHkt, formatHktDate } from '../../src/common/hkt';

/** Times are stored in UTC and shown in Hong Kong time, UTC+8 all year (SPEC §5). */

describe('formatHkt', () => {
  it.each([
    ['the SPEC example', '2023-02-07T02:43:00Z', '07-Feb-2023 10:43 HKT'],
    ['the claim example', '2023-02-07T02:45:00Z', '07-Feb-2023 10:45 HKT'],
    ['UTC midnight', '2023-02-07T00:00:00Z', '07-Feb-2023 08:00 HKT'],
    ['the last minute before the HKT date changes', '2023-02-07T15:59:00Z', '07-Feb-2023 23:59 HKT'],
    ['16:00 UTC: the next day in Hong Kong', '2023-02-07T16:00:00Z', '08-Feb-2023 00:00 HKT'],
    ['an evening UTC', '2023-02-07T23:30:00Z', '08-Feb-2023 07:30 HKT'],
    ['the month rolls over', '2023-01-31T16:05:00Z', '01-Feb-2023 00:05 HKT'],
    ['the year rolls over', '2023-12-31T16:00:00Z', '01-Jan-2024 00:00 HKT'],
    ['a leap day', '2024-02-28T16:30:00Z', '29-Feb-2024 00:30 HKT'],
    ['after a leap day', '2024-02-29T16:30:00Z', '01-Mar-2024 00:30 HKT'],
    ['summer: no daylight saving time', '2023-07-01T04:00:00Z', '01-Jul-2023 12:00 HKT'],
    ['single-digit day, hour and minute are padded', '2023-03-01T01:05:00Z', '01-Mar-2023 09:05 HKT'],
    ['seconds are dropped, not rounded', '2023-02-07T02:43:59.999Z', '07-Feb-2023 10:43 HKT'],
  ])('%s: %s → %s', (_, utc, shown) => {
    expect(formatHkt(new Date(utc))).toBe(shown);
  });

  it.each([
    ['Jan', '2023-01-15T04:00:00Z'],
    ['Feb', '2023-02-15T04:00:00Z'],
    ['Mar', '2023-03-15T04:00:00Z'],
    ['Apr', '2023-04-15T04:00:00Z'],
    ['May', '2023-05-15T04:00:00Z'],
    ['Jun', '2023-06-15T04:00:00Z'],
    ['Jul', '2023-07-15T04:00:00Z'],
    ['Aug', '2023-08-15T04:00:00Z'],
    ['Sep', '2023-09-15T04:00:00Z'],
    ['Oct', '2023-10-15T04:00:00Z'],
    ['Nov', '2023-11-15T04:00:00Z'],
    ['Dec', '2023-12-15T04:00:00Z'],
  ])('names the month %s', (month, utc) => {
    expect(formatHkt(new Date(utc))).toBe(`15-${month}-2023 12:00 HKT`);
  });

  it('does not depend on the time zone of the process', () => {
    const at = new Date('2023-02-07T02:43:00Z');
    // The same instant written with an offset is the same HKT time.
    expect(formatHkt(new Date('2023-02-07T10:43:00+08:00'))).toBe(formatHkt(at));
    expect(formatHkt(new Date('2023-02-06T21:43:00-05:00'))).toBe('07-Feb-2023 10:43 HKT');
  });

  it('does not change the date it is given', () => {
    const at = new Date('2023-02-07T02:43:00Z');
    formatHkt(at);
    expect(at.toISOString()).toBe('2023-02-07T02:43:00.000Z');
  });
});

describe('formatHktDate: the date alone, as the tasks list shows it', () => {
  it.each([
    ['2023-02-07T02:43:00Z', '07-Feb-2023'],
    ['2023-02-07T15:59:59Z', '07-Feb-2023'],
    ['2023-02-07T16:00:00Z', '08-Feb-2023'],
    ['2023-12-31T16:00:00Z', '01-Jan-2024'],
    ['2024-02-28T20:00:00Z', '29-Feb-2024'],
  ])('%s → %s', (utc, shown) => {
    expect(formatHktDate(new Date(utc))).toBe(shown);
  });
});
