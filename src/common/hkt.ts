const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HKT_OFFSET_MS = 8 * 3600 * 1000; // Hong Kong has no daylight saving time.

const pad = (n: number): string => String(n).padStart(2, '0');

/** `07-Feb-2023 10:43 HKT`: how SPEC §5 shows a stored UTC time. */
export function formatHkt(at: Date): string {
  const t = new Date(at.getTime() + HKT_OFFSET_MS);
  return `${formatHktDateOf(t)} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())} HKT`;
}

/** `07-Feb-2023`: the date part alone, as the tasks list shows it. */
export function formatHktDate(at: Date): string {
  return formatHktDateOf(new Date(at.getTime() + HKT_OFFSET_MS));
}

function formatHktDateOf(t: Date): string {
  return `${pad(t.getUTCDate())}-${MONTHS[t.getUTCMonth()]}-${t.getUTCFullYear()}`;
}

/** `2023-02-07 10:43:05`: a stored UTC time as a Hong Kong wall-clock time a spreadsheet sorts. */
export function formatHktSortable(at: Date): string {
  return new Date(at.getTime() + HKT_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
