import Database from 'better-sqlite3';
import { measureExport } from './exports-bench';
import { RunContext } from './run-context';
import { checkCounts, searchSuites } from './search-suite';
import { BenchSeed } from './seed';
import { dbFileOf } from './service';
import { fmt } from './util';
import { readPhase, ReadPhaseResult } from './workload';

/**
 * The read phases: every list, task list, search and listing route on its own, at 1 and at
 * `--clients` concurrent clients (a preload run measures them before the workflows add forms,
 * the others after, on the forms the run made); and with `--exports`, the CSV downloads.
 */
export async function readSuite(ctx: RunContext, formIds: { id: string; maker: string }[]): Promise<void> {
  const { o, run, progress, t, seed, tokens, trace } = ctx;
  const pid = (i: number) => seed.companies[i % seed.companies.length];
  const suites: { route: string; pick: (c: number, k: number) => { path: string; token?: string } }[] = [
    {
      route: 'GET /eservices?page=1&pageSize=20',
      pick: (c) => ({ path: '/api/v1/eservices?page=1&pageSize=20', token: tokens.get(pid(c).maker) }),
    },
    {
      route: 'GET /eservices (operator)',
      pick: (c) => ({
        path: '/api/v1/eservices?page=1&pageSize=20',
        token: tokens.get(seed.operators[c % seed.operators.length]),
      }),
    },
    {
      route: 'GET /tasks (checker)',
      pick: (c) => ({ path: '/api/v1/tasks?pageSize=20', token: tokens.get(pid(c).checkers[c % 2]) }),
    },
    {
      route: 'GET /tasks (operator)',
      pick: (c) => ({
        path: '/api/v1/tasks?pageSize=20',
        token: tokens.get(seed.operators[c % seed.operators.length]),
      }),
    },
    {
      // A number of the reference numbers' range: one or two forms, found through the terms' key.
      route: 'GET /eservices?q={number} (search)',
      pick: (c, k) => ({
        path: `/api/v1/eservices?q=${1 + ((c * 7919 + k * 104729) % Math.max(1, formIds.length))}`,
        token: tokens.get(pid(c).maker),
      }),
    },
    {
      // The company's DA X1, named by every DA3 of the company: the search with the most matches.
      route: 'GET /eservices?q={User ID} (search)',
      pick: (c) => ({ path: `/api/v1/eservices?q=${pid(c).participantId}X1`, token: tokens.get(pid(c).maker) }),
    },
    {
      route: 'GET /participantships/HKSCC/{pid}/user-profiles',
      pick: (c) => ({
        path: `/api/v1/participantships/HKSCC/${pid(c).participantId}/user-profiles`,
        token: tokens.get(pid(c).maker),
      }),
    },
  ];
  if (!o.cluster) {
    const more = searchSuites(dbFileOf(ctx.varDir), seed, tokens);
    await checkCounts(t.origins[0], more);
    suites.push(...more);
  }
  if (formIds.length)
    suites.unshift({
      route: 'GET /eservices/{id}',
      pick: (c, k) => {
        const f = formIds[(c * 7919 + k) % formIds.length];
        return { path: `/api/v1/eservices/${f.id}`, token: tokens.get(f.maker) };
      },
    });
  for (const s of suites) {
    const phases: [number, number][] = [[o.clients, o.readS]];
    if (o.serialReadS > 0) phases.unshift([1, o.serialReadS]);
    for (const [concurrency, seconds] of phases) {
      progress.phase(`${s.route.slice(0, 26)} c=${concurrency}`, seconds * 1000 + 500, 'ms');
      const r: ReadPhaseResult = await readPhase(t.origins, s.route, concurrency, 500, seconds * 1000, s.pick, (t) =>
        progress.update(t),
      );
      run.reads.push(r);
      if (r.errors) {
        run.errors.total += r.errors;
        run.errors.samples.push(...r.errorSamples.slice(0, 5));
        run.errors.byRoute[r.route] = (run.errors.byRoute[r.route] ?? 0) + r.errors;
      }
    }
    await trace(s.route);
  }
}

/** `--exports`: audit.csv and billing.csv downloaded whole (rows/s, the service's RSS before and at its peak). */
export async function exportsPhase(ctx: RunContext): Promise<void> {
  const { run, progress, t, seed, tokens, trace } = ctx;
  const service = t.watched.find((w) => w.role === 'service')!;
  const token = tokens.get(seed.operators[0])!;
  run.exports = [];
  for (const [route, path] of [
    ['GET /admin/audit.csv', '/api/v1/admin/audit.csv'],
    ['GET /admin/billing.csv', '/api/v1/admin/billing.csv'],
  ]) {
    progress.phase(`export ${route}`, 1, '');
    const r = await measureExport(t.origins[0], route, path, token, service.pid);
    run.exports.push(r);
    progress.log(
      `bench: ${route}: ${fmt(r.rows)} rows, ${fmt(r.bytes / 2 ** 20, 1)} MiB in ${r.seconds} s (${fmt(r.rowsPerSec)} rows/s), ` +
        `service RSS ${r.rssBeforeMiB} → peak ${r.peakRssMiB} MiB`,
    );
    await trace(route);
  }
}

/** Up to 2,000 forms spread over the file, each with its company's maker (who may read it). */
export function sampleForms(dbFile: string, seed: BenchSeed): { id: string; maker: string }[] {
  const makers = new Map(seed.companies.map((c) => [c.name, c.maker]));
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const total = (db.prepare('SELECT max(rowid) AS n FROM eservice_form').get() as { n: number | null }).n ?? 0;
    const step = Math.max(1, Math.floor(total / 2000));
    const rows = db
      .prepare(
        `SELECT f.id AS id, c.name AS company FROM eservice_form f JOIN company c ON c.id = f.companyId
         WHERE f.rowid % ? = 0 LIMIT 2000`,
      )
      .all(step) as { id: string; company: string }[];
    return rows.flatMap((r) => (makers.has(r.company) ? [{ id: r.id, maker: makers.get(r.company)! }] : []));
  } finally {
    db.close();
  }
}
