import Database from 'better-sqlite3';
import { BenchSeed } from './seed';

/** One read route of the read suite: the path and token its client c calls on its k-th call. */
export interface ReadSuite {
  route: string;
  pick: (c: number, k: number) => { path: string; token?: string };
}

/**
 * The searches of the lists (SPEC §11, issue 11 point 1), beyond `q={number}` and `q={User ID}`
 * of the read suite: every kind of `q` and every filter, as a participant maker and as an HKEX
 * operator where they differ, and `GET /tasks` with `q`. Each answer carries `countsByStatus`
 * (checked once by `checkCounts`). Reference numbers are taken from the database (preloaded
 * forms are DA3_/DA4_ numbered from the counters), so every exact search finds a form.
 */
export function searchSuites(dbFile: string, seed: BenchSeed, tokens: Map<string, string>): ReadSuite[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  let refs: string[];
  let companyIds: string[];
  let days: string[];
  try {
    const total = (db.prepare('SELECT max(rowid) AS n FROM eservice_form').get() as { n: number | null }).n ?? 0;
    const step = Math.max(1, Math.floor(total / 2000));
    refs = (
      db
        .prepare(
          'SELECT referenceNumber AS r FROM eservice_form WHERE referenceNumber IS NOT NULL AND rowid % ? = 0 LIMIT 2000',
        )
        .all(step) as { r: string }[]
    ).map((x) => x.r);
    const byName = new Map(
      (db.prepare('SELECT id, name FROM company').all() as { id: string; name: string }[]).map((x) => [x.name, x.id]),
    );
    companyIds = seed.companies.flatMap((c) => (byName.has(c.name) ? [byName.get(c.name)!] : []));
    // A month of last updates that holds forms: the newest form's month.
    const newest = (db.prepare('SELECT max(updatedAt) AS u FROM eservice_form').get() as { u: string | null }).u;
    const d = newest ? new Date(newest) : new Date();
    days = [new Date(d.getTime() - 30 * 86_400_000), d].map((x) => x.toISOString().slice(0, 10));
  } finally {
    db.close();
  }
  if (!refs.length) refs = ['DA3_00000001'];
  if (!companyIds.length) throw new Error('search suite: no company of the seed in the database');
  const company = (c: number) => seed.companies[c % seed.companies.length];
  const maker = (c: number) => tokens.get(company(c).maker);
  const operator = (c: number) => tokens.get(seed.operators[c % seed.operators.length]);
  const ref = (c: number, k: number) => refs[(c * 7919 + k * 104729) % refs.length];
  const forms = '/api/v1/eservices?pageSize=20';
  return [
    {
      route: 'GET /eservices?referenceNumber= (operator)',
      pick: (c, k) => ({ path: `${forms}&referenceNumber=${ref(c, k)}`, token: operator(c) }),
    },
    {
      route: 'GET /eservices?q={reference number} (operator)',
      pick: (c, k) => ({ path: `${forms}&q=${ref(c, k).toLowerCase()}`, token: operator(c) }),
    },
    {
      route: 'GET /eservices?q={number} (operator)',
      pick: (c, k) => ({ path: `${forms}&q=${Number(ref(c, k).slice(4))}`, token: operator(c) }),
    },
    {
      // Every DA3 of the company names its DA X1: the operator's search finds those of one company.
      route: 'GET /eservices?q={User ID} (operator)',
      pick: (c) => ({ path: `${forms}&q=${company(c).participantId}X1`, token: operator(c) }),
    },
    {
      // Preloaded DA3s change a DA's e-mail to old.{i}@bench-corp.hk: one form each.
      route: 'GET /eservices?q={e-mail} (maker)',
      pick: (c, k) => ({ path: `${forms}&q=old.${(c * 7919 + k * 104729) % 5000}@bench-corp.hk`, token: maker(c) }),
    },
    {
      route: 'GET /eservices?q={e-mail} (operator)',
      pick: (c, k) => ({
        path: `${forms}&q=old.${(c * 7919 + k * 104729) % 5000}@bench-corp.hk`,
        token: operator(c),
      }),
    },
    {
      // A range of the terms' index (a name's start); the bench's Add lines are few.
      route: 'GET /eservices?q={surname prefix} (operator)',
      pick: (c) => ({ path: `${forms}&q=${['ch', 'wo', 'le', 'ng'][c % 4]}`, token: operator(c) }),
    },
    {
      route: 'GET /eservices?clearingHouse=HKSCC (maker)',
      pick: (c) => ({ path: `${forms}&clearingHouse=HKSCC`, token: maker(c) }),
    },
    {
      route: 'GET /eservices?clearingHouse=HKSCC (operator)',
      pick: (c) => ({ path: `${forms}&clearingHouse=HKSCC`, token: operator(c) }),
    },
    {
      route: 'GET /eservices?company= (operator)',
      pick: (c) => ({ path: `${forms}&company=${companyIds[c % companyIds.length]}`, token: operator(c) }),
    },
    {
      route: 'GET /eservices?updatedFrom&updatedTo (maker)',
      pick: (c) => ({ path: `${forms}&updatedFrom=${days[0]}&updatedTo=${days[1]}`, token: maker(c) }),
    },
    {
      route: 'GET /eservices?updatedFrom&updatedTo (operator)',
      pick: (c) => ({ path: `${forms}&updatedFrom=${days[0]}&updatedTo=${days[1]}`, token: operator(c) }),
    },
    {
      route: 'GET /eservices?company&updatedFrom&q={User ID} (operator)',
      pick: (c) => ({
        path: `${forms}&company=${companyIds[c % companyIds.length]}&updatedFrom=${days[0]}&q=${company(c).participantId}X1`,
        token: operator(c),
      }),
    },
    {
      route: 'GET /tasks?q={User ID} (checker)',
      pick: (c) => ({
        path: `/api/v1/tasks?pageSize=20&q=${company(c).participantId}X1`,
        token: tokens.get(company(c).checkers[c % 2]),
      }),
    },
    {
      route: 'GET /tasks?q={number} (operator)',
      pick: (c, k) => ({ path: `/api/v1/tasks?pageSize=20&q=${Number(ref(c, k).slice(4))}`, token: operator(c) }),
    },
  ];
}

/** Calls each suite's first path once: a 200 whose body carries `countsByStatus`, or an error naming the route. */
export async function checkCounts(origin: string, suites: ReadSuite[]): Promise<void> {
  for (const s of suites) {
    const { path, token } = s.pick(0, 0);
    const res = await fetch(`${origin}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const body = (await res.json()) as { countsByStatus?: unknown };
    if (res.status !== 200 || typeof body.countsByStatus !== 'object')
      throw new Error(
        `search suite: ${s.route} answered ${res.status} without countsByStatus: ${JSON.stringify(body).slice(0, 300)}`,
      );
  }
}
