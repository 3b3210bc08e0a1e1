import { Children } from '../../tools/cluster/children';
import { dbCounts, RawTrace, takeSqlTrace } from './analysis';
import { startCluster } from './cluster';
import { Options } from './options';
import { ProcessMemory, Watched } from './procs';
import { Progress } from './progress';
import { RunResult } from './run-result';
import { dbFileOf, ServiceOptions, startService, stopService } from './service';

export /** What the load runs against: the single service, or the cluster's processes. */
interface Target {
  origins: string[];
  /** The service's processes (and its Redis, and in a cluster PostgreSQL): their CPU. */
  watched: Watched[];
  sampler: {
    startWindow(): void;
    sample(): void;
    readonly peakRssMiB: number;
    readonly windowPeakRssMiB: number;
    readonly hwmMiB: number;
    readonly perProcess?: ProcessMemory[];
  };
  /** Row counts of the service's tables (forms, deliveries, outbox…). */
  counts(): Promise<Record<string, number>>;
  /** The SQL trace since the last call (the n-th). */
  trace(n: number): Promise<RawTrace | null>;
  stop(): Promise<void>;
}

/**
 * Starts what the load runs against: the cluster (`--cluster`: two APIs, two workers, one
 * PostgreSQL, one Redis; recorded in `run.cluster` and `run.config`) or the single service.
 */
export async function startTarget(
  children: Children,
  o: Options,
  run: RunResult,
  progress: Progress,
  /** The single service's options; `dir`, the bench's temporary folder, is the cluster's. */
  s: ServiceOptions & { dir: string; seedFile: string },
): Promise<Target> {
  if (o.cluster) {
    progress.phase('start the cluster', 1, '');
    const c = await startCluster(children, {
      root: s.root,
      dir: s.dir,
      smtpUrl: s.smtpUrl,
      seedFile: s.seedFile,
      apis: 2,
      workers: 2,
      traceSql: o.traceSql,
      onStep: (what) => progress.update(0, what),
    });
    const t: Target = {
      origins: c.origins,
      watched: c.watched(),
      sampler: c.sampler,
      counts: () => c.probe.counts(),
      trace: () => c.probe.takeTrace(),
      stop: () => c.stop(),
    };
    const pg = c.postgres;
    run.cluster = {
      apis: c.apis.map((a) => ({ name: a.name, pid: a.pid, origin: a.origin! })),
      workers: c.workers.map((w) => ({ name: w.name, pid: w.pid })),
      database: `PostgreSQL ${pg.version} (${pg.settings}), one for all`,
      redis: 'redis-server, one for all (unix socket, append-only, noeviction)',
      spread: `client i calls API i % ${c.apis.length}`,
    };
    delete run.config.synchronous;
    Object.assign(run.config, {
      database: `PostgreSQL ${pg.version}`,
      apis: c.apis.length,
      workers: c.workers.length,
    });
    run.notes.push(
      'cluster run: no ceilings (they measure one process and SQLite); see the quick or full run of the same day',
    );
    if (o.traceSql)
      run.notes.push(
        'cluster run: the SQL trace is pg_stat_statements (execution time summed over every connection), without plans',
      );
    progress.update(1, `APIs ${c.origins.join(' ')}, PostgreSQL ${pg.version} on port ${pg.port}`);
    return t;
  } else {
    progress.phase('start the service', 1, '');
    const svc = await startService(children, s);
    const t: Target = {
      origins: [svc.origin],
      watched: [
        { name: 'service', pid: svc.pid, role: 'service' },
        ...(svc.redisPid ? [{ name: 'redis', pid: svc.redisPid, role: 'redis' as const }] : []),
      ],
      sampler: svc.sampler,
      counts: () => Promise.resolve(dbCounts(dbFileOf(s.varDir))),
      trace: (n) => (s.sqlTraceFile ? takeSqlTrace(svc.pid, s.sqlTraceFile, n) : Promise.resolve(null)),
      stop: () => stopService(children, svc),
    };
    progress.update(1, `pid ${svc.pid}, redis pid ${svc.redisPid ?? '?'}`);
    return t;
  }
}
