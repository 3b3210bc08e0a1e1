import Holidays from 'date-holidays';

/**
 * Hong Kong business days (SPEC §13): Monday to Friday, less Hong Kong's general holidays and
 * the days HKEX closed (typhoon signal 8, black rainstorm). The general holidays come from
 * `date-holidays` (its `HK` calendar, type `public`), a maintained calendar that computes the
 * lunar and Easter dates of any year, so the list never runs out.
 *
 * Days are Hong Kong calendar days written `YYYY-MM-DD`; Hong Kong has no daylight saving
 * time, so a day begins at 16:00 UTC the day before.
 */
const HKT_MS = 8 * 3600_000;
/** A form is due at 18:00 HKT of its due day. */
export const DUE_HOUR_HKT = 18;

export function hktDayOf(at: Date): string {
  return new Date(at.getTime() + HKT_MS).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** 18:00 HKT of the day, as the instant stored. */
export function dueInstantOf(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) + (DUE_HOUR_HKT * 3600_000 - HKT_MS));
}

const isWeekend = (day: string): boolean => {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
};

/** Hong Kong's general holidays, worked out once per year and kept. */
export class HongKongHolidays {
  private readonly calendar = new Holidays('HK', { languages: ['en'], types: ['public'] });
  private readonly years = new Map<number, Map<string, string>>();

  /** The holiday's name on that day, or null. */
  nameOf(day: string): string | null {
    return this.of(Number(day.slice(0, 4))).get(day) ?? null;
  }

  private of(year: number): Map<string, string> {
    let days = this.years.get(year);
    if (!days) {
      days = new Map();
      for (const h of this.calendar.getHolidays(year, 'en') || [])
        if (h.type === 'public') days.set(h.date.slice(0, 10), h.name);
      this.years.set(year, days);
    }
    return days;
  }
}

/**
 * The Nth business day after `sentDay` (the day the form was sent counts for nothing, whatever
 * the hour): with N = 2, a form sent on a Monday is due on Wednesday, one sent on a Friday or a
 * Saturday on Tuesday.
 */
export function nthBusinessDayAfter(
  sentDay: string,
  n: number,
  holidays: HongKongHolidays,
  closed: ReadonlySet<string>,
): string {
  let day = sentDay;
  for (let counted = 0; counted < n;) {
    day = addDays(day, 1);
    if (!isWeekend(day) && holidays.nameOf(day) === null && !closed.has(day)) counted += 1;
  }
  return day;
}
