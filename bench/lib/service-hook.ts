/**
 * Loaded into the service with `node -r` by the bench when it profiles (never in production):
 *
 * - Nest's shutdown hook re-raises SIGTERM after closing the app, so the process dies by the
 *   signal and `--cpu-prof` writes nothing. The second SIGTERM (Nest's re-raise) exits
 *   normally here instead, after the same graceful shutdown.
 * - With BENCH_SQL_TRACE_FILE set, every SQLite statement the service runs through
 *   better-sqlite3 is timed (count, total and max per SQL text, and the prepares). SIGWINCH
 *   (ignored by default, and not one of Nest's shutdown signals, unlike SIGUSR2) writes the
 *   totals so far to `<file>.<n>` and starts new ones; exit writes `<file>`.
 */
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';

let terms = 0;
process.on('SIGTERM', () => {
  if (++terms >= 2) process.exit(0);
});

interface Stat {
  count: number;
  totalNs: number;
  maxNs: number;
}

const file = process.env.BENCH_SQL_TRACE_FILE;
if (file) {
  let stats = new Map<string, Stat>();
  let prepares: Stat = { count: 0, totalNs: 0, maxNs: 0 };
  let since = Date.now();
  const add = (s: Stat, ns: number): void => {
    s.count++;
    s.totalNs += ns;
    if (ns > s.maxNs) s.maxNs = ns;
  };
  const record = (sql: string, ns: number): void => {
    let s = stats.get(sql);
    if (!s) stats.set(sql, (s = { count: 0, totalNs: 0, maxNs: 0 }));
    add(s, ns);
  };
  type Method = (this: { source: string }, ...args: unknown[]) => unknown;
  const proto = Database.prototype as unknown as { prepare: (this: unknown, sql: string) => object };
  const originalPrepare = proto.prepare;
  let patched = false;
  proto.prepare = function (this: unknown, sql: string) {
    const t0 = process.hrtime.bigint();
    const stmt = originalPrepare.call(this, sql);
    add(prepares, Number(process.hrtime.bigint() - t0));
    if (!patched) {
      patched = true;
      const stmtProto = Object.getPrototypeOf(stmt) as Record<string, Method>;
      for (const name of ['all', 'get', 'run'] as const) {
        const original = stmtProto[name];
        stmtProto[name] = function (this: { source: string }, ...args: unknown[]) {
          const s0 = process.hrtime.bigint();
          try {
            return original.apply(this, args);
          } finally {
            record(this.source, Number(process.hrtime.bigint() - s0));
          }
        };
      }
    }
    return stmt;
  };
  const dump = (target: string): void => {
    const statements = [...stats.entries()].map(([sql, s]) => ({ sql, ...s })).sort((a, b) => b.totalNs - a.totalNs);
    writeFileSync(target, JSON.stringify({ ms: Date.now() - since, prepares, statements }));
  };
  let n = 0;
  process.on('SIGWINCH', () => {
    dump(`${file}.${++n}`);
    stats = new Map();
    prepares = { count: 0, totalNs: 0, maxNs: 0 };
    since = Date.now();
  });
  process.on('exit', () => dump(file));
}
