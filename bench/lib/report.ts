import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BareRouteCeiling, BullmqCeiling, SmtpCeiling, SqliteCeiling } from './ceilings';
import { ProfileSummary, SqlTrace } from './analysis';
import { CpuUse, ProcessMemory } from './procs';
import { ExportResult } from './exports-bench';
import { PreloadReport } from './preload';
import { fmt, LatencySummary, pct, ratio, round } from './util';
import { ReadPhaseResult, TRANSITION_ROUTES } from './workload';

export interface EmailResult {
  expected: number;
  delivered: number;
  duplicates: number;
  sinkErrors: number;
  deliveriesFailed: number;
  deliveriesSent: number;
  outboxOpen: number;
  allDelivered: boolean;
  perSecondDuringLoad: number;
  /** Every e-mail of the run over the time from the first received to the last. */
  throughputPerSec: number;
  backlogAtLoadEnd: number;
  /** From the end of the load to the last expected e-mail received. */
  drainMs: number;
  /** The backlog at load end divided by the drain time (null when there was no backlog worth the name). */
  drainRatePerSec: number | null;
}

export interface Target {
  name: string;
  target: string;
  measured: string;
  met: boolean | null;
}

export interface RunResult {
  mode: string;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  machine: { cpus: number; model: string; node: string; memGiB: number; loadAvgAtStart: number[] };
  config: Record<string, number | string | boolean>;
  /** A `--cluster` run: what ran instead of the single service. */
  cluster?: {
    apis: { name: string; pid: number; origin: string }[];
    workers: { name: string; pid: number }[];
    database: string;
    redis: string;
    /** How the clients were spread over the APIs. */
    spread: string;
  };
  preload?: PreloadReport;
  /** `--exports`: the CSV exports downloaded whole after the reads. */
  exports?: ExportResult[];
  db?: Record<string, number>;
  workflow?: {
    clients: number;
    windowS: number;
    workflowsInWindow: number;
    transitionsInWindow: number;
    workflowsPerSec: number;
    transitionsPerSec: number;
    httpRequestsPerSec: number;
    httpRequestsPerWorkflow: number;
    workflowsStarted: number;
    workflowsCompleted: number;
    da3Completed: number;
    da4Completed: number;
    outboxJobsPerSec: number;
    completionLag: LatencySummary;
    workflowLatency: LatencySummary;
  };
  routes: Record<string, LatencySummary>;
  transitions: LatencySummary;
  email?: EmailResult;
  reads: ReadPhaseResult[];
  /** Of the service; in a cluster run, of the sum of its API and worker processes (VmHWM: the sum of theirs). */
  memory: { peakRssMiB: number; loadPeakRssMiB: number; hwmMiB: number; perProcess?: ProcessMemory[] };
  /** CPU use during the workflow phase, as a share of one core (machineBusy/others: of all cores). */
  cpu?: CpuUse;
  /** The same while the e-mails drain after the load. */
  drainCpu?: CpuUse;
  errors: { total: number; byRoute: Record<string, number>; samples: string[] };
  ceilings?: {
    bareRoute?: BareRouteCeiling;
    sqliteFull?: SqliteCeiling;
    sqliteNormal?: SqliteCeiling;
    /** FULL with 10 transitions per COMMIT (each in a SAVEPOINT): what group commit would give. */
    sqliteFullGrouped?: SqliteCeiling;
    bullmq?: BullmqCeiling;
    smtp?: SmtpCeiling;
  };
  ratios: Record<string, number | null>;
  targets: Target[];
  profile?: ProfileSummary | null;
  sqlTrace?: Record<string, SqlTrace>;
  notes: string[];
}

export interface ResultsFile {
  date: string;
  runs: Record<string, RunResult>;
}

