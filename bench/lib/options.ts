import { join, resolve } from 'node:path';

/** The bench's command line: what to run, and the sizes of each phase per mode (bench/README.md). */

export interface Options {
  mode: 'full' | 'quick' | 'preload' | 'profile';
  /** The cluster shape (scripts/cluster.sh) instead of the single service. */
  cluster: boolean;
  preload: number;
  companies: number;
  clients: number;
  warmupS: number;
  durationS: number;
  readS: number;
  serialReadS: number;
  ceilings: boolean;
  bareS: number;
  sqliteS: number;
  bullmqJobs: number;
  smtpMails: number;
  drainTimeoutS: number;
  profile: boolean;
  traceSql: boolean;
  keep: boolean;
  /** With --preload: download audit.csv and billing.csv whole after the reads (rows, time, the service's RSS). */
  exports: boolean;
  out: string;
}

export function parseArgs(argv: string[], root: string): Options {
  const has = (flag: string): boolean => argv.includes(flag);
  const num = (flag: string): number | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const n = Number(argv[i + 1]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number`);
    return n;
  };
  if (has('--help') || has('-h')) {
    console.log(`npm run bench -- [options]
  --quick            a short run (under a minute): 10 companies, 8 s of load, short ceilings
  --preload N        insert N forms into the database before starting, then measure the reads at that size
  --profile          CPU profile (node --cpu-prof) and SQL trace of the service under the workflow load
  --trace-sql        time every SQLite statement of the service (per phase); with --cluster: pg_stat_statements
  --cluster          the cluster shape instead of the single service: PostgreSQL, one Redis, 2 API processes
                     (WORKERS=off, client i calls API i % 2) and 2 worker processes; no ceilings
  --clients N        concurrent clients (default 50)
  --companies N      companies in the registry (default 50; quick 10)
  --duration S       seconds of measured workflow load (default 60; quick 8)
  --no-ceilings      skip the ceiling measurements
  --exports          with --preload: download audit.csv and billing.csv whole (rows/s, the service's RSS before and peak)
  --keep             keep the temporary folder (database, logs, profiles)
  --out DIR          where results go (default bench/results)
  --console          the console's tasks page in Chromium instead: --preload N forms (default 10000),
                     logged in as a checker and as an HKEX operator, --runs R loads each (default 10),
                     navigation start to the table's rows, median and p90; and the first screen's JS gzipped`);
    process.exit(0);
  }
  const preload = num('--preload') ?? 0;
  const quick = has('--quick');
  const profile = has('--profile');
  const mode = preload > 0 ? 'preload' : profile ? 'profile' : quick ? 'quick' : 'full';
  const cluster = has('--cluster');
  if (cluster && mode !== 'quick' && mode !== 'full')
    throw new Error('--cluster goes with the full run or --quick, not with --preload or --profile');
  const base =
    mode === 'quick'
      ? {
          companies: 10,
          warmupS: 2,
          durationS: 8,
          readS: 1,
          serialReadS: 0,
          bareS: 1.5,
          sqliteS: 1,
          bullmqJobs: 3000,
          smtpMails: 600,
          drainTimeoutS: 30,
        }
      : mode === 'preload'
        ? {
            companies: 50,
            warmupS: 3,
            durationS: 15,
            readS: 4,
            serialReadS: 2,
            bareS: 0,
            sqliteS: 0,
            bullmqJobs: 0,
            smtpMails: 0,
            drainTimeoutS: 180,
          }
        : mode === 'profile'
          ? {
              companies: 50,
              warmupS: 3,
              durationS: 30,
              readS: 3,
              serialReadS: 0,
              bareS: 0,
              sqliteS: 0,
              bullmqJobs: 0,
              smtpMails: 0,
              drainTimeoutS: 180,
            }
          : {
              companies: 50,
              warmupS: 5,
              durationS: 60,
              readS: 5,
              serialReadS: 2,
              bareS: 8,
              sqliteS: 5,
              bullmqJobs: 30000,
              smtpMails: 5000,
              drainTimeoutS: 240,
            };
  return {
    mode,
    cluster,
    preload,
    ...base,
    companies: num('--companies') ?? base.companies,
    clients: num('--clients') ?? 50,
    durationS: num('--duration') ?? base.durationS,
    // The ceilings measure one process's parts (SQLite, one Nest app): not a cluster's.
    ceilings: !has('--no-ceilings') && !cluster && (mode === 'full' || mode === 'quick'),
    profile,
    traceSql: has('--trace-sql') || profile || mode === 'preload',
    keep: has('--keep'),
    exports: has('--exports') && mode === 'preload' && !cluster,
    out: resolve(has('--out') ? (argv[argv.indexOf('--out') + 1] ?? '') : join(root, 'bench/results')),
  };
}
