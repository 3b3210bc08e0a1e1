/**
 * `npm run bench [-- --quick | --preload N | --profile]`: the service under a maker-checker
 * load over HTTP, with the ceilings of its parts measured in the same run. `--console [--preload N]`:
 * the console's tasks page in Chromium instead (bench/lib/console-bench.ts). See bench/README.md.
 */
import { execSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import {
  dbCounts,
  explainStatements,
  RawTrace,
  summarizeCpuProfile,
  summarizeSqlTrace,
  takeSqlTrace,
} from './lib/analysis';
import { bareRouteCeiling, bullmqCeiling, smtpCeiling, sqliteCeiling } from './lib/ceilings';
import { startCluster } from './lib/cluster';
import { Api, Recorder } from './lib/http';
import { measureExport } from './lib/exports-bench';
import { preloadForms } from './lib/preload';
import { Children } from '../tools/cluster/children';
import { CpuWindow, ProcessMemory, Watched } from './lib/procs';
import { Progress } from './lib/progress';
import { judge, RunResult, writeResults } from './lib/report';
import { BENCH_PASSWORD, makeSeed } from './lib/seed';
import { dbFileOf, startService, stopService } from './lib/service';
import { consoleBench } from './lib/console-bench';
import { checkCounts, searchSuites } from './lib/search-suite';
import { SmtpSink } from './lib/smtp-sink';
import { round, sleep, today, fmt, pct } from './lib/util';
import { loginAll, readPhase, ReadPhaseResult, runWorkflows, TRANSITION_ROUTES } from './lib/workload';

const ROOT = resolve(__dirname, '..', '..');

interface Options {
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

/** What the load runs against: the single service, or the cluster's processes. */
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

function parseArgs(argv: string[]): Options {
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
    out: resolve(has('--out') ? (argv[argv.indexOf('--out') + 1] ?? '') : join(ROOT, 'bench/results')),
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--console')) return consoleMode(argv);
  const o = parseArgs(argv);
  const started = Date.now();
  const children = new Children();
  const progress = new Progress();
  let sink: SmtpSink | null = null;
  let target: Target | null = null;
  const tmp = mkdtempSync(join(tmpdir(), 'eservices-bench-'));
  const varDir = join(tmp, 'var');
  mkdirSync(varDir, { recursive: true });
  const serviceLog = join(tmp, 'service.log');
  const logFiles = o.cluster
    ? ['api-1', 'api-2', 'worker-1', 'worker-2', 'postgres', 'redis'].map((n) => join(tmp, `${n}.log`))
    : [serviceLog];
  const sqlTraceFile = o.traceSql ? join(tmp, 'sql-trace.json') : undefined;
  const cpuProfileDir = o.profile ? join(tmp, 'cpu-profile') : undefined;

  const emergency = (signal: string) => {
    progress.stop();
    console.error(`\nbench: ${signal}: stopping every process the bench started`);
    children.killAllNow();
    process.exit(130);
  };
  process.once('SIGINT', () => emergency('interrupted'));
  process.once('SIGTERM', () => emergency('terminated'));
  process.once('exit', () => children.killAllNow());

  const run: RunResult = {
    mode:
      o.mode === 'preload'
        ? `preload-${o.preload}`
        : o.cluster
          ? o.mode === 'quick'
            ? 'cluster-quick'
            : 'cluster'
          : o.mode,
    startedAt: new Date().toISOString(),
    finishedAt: '',
    seconds: 0,
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      node: process.versions.node,
      memGiB: round(totalmem() / 2 ** 30, 1),
      loadAvgAtStart: loadavg(),
    },
    config: {
      companies: o.companies,
      clients: o.clients,
      warmupS: o.warmupS,
      durationS: o.durationS,
      preload: o.preload,
      workerConcurrency: 'service default',
      synchronous: 'FULL (service default)',
      profile: o.profile,
      traceSql: o.traceSql,
      source: sourceState(),
    },
    routes: {},
    transitions: { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 },
    reads: [],
    memory: { peakRssMiB: 0, loadPeakRssMiB: 0, hwmMiB: 0 },
    errors: { total: 0, byRoute: {}, samples: [] },
    ratios: {},
    targets: [],
    notes: [],
  };
  const recorder = new Recorder();
  let traceN = 0;
  const traces: Record<string, ReturnType<typeof summarizeSqlTrace>> = {};
  const trace = async (label: string | null): Promise<void> => {
    if (!o.traceSql || !target) return;
    const raw = await target.trace(++traceN);
    if (raw && label) traces[label] = summarizeSqlTrace(raw);
  };

  try {
    console.log(`bench: ${run.mode} run in ${tmp}`);
    sink = await SmtpSink.start();
    const seed = makeSeed(o.companies);
    const seedFile = join(tmp, 'registry.json');
    writeFileSync(seedFile, JSON.stringify(seed.file));
    const serviceOptions = {
      root: ROOT,
      varDir,
      smtpUrl: sink.url,
      seedFile,
      logFile: serviceLog,
    };

    if (o.preload > 0) {
      progress.phase('migrate and seed (first start)', 1, 'start');
      await stopService(children, await startService(children, serviceOptions));
      progress.phase(`preload ${fmt(o.preload)} forms`, o.preload, 'forms');
      run.preload = preloadForms(dbFileOf(varDir), o.preload, (n) => progress.update(n));
      progress.log(
        `bench: preloaded ${fmt(run.preload.forms)} forms, ${fmt(run.preload.historyRows)} history rows, ` +
          `${fmt(run.preload.deliveries)} deliveries, ${fmt(run.preload.outboxRows)} outbox rows in ${run.preload.seconds} s ` +
          `(${run.preload.dbSizeMiB} MiB)`,
      );
    }

    let t: Target;
    if (o.cluster) {
      progress.phase('start the cluster', 1, '');
      const c = await startCluster(children, {
        root: ROOT,
        dir: tmp,
        smtpUrl: sink.url,
        seedFile,
        apis: 2,
        workers: 2,
        traceSql: o.traceSql,
        onStep: (what) => progress.update(0, what),
      });
      t = target = {
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
    } else {
      progress.phase('start the service', 1, '');
      const s = await startService(children, { ...serviceOptions, cpuProfileDir, sqlTraceFile });
      t = target = {
        origins: [s.origin],
        watched: [
          { name: 'service', pid: s.pid, role: 'service' },
          ...(s.redisPid ? [{ name: 'redis', pid: s.redisPid, role: 'redis' as const }] : []),
        ],
        sampler: s.sampler,
        counts: () => Promise.resolve(dbCounts(dbFileOf(varDir))),
        trace: (n) => (sqlTraceFile ? takeSqlTrace(s.pid, sqlTraceFile, n) : Promise.resolve(null)),
        stop: () => stopService(children, s),
      };
      progress.update(1, `pid ${s.pid}, redis pid ${s.redisPid ?? '?'}`);
    }
    const apis = t.origins.map((origin) => new Api(origin, Math.ceil(o.clients / t.origins.length) + 4, recorder));

    progress.phase('log in every user', seed.usernames.length, 'users');
    let logged = 0;
    const tokens = await loginAll(apis, seed.usernames, BENCH_PASSWORD, seed.totpSecrets, 2, () =>
      progress.update(++logged),
    );
    await trace(null);

    // --- reads at this size (preload runs measure them before the workflows add forms) ---
    const readSuite = async (formIds: { id: string; maker: string }[]): Promise<void> => {
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
        const more = searchSuites(dbFileOf(varDir), seed, tokens);
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
          const r: ReadPhaseResult = await readPhase(
            t.origins,
            s.route,
            concurrency,
            500,
            seconds * 1000,
            s.pick,
            (t) => progress.update(t),
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
    };
    if (o.preload > 0) await readSuite(sampleForms(dbFileOf(varDir), seed));
    if (o.exports) {
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

    // --- the workflow load ---
    const totalMs = (o.warmupS + o.durationS) * 1000;
    progress.phase(`workflows, ${o.clients} clients`, totalMs / 1000, 's');
    const dbBefore = await t.counts();
    const sinkBefore = sink.snapshot();
    t.sampler.startWindow();
    await trace(null);
    const cpuWindow = new CpuWindow(t.watched);
    let loadSinkAtEnd = 0;
    let loadExpectedAtEnd = 0;
    const wf = await runWorkflows(
      apis,
      recorder,
      seed,
      tokens,
      {
        clients: o.clients,
        warmupMs: o.warmupS * 1000,
        durationMs: o.durationS * 1000,
        da4Every: 5,
        extraReadsEvery: 4,
        pollIntervalMs: 50,
        pollTimeoutMs: 30_000,
      },
      ({ elapsedMs, completed }) =>
        progress.update(
          Math.min(totalMs, elapsedMs) / 1000,
          `${fmt(completed)} workflows, ${recorder.errorCount} errors`,
        ),
    );
    loadSinkAtEnd = sink.messages - sinkBefore.messages;
    loadExpectedAtEnd = (await t.counts()).deliveries - dbBefore.deliveries;
    run.memory.loadPeakRssMiB = round(t.sampler.windowPeakRssMiB, 1);
    run.cpu = cpuWindow.end();
    await trace('workflow');

    // --- drain: until the sink has every e-mail the run caused ---
    const expected = (await t.counts()).deliveries - dbBefore.deliveries;
    progress.phase('drain the e-mails', expected, 'e-mails');
    const drainCpu = new CpuWindow(t.watched);
    const drainDeadline = Date.now() + o.drainTimeoutS * 1000;
    while (sink.messages - sinkBefore.messages < expected && Date.now() < drainDeadline) {
      progress.update(sink.messages - sinkBefore.messages);
      await sleep(20);
    }
    progress.update(sink.messages - sinkBefore.messages);
    // …and until the service has marked them SENT and closed their outbox rows.
    while (Date.now() < drainDeadline) {
      const c = await t.counts();
      if (c.outboxOpen === 0 && c.deliveriesSent + c.deliveriesFailed === c.deliveries) break;
      await sleep(100);
    }
    run.drainCpu = drainCpu.end();
    const sinkAfter = sink.snapshot();
    const dbAfter = await t.counts();
    const delivered = sinkAfter.messages - sinkBefore.messages;
    const firstAt = sinkBefore.messages === 0 ? sinkAfter.firstAt : sinkBefore.lastAt;
    const windowS = o.durationS;
    const backlog = Math.max(0, loadExpectedAtEnd - loadSinkAtEnd);
    const drainMs = Math.max(0, sinkAfter.lastAt - wf.loadEndedAt);
    run.email = {
      expected,
      delivered,
      duplicates: sinkAfter.duplicates - sinkBefore.duplicates,
      sinkErrors: sinkAfter.errors - sinkBefore.errors,
      deliveriesFailed: dbAfter.deliveriesFailed - dbBefore.deliveriesFailed,
      deliveriesSent: dbAfter.deliveriesSent - dbBefore.deliveriesSent,
      outboxOpen: dbAfter.outboxOpen,
      allDelivered:
        delivered === expected &&
        sinkAfter.duplicates === sinkBefore.duplicates &&
        dbAfter.deliveriesFailed === dbBefore.deliveriesFailed &&
        expected === 5 * wf.workflowsCompleted,
      perSecondDuringLoad: round(loadSinkAtEnd / ((wf.loadEndedAt - wf.loadStartedAt) / 1000), 0),
      throughputPerSec: round(delivered / Math.max(0.001, (sinkAfter.lastAt - firstAt) / 1000), 0),
      backlogAtLoadEnd: backlog,
      drainMs: round(drainMs, 0),
      drainRatePerSec: backlog >= 200 && drainMs > 0 ? round(backlog / (drainMs / 1000), 0) : null,
    };
    if (expected !== 5 * wf.workflowsCompleted)
      run.notes.push(
        `expected 5 e-mails per completed workflow (${5 * wf.workflowsCompleted}) but the run wrote ${expected} delivery rows`,
      );
    if (!run.email.allDelivered) recorder.error('e-mail', `delivered ${delivered} of ${expected} e-mails`);
    progress.log(
      `bench: ${fmt(wf.workflowsCompleted)} workflows, ${fmt(delivered)}/${fmt(expected)} e-mails delivered, ` +
        `drain ${fmt(drainMs / 1000, 2)} s after the load`,
    );

    const window = recorder.latencies;
    let httpInWindow = 0;
    for (const list of window.values()) httpInWindow += list.length;
    const outboxJobs = dbAfter.outbox - dbBefore.outbox;
    run.workflow = {
      clients: o.clients,
      windowS,
      workflowsInWindow: wf.workflowsInWindow,
      transitionsInWindow: wf.transitionsInWindow,
      workflowsPerSec: round(wf.workflowsInWindow / windowS, 1),
      transitionsPerSec: round(wf.transitionsInWindow / windowS, 0),
      httpRequestsPerSec: round(httpInWindow / windowS, 0),
      httpRequestsPerWorkflow: round(httpInWindow / Math.max(1, wf.workflowsInWindow), 1),
      workflowsStarted: wf.workflowsStarted,
      workflowsCompleted: wf.workflowsCompleted,
      da3Completed: wf.da3Completed,
      da4Completed: wf.da4Completed,
      outboxJobsPerSec: round(outboxJobs / ((wf.loadEndedAt - wf.loadStartedAt) / 1000), 0),
      completionLag: wf.completionLag,
      workflowLatency: wf.workflowLatency,
    };
    for (const route of window.keys()) run.routes[route] = recorder.summary(route);
    run.transitions = recorder.summaryOf(TRANSITION_ROUTES);

    // --- reads on their own, on the forms the run made ---
    if (o.preload === 0) await readSuite(wf.completedForms);
    run.db = await t.counts();

    progress.phase(o.cluster ? 'stop the cluster' : 'stop the service', 1, '');
    t.sampler.sample();
    run.memory.peakRssMiB = round(t.sampler.peakRssMiB, 1);
    run.memory.hwmMiB = round(t.sampler.hwmMiB, 1);
    if (t.sampler.perProcess) run.memory.perProcess = t.sampler.perProcess;
    await Promise.all(apis.map((a) => a.close()));
    await t.stop();
    target = null;
    progress.update(1);

    for (const e of [...recorder.errors.entries()]) run.errors.byRoute[e[0]] = (run.errors.byRoute[e[0]] ?? 0) + e[1];
    run.errors.total += recorder.errorCount;
    run.errors.samples.push(...recorder.errorSamples);

    // --- the ceilings, with the service stopped ---
    if (o.ceilings) {
      run.ceilings = {};
      progress.phase('ceiling: bare Nest route', (o.bareS + 0.5) * 1000, 'ms');
      run.ceilings.bareRoute = await bareRouteCeiling(
        children,
        ROOT,
        join(tmp, 'bare-nest.log'),
        o.clients,
        500,
        o.bareS * 1000,
        (t) => progress.update(t),
      );
      for (const [mode, perCommit] of [
        ['FULL', 1],
        ['NORMAL', 1],
        ['FULL', 10],
      ] as const) {
        const label = perCommit > 1 ? `${mode}, ${perCommit} per commit` : mode;
        progress.phase(`ceiling: raw SQLite, ${label}`, o.sqliteS * 1000, 'ms');
        const r = await sqliteCeiling(
          join(tmp, 'sqlite-ceiling'),
          mode,
          o.sqliteS * 1000,
          (t) => progress.update(t),
          perCommit,
        );
        if (perCommit > 1) run.ceilings.sqliteFullGrouped = r;
        else if (mode === 'FULL') run.ceilings.sqliteFull = r;
        else run.ceilings.sqliteNormal = r;
      }
      progress.phase('ceiling: BullMQ no-op, concurrency 50', o.bullmqJobs * 2, 'jobs');
      run.ceilings.bullmq = await bullmqCeiling(children, tmp, join(tmp, 'redis-ceiling.log'), o.bullmqJobs, 50, (n) =>
        progress.update(n),
      );
      progress.phase('ceiling: SMTP sink, nodemailer pooled', o.smtpMails, 'mails');
      run.ceilings.smtp = await smtpCeiling(sink, o.smtpMails, (n) => progress.update(n));
    }
    progress.stop();

    if (sqlTraceFile && Object.keys(traces).length) {
      if (!o.cluster) for (const x of Object.values(traces)) explainStatements(dbFileOf(varDir), x.top);
      run.sqlTrace = traces;
    }
    if (cpuProfileDir) {
      run.profile = summarizeCpuProfile(cpuProfileDir, [
        /^transaction .*typeorm/,
        /^run .*common\/transactions/,
        /^query .*BetterSqlite3QueryRunner/,
        /^(act|create) .*eservices\.service/,
        /^(tasks|list|get) .*eservices\.service/,
        /^send .*notifications\.service/,
        /^publishBatch .*outbox\.service/,
        /^canActivate .*auth\.guard/,
        /^transform .*class-validator|^validate .*class-validator|ValidationPipe/,
        /^render .*email-renderer/,
        /^sendMail .*nodemailer/,
        /^(processJob|callProcessJob|moveToCompleted|addBulk|add) .*bullmq/,
        /\(garbage collector\)/,
        /\(idle\)/,
      ]);
      if (!run.profile) run.notes.push('no CPU profile was written (the service did not exit normally)');
    }
  } catch (e) {
    progress.stop();
    console.error(`\nbench failed: ${(e as Error).stack ?? e}`);
    for (const log of logFiles.filter((f) => existsSync(f))) {
      const tail = readFileSync(log, 'utf8')
        .split('\n')
        .slice(logFiles.length > 1 ? -15 : -30)
        .join('\n');
      console.error(`--- last lines of ${log} ---\n${tail}`);
    }
    if (target) await target.stop().catch(() => undefined);
    children.killAllNow();
    await sink?.stop().catch(() => undefined);
    console.error(`bench: the temporary folder ${tmp} is kept for inspection`);
    process.exit(1);
  }

  children.killAllNow();
  await sink?.stop().catch(() => undefined);
  run.finishedAt = new Date().toISOString();
  run.seconds = round((Date.now() - started) / 1000, 1);
  judge(run);
  const files = writeResults(o.out, today(), run.mode, run);
  printSummary(run);
  console.log(`\nbench: results in ${files.json} and ${files.md}`);
  if (o.keep) console.log(`bench: kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
  // Every child is stopped and every file written: do not wait for idle keep-alive sockets.
  process.exit(run.errors.total > 0 ? 1 : 0);
}

/** Up to 2,000 forms spread over the file, each with its company's maker (who may read it). */
/** `--console`: the console bench, with its own few options. */
function consoleMode(argv: string[]): Promise<void> {
  const num = (flag: string, fallback: number): number =>
    argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : fallback;
  const o = parseArgs(argv.filter((a) => a !== '--console'));
  return consoleBench({
    root: ROOT,
    preload: num('--preload', 10_000),
    runs: num('--runs', 10),
    out: o.out,
    keep: o.keep,
  });
}

function sampleForms(dbFile: string, seed: ReturnType<typeof makeSeed>): { id: string; maker: string }[] {
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

/** Which code was measured: the commit, and how many files of src/ differ from it. */
function sourceState(): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain -- src', { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    return dirty.length ? `${head} + ${dirty.length} uncommitted files in src/` : head;
  } catch {
    return 'unknown';
  }
}

function printSummary(run: RunResult): void {
  const w = run.workflow;
  console.log('');
  if (w)
    console.log(
      `workflows/s ${fmt(w.workflowsPerSec, 1)}, transitions/s ${fmt(w.transitionsPerSec)}, transition p50/p95/p99 ` +
        `${run.transitions.p50}/${run.transitions.p95}/${run.transitions.p99} ms, HTTP ${fmt(w.httpRequestsPerSec)} req/s`,
    );
  if (run.email)
    console.log(
      `e-mails ${fmt(run.email.delivered)}/${fmt(run.email.expected)}, ${fmt(run.email.throughputPerSec)}/s, drain ${fmt(run.email.drainMs)} ms`,
    );
  console.log(
    `peak RSS ${run.memory.peakRssMiB} MiB (VmHWM ${run.memory.hwmMiB} MiB)${run.cluster ? ', summed over the API and worker processes' : ''}, errors ${run.errors.total}`,
  );
  if (run.memory.perProcess)
    console.log(
      `  peak RSS per process: ${run.memory.perProcess.map((p) => `${p.name} ${fmt(p.peakRssMiB)} MiB`).join(', ')}`,
    );
  if (run.cpu?.perProcess)
    console.log(
      `  CPU in the workflow phase (of one core): ${run.cpu.perProcess.map((p) => `${p.name} ${pct(p.process)}`).join(', ')}, bench ${pct(run.cpu.bench)}, other processes ${pct(run.cpu.others)} of the machine`,
    );
  for (const r of run.reads)
    console.log(`  ${r.route} c=${r.concurrency}: ${fmt(r.rps)} req/s, p99 ${r.latency.p99} ms`);
  const c = run.ceilings;
  if (c)
    console.log(
      `ceilings: bare route ${fmt(c.bareRoute?.rps)} req/s (p99 ${c.bareRoute?.latency.p99} ms), SQLite FULL ${fmt(c.sqliteFull?.perSecond)}/s, ` +
        `NORMAL ${fmt(c.sqliteNormal?.perSecond)}/s, BullMQ add ${fmt(c.bullmq?.addPerSecond)}/s addBulk ${fmt(c.bullmq?.addBulkPerSecond)}/s, ` +
        `SMTP ${fmt(c.smtp?.perSecond)}/s`,
    );
  for (const t of run.targets)
    console.log(
      `  [${t.met === null ? ' ? ' : t.met ? 'met' : 'MISSED'}] ${t.name}: ${t.measured} (target ${t.target})`,
    );
}

void main();