/** Ratios of every headline figure to its ceiling, and the targets of the issue. */
export function judge(r: RunResult): void {
  const c = r.ceilings ?? {};
  const w = r.workflow;
  const formRead = r.reads.find((x) => x.route === 'GET /eservices/{id}' && x.concurrency > 1);
  const sqlite = c.sqliteFull?.perSecond;
  const mailsPerWorkflow = w && w.workflowsCompleted ? (r.email?.expected ?? 0) / w.workflowsCompleted : 5;
  const jobsPerWorkflow = mailsPerWorkflow + 2; // + arrival-check + complete
  const workflowCeiling = Math.min(
    sqlite ? sqlite / TRANSITION_ROUTES.length : Infinity,
    c.smtp ? c.smtp.perSecond / mailsPerWorkflow : Infinity,
    c.bullmq ? c.bullmq.addBulkPerSecond / jobsPerWorkflow : Infinity,
    c.bareRoute && w ? c.bareRoute.rps / w.httpRequestsPerWorkflow : Infinity,
  );
  r.ratios = {
    transitionsPerSec_vs_rawSqliteFull: ratio(w?.transitionsPerSec, sqlite),
    workflowsPerSec_vs_workflowCeiling: ratio(
      w?.workflowsPerSec,
      Number.isFinite(workflowCeiling) ? workflowCeiling : null,
    ),
    workflowCeilingPerSec: Number.isFinite(workflowCeiling) ? round(workflowCeiling, 0) : null,
    httpRequestsPerSec_vs_bareRoute: ratio(w?.httpRequestsPerSec, c.bareRoute?.rps),
    formReadRps_vs_bareRoute: ratio(formRead?.rps, c.bareRoute?.rps),
    formReadP99_over_bareP99: ratio(formRead?.latency.p99, c.bareRoute?.latency.p99),
    transitionP99_over_bareP99: ratio(r.transitions.p99, c.bareRoute?.latency.p99),
    emailThroughput_vs_smtpPooled: ratio(r.email?.throughputPerSec, c.smtp?.perSecond),
    emailDrainRate_vs_smtpPooled: ratio(r.email?.drainRatePerSec, c.smtp?.perSecond),
    outboxJobsPerSec_vs_bullmqAddBulk: ratio(w?.outboxJobsPerSec, c.bullmq?.addBulkPerSecond),
    peakRss_vs_bareNest: ratio(r.memory.peakRssMiB, c.bareRoute?.peakRssMiB),
    sqliteFull_vs_normal: ratio(c.sqliteFull?.perSecond, c.sqliteNormal?.perSecond),
  };
  const t: Target[] = [];
  if (w) {
    t.push({
      name: `transitions/s at ${w.clients} clients`,
      target: '≥ 2,000/s',
      measured: fmt(w.transitionsPerSec),
      met: w.transitionsPerSec >= 2000,
    });
    t.push({
      name: `workflows/s at ${w.clients} clients`,
      target: '≥ 400/s',
      measured: fmt(w.workflowsPerSec, 1),
      met: w.workflowsPerSec >= 400,
    });
    t.push({
      name: 'p99 of transitions',
      target: '≤ 25 ms',
      measured: `${fmt(r.transitions.p99, 1)} ms`,
      met: r.transitions.p99 <= 25,
    });
    const rs = r.ratios.transitionsPerSec_vs_rawSqliteFull;
    // A cluster run has no ceilings (nor SQLite): the targets on ratios to them do not apply.
    if (!r.cluster)
      t.push({
        name: 'transitions vs raw-SQLite (FULL) ceiling',
        target: '≥ 30%',
        measured: pct(rs),
        met: rs === null ? null : rs >= 0.3,
      });
  }
  const fr = r.ratios.formReadRps_vs_bareRoute;
  if (formRead && !r.cluster)
    t.push({
      name: 'form read vs bare-route ceiling',
      target: '≥ 50%',
      measured: `${pct(fr)} (${fmt(formRead.rps)} vs ${fmt(c.bareRoute?.rps)} req/s)`,
      met: fr === null ? null : fr >= 0.5,
    });
  if (r.email) {
    const e = r.email;
    t.push({
      name: 'every e-mail delivered (none twice, none failed)',
      target: 'all',
      measured: `${fmt(e.delivered)} of ${fmt(e.expected)}, ${e.duplicates} duplicates, ${e.deliveriesFailed} failed`,
      met: e.allDelivered,
    });
    const rate = e.drainRatePerSec ?? e.throughputPerSec;
    t.push({
      name: 'e-mail drain rate',
      target: '≥ 800/s',
      measured:
        e.drainRatePerSec !== null
          ? `${fmt(e.drainRatePerSec)}/s (backlog ${fmt(e.backlogAtLoadEnd)} in ${fmt(e.drainMs / 1000, 1)} s)`
          : `${fmt(e.throughputPerSec)}/s (kept up with the load: backlog ${fmt(e.backlogAtLoadEnd)})`,
      met: rate >= 800,
    });
  }
  t.push({ name: 'errors', target: '0', measured: fmt(r.errors.total), met: r.errors.total === 0 });
  r.targets = t;
}

