import { performance } from 'node:perf_hooks';
import { memoryOf } from './procs';
import { round } from './util';

/** One CSV export downloaded whole by one client, with the service's memory while it streamed. */
export interface ExportResult {
  route: string;
  status: number;
  /** Lines after the header (CRLF-terminated; the bench's rows carry no line break inside a field). */
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSec: number;
  mibPerSec: number;
  /** The service's VmRSS just before the request, its peak sampled every 50 ms during it, and the difference. */
  rssBeforeMiB: number;
  peakRssMiB: number;
  rssGrowthMiB: number;
}

/**
 * Downloads `path` (HKEX staff's token) and counts its lines and bytes as they arrive, the
 * requirement being "a million rows with flat memory": the service's resident memory is
 * sampled from /proc every 50 ms while the body streams.
 */
export async function measureExport(
  origin: string,
  route: string,
  path: string,
  token: string,
  servicePid: number,
): Promise<ExportResult> {
  const rssBefore = memoryOf(servicePid)?.rssMiB ?? 0;
  let peak = rssBefore;
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryOf(servicePid)?.rssMiB ?? 0);
  }, 50);
  const started = performance.now();
  let bytes = 0;
  let lines = 0;
  let status: number;
  try {
    const res = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
    status = res.status;
    if (!res.ok || !res.body) throw new Error(`exports: ${route} answered ${res.status}`);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    }
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, memoryOf(servicePid)?.rssMiB ?? 0);
  const rows = Math.max(0, lines - 1);
  return {
    route,
    status,
    rows,
    bytes,
    seconds: round(seconds, 2),
    rowsPerSec: round(rows / seconds, 0),
    mibPerSec: round(bytes / 2 ** 20 / seconds, 1),
    rssBeforeMiB: round(rssBefore, 1),
    peakRssMiB: round(peak, 1),
    rssGrowthMiB: round(peak - rssBefore, 1),
  };
}
