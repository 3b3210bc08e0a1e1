/** Times as the seeds write them, always in Hong Kong time: `07-Feb-2023 10:43 HKT`. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HKT_OFFSET_MS = 8 * 3600_000; // Hong Kong keeps no daylight saving time.

const pad = (n: number): string => String(n).padStart(2, '0');

function hktParts(iso: string | Date): Date {
  return new Date(new Date(iso).getTime() + HKT_OFFSET_MS);
}

/** `07-Feb-2023` */
export function formatHktDate(iso: string | Date): string {
  const d = hktParts(iso);
  return `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()}`;
}

/** `07-Feb-2023 10:43 HKT` */
export function formatHkt(iso: string | Date): string {
  const d = hktParts(iso);
  return `${formatHktDate(iso)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} HKT`;
}

/**
 * How long ago, in the page's language, beside an absolute time: "5 min ago", "3 h ago",
 * "2 days ago" (`Intl.RelativeTimeFormat`, so 繁體中文 reads "5 分鐘前"). Under a minute: "now".
 */
export function formatAge(iso: string | Date, now: Date, locale: string): string {
  const seconds = Math.round((now.getTime() - new Date(iso).getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(0, 'second');
  if (abs < 3600) return rtf.format(-Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(-Math.round(seconds / 3600), 'hour');
  return rtf.format(-Math.round(seconds / 86_400), 'day');
}