export function writeResults(dir: string, date: string, key: string, run: RunResult): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${date}.json`);
  const md = join(dir, `${date}.md`);
  let file: ResultsFile = { date, runs: {} };
  if (existsSync(json)) {
    try {
      file = JSON.parse(readFileSync(json, 'utf8')) as ResultsFile;
    } catch {
      /* start again */
    }
  }
  file.runs[key] = run;
  writeFileSync(json, `${JSON.stringify(file, null, 2)}\n`);
  writeFileSync(md, renderMarkdown(file, dir));
  return { json, md };
}

/** A statement with its long column lists elided: `SELECT … FROM "eservice_form" "f" WHERE …`. */
export function shortSql(sql: string, max = 420): string {
  const s = sql.replace(/^SELECT (?:"[^"]+"\."[^"]+" AS "[^"]+",? ?)+ FROM/, 'SELECT … FROM');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

const times = (r: number | null | undefined): string => (r === null || r === undefined ? 'n/a' : `${r.toFixed(1)}×`);

const ms = (n: number | undefined | null): string => (n === undefined || n === null ? 'n/a' : n.toFixed(1));
const yes = (m: boolean | null): string => (m === null ? 'n/a' : m ? '**met**' : '**missed**');

function latencyRow(name: string, l: LatencySummary | undefined): string {
  if (!l) return `| ${name} | | | | | |`;
  return `| ${name} | ${fmt(l.count)} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} |`;
}

/** One run in full: its targets, figures, CPU and memory, latency per route, reads, e-mails and errors. */
function renderRun(out: string[], head: RunResult, h: string, lead: string): void {
  const m = head.machine;
  out.push(
    `${lead}: \`${head.mode}\` at ${head.startedAt} (${head.seconds} s) on ${m.cpus} × ${m.model}, ` +
      `${m.memGiB} GiB, Node ${m.node}, load average at start ${m.loadAvgAtStart.map((x) => x.toFixed(2)).join(' ')}.`,
    '',
    `${h} Targets`,
    '',
    '| target | wanted | measured | |',
    '|---|---|---|---|',
    ...head.targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${yes(t.met)} |`),
    '',
  );
  const w = head.workflow;
  const c = head.ceilings ?? {};
  const r = head.ratios;
  // Without ceilings (a cluster run) the table has the figures alone.
  const bare = !head.ceilings;
  const row = (figure: string, measured: string, ceiling: string, ratioText: string): string =>
    bare ? `| ${figure} | ${measured} |` : `| ${figure} | ${measured} | ${ceiling} | ${ratioText} |`;
  out.push(bare ? `${h} Headline figures` : `${h} Headline figures and their ceilings`, '');
  out.push(
    bare ? '| figure | measured |' : '| figure | measured | ceiling | ratio |',
    bare ? '|---|---|' : '|---|---|---|---|',
  );
  if (w) {
    out.push(
      row(
        'transitions/s (create, submit, claim, confirm, complete over HTTP)',
        fmt(w.transitionsPerSec),
        `raw SQLite transition, FULL: ${fmt(c.sqliteFull?.perSecond)}/s`,
        pct(r.transitionsPerSec_vs_rawSqliteFull),
      ),
      row(
        'workflows/s (create → COMPLETED seen)',
        fmt(w.workflowsPerSec, 1),
        `min(SQLite FULL ÷ 5 commits, SMTP ÷ e-mails, BullMQ ÷ jobs, bare route ÷ requests) per workflow: ${fmt(r.workflowCeilingPerSec)}/s`,
        pct(r.workflowsPerSec_vs_workflowCeiling),
      ),
      row(
        `HTTP requests/s, all routes (${fmt(w.httpRequestsPerWorkflow, 1)} per workflow)`,
        fmt(w.httpRequestsPerSec),
        `bare Nest route: ${fmt(c.bareRoute?.rps)}/s`,
        pct(r.httpRequestsPerSec_vs_bareRoute),
      ),
      row(
        'outbox jobs/s (e-mails + arrival checks + completions)',
        fmt(w.outboxJobsPerSec),
        `BullMQ no-op addBulk → processed: ${fmt(c.bullmq?.addBulkPerSecond)}/s (add: ${fmt(c.bullmq?.addPerSecond)}/s)`,
        pct(r.outboxJobsPerSec_vs_bullmqAddBulk),
      ),
    );
  }
  const formRead = head.reads.find((x) => x.route === 'GET /eservices/{id}' && x.concurrency > 1);
  if (formRead)
    out.push(
      row(
        `form read GET /eservices/{id}, ${formRead.concurrency} clients, req/s`,
        fmt(formRead.rps),
        `bare Nest route: ${fmt(c.bareRoute?.rps)}/s`,
        pct(r.formReadRps_vs_bareRoute),
      ),
      row(
        'form read p99',
        `${ms(formRead.latency.p99)} ms`,
        `bare route p99 ${ms(c.bareRoute?.latency.p99)} ms`,
        times(r.formReadP99_over_bareP99),
      ),
    );
  if (w)
    out.push(
      row(
        'transition p99 (under the workflow mix)',
        `${ms(head.transitions.p99)} ms`,
        `bare route p99 ${ms(c.bareRoute?.latency.p99)} ms`,
        times(r.transitionP99_over_bareP99),
      ),
    );
  if (head.email) {
    const e = head.email;
    out.push(
      row(
        'e-mails delivered/s during the load',
        fmt(e.perSecondDuringLoad),
        `nodemailer pooled (5 connections) → sink: ${fmt(c.smtp?.perSecond)}/s`,
        pct(ratio(e.perSecondDuringLoad, c.smtp?.perSecond)),
      ),
      row(
        'e-mail throughput, first to last e-mail',
        fmt(e.throughputPerSec),
        'same',
        pct(r.emailThroughput_vs_smtpPooled),
      ),
      row(
        'drain: backlog at load end / time to the last e-mail',
        `${fmt(e.backlogAtLoadEnd)} in ${fmt(e.drainMs / 1000, 2)} s${e.drainRatePerSec !== null ? ` = ${fmt(e.drainRatePerSec)}/s` : ''}`,
        'same',
        pct(r.emailDrainRate_vs_smtpPooled),
      ),
    );
  }
  out.push(
    row(
      head.cluster
        ? `peak RSS of the ${head.cluster.apis.length + head.cluster.workers.length} API and worker processes, summed (VmRSS sampled together; during the load); VmHWM summed`
        : `peak RSS of the service (sampled VmRSS; during the load)`,
      `${fmt(head.memory.peakRssMiB)} MiB (${fmt(head.memory.loadPeakRssMiB)} MiB); VmHWM ${fmt(head.memory.hwmMiB)} MiB`,
      `bare Nest app VmHWM: ${fmt(c.bareRoute?.peakRssMiB)} MiB`,
      times(r.peakRss_vs_bareNest),
    ),
    '',
  );
  if (head.memory.perProcess)
    out.push(
      `Peak RSS per process (sampled VmRSS; PostgreSQL: the PSS of all its processes): ${head.memory.perProcess
        .map((p) => `${p.name} ${fmt(p.peakRssMiB)} MiB${p.hwmMiB !== null ? ` (VmHWM ${fmt(p.hwmMiB)})` : ''}`)
        .join(', ')}.`,
      '',
    );
  if (head.cpu && head.cpu.others > 0.2)
    out.push(
      `> **The machine was shared during this run:** ${pct(head.cpu.others)} of its CPU went to other processes ` +
        `during the workflow phase (load average ${head.machine.loadAvgAtStart.map((x) => x.toFixed(1)).join(' ')} at start). ` +
        'Every throughput figure here is a lower bound; compare the ratios, and see the CPU line below.',
      '',
    );
  if (head.cpu?.perProcess) {
    const u = head.cpu;
    const each = (x: CpuUse): string =>
      (x.perProcess ?? [])
        .map(
          (p) =>
            `${p.name} ${pct(p.process)}${p.mainThread !== null ? ` (main thread ${pct(p.mainThread)})` : ''}${p.role === 'database' ? ' (all its processes)' : ''}`,
        )
        .join(', ');
    out.push(
      `CPU during the workflow phase (share of one core): ${each(u)}; the bench (clients and SMTP sink) ${pct(u.bench)}; ` +
        `the machine's ${head.machine.cpus} cores were ${pct(u.machineBusy)} busy, ${pct(u.others)} of them by other processes.` +
        (head.drainCpu ? ` While the e-mails drained after the load: ${each(head.drainCpu)}.` : ''),
      '',
    );
  } else if (head.cpu) {
    const u = head.cpu;
    out.push(
      `CPU during the workflow phase (share of one core): service process ${pct(u.serviceProcess)}, its main thread ` +
        `${pct(u.serviceMainThread)}, its Redis ${pct(u.redis)}, the bench (clients and SMTP sink) ${pct(u.bench)}; the machine's ` +
        `${head.machine.cpus} cores were ${pct(u.machineBusy)} busy, ${pct(u.others)} of them by other processes.` +
        (head.drainCpu
          ? ` While the e-mails drained after the load: service main thread ${pct(head.drainCpu.serviceMainThread)}, ` +
            `bench and sink ${pct(head.drainCpu.bench)}.`
          : ''),
      '',
    );
  }
  if (c.sqliteFull && c.sqliteNormal)
    out.push(
      `Raw SQLite transition (read row, conditional UPDATE, INSERT history; better-sqlite3, WAL): synchronous=FULL ` +
        `${fmt(c.sqliteFull.perSecond)}/s (${c.sqliteFull.meanMs} ms each), NORMAL ${fmt(c.sqliteNormal.perSecond)}/s ` +
        `(${c.sqliteNormal.meanMs} ms): FULL runs at ${pct(r.sqliteFull_vs_normal)} of NORMAL, the price of an fsync per commit.` +
        (c.sqliteFullGrouped
          ? ` Group commit at FULL (${c.sqliteFullGrouped.perCommit} transitions per COMMIT, each in a SAVEPOINT): ` +
            `${fmt(c.sqliteFullGrouped.perSecond)}/s.`
          : ''),
      '',
    );
  if (w) {
    out.push(
      `Workflow phase: ${w.clients} clients for ${w.windowS} s after a warm-up; ${fmt(w.workflowsInWindow)} workflows ` +
        `completed in the window (${fmt(w.da3Completed)} DA3 CHANGE and ${fmt(w.da4Completed)} DA4 over the whole phase), ` +
        `${fmt(w.transitionsInWindow)} transitions. Complete (202) → COMPLETED seen: p50 ${ms(w.completionLag.p50)} ms, ` +
        `p99 ${ms(w.completionLag.p99)} ms (polls after 5, 10, 20, 40, then every 50 ms). Whole workflow p50 ${ms(w.workflowLatency.p50)} ms, p99 ${ms(w.workflowLatency.p99)} ms.`,
      '',
    );
  }
  out.push(
    `${h} Latency per route (ms)`,
    '',
    '| route | requests | p50 | p95 | p99 | max |',
    '|---|---|---|---|---|---|',
  );
  for (const [route, l] of Object.entries(head.routes)) out.push(latencyRow(route, l));
  out.push(latencyRow('**all transitions**', head.transitions), '');
  if (head.reads.length) {
    out.push(
      `${h} Reads on their own`,
      '',
      '| route | clients | req/s | p50 | p95 | p99 | errors |',
      '|---|---|---|---|---|---|---|',
      ...head.reads.map(
        (x) =>
          `| ${x.route} | ${x.concurrency} | ${fmt(x.rps)} | ${ms(x.latency.p50)} | ${ms(x.latency.p95)} | ${ms(x.latency.p99)} | ${x.errors} |`,
      ),
    );
    if (c.bareRoute)
      out.push(
        `| ${c.bareRoute.route} (ceiling) | ${c.bareRoute.concurrency} | ${fmt(c.bareRoute.rps)} | ${ms(c.bareRoute.latency.p50)} | ${ms(c.bareRoute.latency.p95)} | ${ms(c.bareRoute.latency.p99)} | ${c.bareRoute.errors} |`,
      );
    out.push('');
  }
  if (head.email) {
    const e = head.email;
    out.push(
      `E-mails: ${fmt(e.expected)} expected (delivery rows written by the run), ${fmt(e.delivered)} received by the sink, ` +
        `${e.duplicates} duplicates (same Message-ID twice), ${e.deliveriesFailed} FAILED, ${e.outboxOpen} outbox rows still open at the end.`,
      '',
    );
  }
  if (head.errors.total)
    out.push('Errors:', '', ...head.errors.samples.map((s) => `- \`${s.replace(/`/g, "'")}\``), '');
}

