import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { round, sleep } from './util';

// --- CPU profile (node --cpu-prof) -------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Self time by where the code lives: a package, the service's own code, Node, GC, idle. */
  byArea: { area: string; ms: number; share: number }[];
  /** The functions with the most self time. */
  topFunctions: { fn: string; area: string; ms: number; share: number }[];
  /** Inclusive time of a few frames that name the cost of a transition. */
  inclusive: { frame: string; ms: number; share: number }[];
}

const areaOf = (url: string, fn: string): string => {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  // The SQL trace's wrapper calls better-sqlite3's native methods: its self time is SQLite's.
  if (url.includes('service-hook')) return 'SQLite (better-sqlite3 native calls)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(src\/[^/]+)/.exec(url);
  if (own) return `service: ${own[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
};

/** Self and inclusive times of the newest .cpuprofile in `dir`. */
export function summarizeCpuProfile(dir: string, inclusiveFrames: readonly RegExp[]): ProfileSummary | null {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return null;
  const file = join(dir, files.sort().at(-1)!);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    totalUs += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const areas = new Map<string, number>();
  const fns = new Map<string, { area: string; us: number }>();
  const inclusive = new Map<string, number>(inclusiveFrames.map((r) => [r.source, 0]));
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const short = url ? url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/') : '';
    const key = `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
    const f = fns.get(key) ?? { area, us: 0 };
    f.us += us;
    fns.set(key, f);
    // Inclusive: each sample counts once for every matching frame on its stack.
    const matched = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      const label = `${frame.functionName} ${frame.url}`;
      for (const r of inclusiveFrames) if (!matched.has(r.source) && r.test(label)) matched.add(r.source);
    }
    for (const m of matched) inclusive.set(m, (inclusive.get(m) ?? 0) + us);
  }
  const ms = (us: number): number => round(us / 1000, 0);
  const share = (us: number): number => round(us / totalUs, 3);
  return {
    file,
    totalMs: ms(totalUs),
    byArea: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 18)
      .map(([area, us]) => ({ area, ms: ms(us), share: share(us) })),
    topFunctions: [...fns.entries()]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, 25)
      .map(([fn, f]) => ({ fn, area: f.area, ms: ms(f.us), share: share(f.us) })),
    inclusive: [...inclusive.entries()].map(([frame, us]) => ({ frame, ms: ms(us), share: share(us) })),
  };
}

// --- SQL trace (service-hook.ts) -----------------------------------------------------------

export interface TracedStatement {
  sql: string;
  count: number;
  totalMs: number;
  avgMs: number;
  maxMs: number;
  plan?: string[];
}

export interface SqlTrace {
  windowMs: number;
  statements: number;
  prepares: number;
  prepareMs: number;
  /** Time spent inside SQLite (statements + prepares), as a share of the window. */
  sqliteBusyShare: number;
  commits: number;
  commitMs: number;
  top: TracedStatement[];
}

export interface RawTrace {
  ms: number;
  prepares: { count: number; totalNs: number };
  statements: { sql: string; count: number; totalNs: number; maxNs: number }[];
}

/** Asks the service (SIGWINCH) for the statement totals since the last ask, and reads them. */
export async function takeSqlTrace(pid: number, file: string, n: number): Promise<RawTrace | null> {
  try {
    process.kill(pid, 'SIGWINCH');
  } catch {
    return null;
  }
  const target = `${file}.${n}`;
  for (let i = 0; i < 100 && !existsSync(target); i++) await sleep(20);
  await sleep(20);
  try {
    return JSON.parse(readFileSync(target, 'utf8')) as RawTrace;
  } catch {
    return null;
  }
}

export function summarizeSqlTrace(raw: RawTrace, top = 12): SqlTrace {
  const ms = (ns: number): number => round(ns / 1e6, 2);
  let totalNs = raw.prepares.totalNs;
  let statements = 0;
  let commits = 0;
  let commitNs = 0;
  for (const s of raw.statements) {
    totalNs += s.totalNs;
    statements += s.count;
    if (/^\s*COMMIT/i.test(s.sql)) {
      commits += s.count;
      commitNs += s.totalNs;
    }
  }
  return {
    windowMs: raw.ms,
    statements,
    prepares: raw.prepares.count,
    prepareMs: ms(raw.prepares.totalNs),
    sqliteBusyShare: round(totalNs / 1e6 / raw.ms, 3),
    commits,
    commitMs: ms(commitNs),
    top: raw.statements.slice(0, top).map((s) => ({
      sql: s.sql.replace(/\s+/g, ' '),
      count: s.count,
      totalMs: ms(s.totalNs),
      avgMs: round(s.totalNs / s.count / 1e6, 3),
      maxMs: ms(s.maxNs),
    })),
  };
}

/** EXPLAIN QUERY PLAN of the traced SELECTs, on a read-only connection to the service's file. */
export function explainStatements(dbFile: string, statements: TracedStatement[]): void {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    for (const s of statements) {
      if (!/^\s*SELECT/i.test(s.sql)) continue;
      try {
        const params = (s.sql.match(/\?/g) ?? []).map(() => 'x');
        const rows = db.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...params) as { detail: string }[];
        s.plan = rows.map((r) => r.detail);
      } catch (e) {
        s.plan = [`(no plan: ${(e as Error).message})`];
      }
    }
  } finally {
    db.close();
  }
}

/** Counts of the service's tables, straight from its file (read-only). */
export function dbCounts(dbFile: string): Record<string, number> {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    return {
      forms: one('SELECT count(*) AS n FROM eservice_form'),
      history: one('SELECT count(*) AS n FROM form_history'),
      deliveries: one('SELECT count(*) AS n FROM delivery'),
      deliveriesSent: one(`SELECT count(*) AS n FROM delivery WHERE status = 'SENT'`),
      deliveriesFailed: one(`SELECT count(*) AS n FROM delivery WHERE status = 'FAILED'`),
      outbox: one('SELECT count(*) AS n FROM outbox_message'),
      outboxOpen: one('SELECT count(*) AS n FROM outbox_message WHERE doneAt IS NULL'),
    };
  } finally {
    db.close();
  }
}
