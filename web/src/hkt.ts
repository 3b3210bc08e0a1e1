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