/** The summary of every run of the day: the headline run, the ceilings, data growth, the analysis. */
export function renderMarkdown(file: ResultsFile, dir: string): string {
  const out: string[] = [];
  const headlineKey = ['full', 'quick', 'profile'].find((k) => file.runs[k]);
  const head = headlineKey ? file.runs[headlineKey] : undefined;
  out.push(`# Benchmark ${file.date}`, '');
  out.push(
    'Produced by `npm run bench` (bench/run.ts). Everything on loopback on one machine: the service',
    '(`node dist/src/main.js`, embedded Redis, SQLite WAL + synchronous=FULL), the load clients (undici),',
    'the SMTP sink (smtp-server, in a worker thread) and the ceilings share its cores.',
    '',
  );
  if (head) renderRun(out, head, '##', 'Headline run');

  // Cluster runs (`--cluster`): the same figures for the scaled-out shape.
  for (const run of Object.values(file.runs).filter((x) => x.cluster)) {
    const cl = run.cluster!;
    out.push(
      `## Cluster run \`${run.mode}\``,
      '',
      `The scaled-out shape of \`npm run cluster\` on the same machine: ${cl.apis.length} API processes (WORKERS=off; ${cl.spread}), ` +
        `${cl.workers.length} worker processes, ${cl.database}, ${cl.redis}; e-mail to the same sink. ` +
        'No ceilings: they measure the parts of one process (SQLite, one Nest app).',
      '',
    );
    renderRun(out, run, '###', 'Run');
  }

  // Every run of the day side by side: how much the machine was shared shows in the CPU columns.
  const runs = Object.values(file.runs).filter((x) => x.workflow);
  if (runs.length > 1) {
    out.push(
      '## Every run of the day at a glance',
      '',
      '| run | forms in DB | service main thread CPU | other processes (of the machine) | workflows/s | transitions/s | transition p99 ms | form read req/s (50 clients) | bare route req/s | e-mail drain/s |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...runs.map((x) => {
        const fr = x.reads.find((y) => y.route === 'GET /eservices/{id}' && y.concurrency > 1);
        const sum = x.cluster ? ' (sum)' : '';
        return `| ${x.mode} | ${fmt(x.db?.forms)} | ${pct(x.cpu?.serviceMainThread ?? null)}${sum} | ${pct(x.cpu?.others ?? null)} | ${fmt(x.workflow?.workflowsPerSec, 1)} | ${fmt(x.workflow?.transitionsPerSec)} | ${ms(x.transitions.p99)} | ${fmt(fr?.rps)} | ${fmt(x.ceilings?.bareRoute?.rps)} | ${fmt(x.email?.drainRatePerSec ?? x.email?.throughputPerSec)} |`;
      }),
      '',
    );
  }

  // Data growth: every run of the day by the number of forms in the database.
  const bySize = Object.values(file.runs)
    .filter((run) => run.reads.some((x) => x.route.startsWith('GET /eservices?')))
    .sort((a, b) => (a.db?.forms ?? 0) - (b.db?.forms ?? 0));
  if (bySize.length) {
    const routes = [
      'GET /eservices?page=1&pageSize=20',
      'GET /eservices (operator)',
      'GET /tasks (checker)',
      'GET /tasks (operator)',
      'GET /eservices?q={number} (search)',
      'GET /eservices?q={User ID} (search)',
      'GET /participantships/HKSCC/{pid}/user-profiles',
    ];
    out.push(
      '## Data growth: p99 by database size',
      '',
      'p99 in ms with 1 client (the query alone) / with 50 clients (and req/s); `--preload N` inserts N forms with their history,',
      'deliveries and outbox rows before the service starts.',
      '',
      `| run | forms in DB | ${routes.join(' | ')} | transitions/s | transition p99 |`,
      `|---|---|${routes.map(() => '---').join('|')}|---|---|`,
    );
    for (const run of bySize) {
      const cell = (route: string): string => {
        const one = run.reads.find((x) => x.route === route && x.concurrency === 1);
        const many = run.reads.find((x) => x.route === route && x.concurrency > 1);
        return `${ms(one?.latency.p99)} / ${ms(many?.latency.p99)} (${fmt(many?.rps)}/s)`;
      };
      out.push(
        `| ${run.mode} | ${fmt(run.db?.forms)} | ${routes.map(cell).join(' | ')} | ${fmt(run.workflow?.transitionsPerSec)} | ${ms(run.workflow ? run.transitions.p99 : null)} |`,
      );
    }
    out.push('');
    // Every search of SPEC §11 (bench/lib/search-suite.ts) by size: the query alone, one client.
    const preloaded = bySize.filter((x) => x.preload);
    const searches = [
      ...new Set(
        preloaded.flatMap((x) =>
          x.reads.filter((r) => r.concurrency === 1 && r.route.includes('?')).map((r) => r.route),
        ),
      ),
    ];
    if (searches.length) {
      out.push(
        '## Searches by database size: p50 / p99 in ms with 1 client',
        '',
        `| route | ${preloaded.map((x) => `${fmt(x.db?.forms)} forms`).join(' | ')} |`,
        `|---|${preloaded.map(() => '---:').join('|')}|`,
        ...searches.map((route) => {
          const cells = preloaded.map((x) => {
            const one = x.reads.find((r) => r.route === route && r.concurrency === 1);
            return one ? `${ms(one.latency.p50)} / ${ms(one.latency.p99)}` : '';
          });
          return `| ${route} | ${cells.join(' | ')} |`;
        }),
        '',
      );
    }
    const exported = preloaded.filter((x) => x.exports?.length);
    if (exported.length) {
      out.push(
        '## CSV exports downloaded whole (`--exports`)',
        '',
        '| run | route | rows | MiB | seconds | rows/s | service RSS before | peak | growth |',
        '|---|---|---:|---:|---:|---:|---:|---:|---:|',
        ...exported.flatMap((x) =>
          (x.exports ?? []).map(
            (e) =>
              `| ${x.mode} | ${e.route} | ${fmt(e.rows)} | ${fmt(e.bytes / 2 ** 20, 1)} | ${e.seconds} | ${fmt(e.rowsPerSec)} | ${e.rssBeforeMiB} MiB | ${e.peakRssMiB} MiB | ${e.rssGrowthMiB} MiB |`,
          ),
        ),
        '',
      );
    }
    const loads = preloaded.filter((x) => x.preload?.insertSeconds !== undefined);
    if (loads.length) {
      out.push(
        '## Preload',
        '',
        '| run | forms | history | deliveries | outbox | search terms | inserts s | indexes s | total s | MiB |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...loads.map((x) => {
          const p = x.preload!;
          return `| ${x.mode} | ${fmt(p.forms)} | ${fmt(p.historyRows)} | ${fmt(p.deliveries)} | ${fmt(p.outboxRows)} | ${fmt(p.searchTerms)} | ${p.insertSeconds} | ${p.indexSeconds} | ${p.seconds} | ${fmt(p.dbSizeMiB)} |`;
        }),
        '',
      );
    }
    for (const run of bySize.filter((x) => x.sqlTrace && x.preload)) {
      out.push(`### Slowest statements per route at ${fmt(run.db?.forms)} forms (\`${run.mode}\`, SQL trace)`, '');
      for (const [route, trace] of Object.entries(run.sqlTrace ?? {})) {
        if (route === 'workflow') continue;
        out.push(
          `**${route}**: ${fmt(trace.statements)} statements, SQLite busy ${pct(trace.sqliteBusyShare)} of the phase`,
          '',
        );
        for (const s of trace.top.slice(0, 3)) {
          out.push(
            `- ${fmt(s.count)}× avg ${s.avgMs} ms, max ${s.maxMs} ms: \`${shortSql(s.sql)}\``,
            ...(s.plan ? [`  plan: ${s.plan.map((p) => `\`${p}\``).join(', ')}`] : []),
          );
        }
        out.push('');
      }
    }
  }

  for (const run of Object.values(file.runs).filter((x) => x.profile || x.sqlTrace?.workflow)) {
    out.push(`## Where the time goes (\`${run.mode}\` run)`, '');
    const t = run.sqlTrace?.workflow;
    if (t && run.workflow) {
      const wf = run.workflow.workflowsCompleted || 1;
      // A cluster's trace is pg_stat_statements: execution time (row-lock waits included) summed over
      // every connection; the WAL flush of a COMMIT happens after its statement, outside that time.
      const rest = run.cluster
        ? `; PostgreSQL executing statements ${pct(t.sqliteBusyShare)} of the wall time (summed over its connections, row-lock waits included)`
        : ` taking ${fmt(t.commitMs)} ms; SQLite busy ${pct(t.sqliteBusyShare)} of the wall time; ${fmt(t.prepares)} statement prepares (${fmt(t.prepareMs)} ms)`;
      out.push(
        `SQL trace of the workflow phase (${fmt(t.windowMs / 1000, 1)} s): ${fmt(t.statements)} statements ` +
          `(${fmt(t.statements / wf, 0)} per workflow), ${fmt(t.commits)} commits (${fmt(t.commits / wf, 1)} per workflow)${rest}.`,
        '',
        '| statement | count | per workflow | total ms | avg ms |',
        '|---|---|---|---|---|',
        ...t.top.map(
          (s) =>
            `| \`${shortSql(s.sql, 160).replace(/\|/g, '\\|')}\` | ${fmt(s.count)} | ${fmt(s.count / wf, 1)} | ${fmt(s.totalMs)} | ${s.avgMs} |`,
        ),
        '',
      );
    }
    const p = run.profile;
    if (p) {
      out.push(
        `CPU profile of the service (node --cpu-prof, whole process life, ${fmt(p.totalMs / 1000, 1)} s of samples):`,
        '',
        '| where (self time) | ms | share |',
        '|---|---|---|',
        ...p.byArea.slice(0, 14).map((a) => `| ${a.area} | ${fmt(a.ms)} | ${pct(a.share)} |`),
        '',
        '| inclusive frame | ms | share |',
        '|---|---|---|',
        ...p.inclusive.map((a) => `| \`${a.frame}\` | ${fmt(a.ms)} | ${pct(a.share)} |`),
        '',
        '| top functions (self) | area | ms | share |',
        '|---|---|---|---|',
        ...p.topFunctions.slice(0, 15).map((f) => `| \`${f.fn}\` | ${f.area} | ${fmt(f.ms)} | ${pct(f.share)} |`),
        '',
      );
    }
  }

  // The hand-written analysis of the bottlenecks, kept beside the generated tables.
  const analysis = join(dir, '..', 'ANALYSIS.md');
  if (existsSync(analysis)) out.push(readFileSync(analysis, 'utf8').trim(), '');
  const notes = Object.values(file.runs).flatMap((x) => x.notes.map((n) => `- (${x.mode}) ${n}`));
  if (notes.length) out.push('## Notes', '', ...notes, '');
  out.push(
    '## Runs in this file',
    '',
    ...Object.entries(file.runs).map(
      ([k, x]) =>
        `- \`${k}\`: ${x.startedAt}, ${x.seconds} s, config ${Object.entries(x.config)
          .map(([a, b]) => `${a}=${b}`)
          .join(', ')}`,
    ),
    '',
  );
  return out.join('\n');
}
