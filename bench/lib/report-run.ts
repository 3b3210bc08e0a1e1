import { CpuUse } from './procs';
import { fmt, LatencySummary, pct, ratio } from './util';
import { RunResult } from './run-result';

/** One run's section of the day's report (bench/results/<date>.md), and the formatting it shares with the rest. */

/** A statement with its long column lists elided: `SELECT … FROM "eservice_form" "f" WHERE …`. */
export function shortSql(sql: string, max = 420): string {
  const s = sql.replace(/^SELECT (?:"[^"]+"\."[^"]+" AS "[^"]+",? ?)+ FROM/, 'SELECT … FROM');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export const times = (r: number | null | undefined): string =>
  r === null || r === undefined ? 'n/a' : `${r.toFixed(1)}×`;

export const ms = (n: number | undefined | null): string => (n === undefined || n === null ? 'n/a' : n.toFixed(1));
export const yes = (m: boolean | null): string => (m === null ? 'n/a' : m ? '**met**' : '**missed**');

export function latencyRow(name: string, l: LatencySummary | undefined): string {
  if (!l) return `| ${name} | | | | | |`;
  return `| ${name} | ${fmt(l.count)} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} |`;
}

/** One run in full: its targets, figures, CPU and memory, latency per route, reads, e-mails and errors. */
export function renderRun(out: string[], head: RunResult, h: string, lead: string): void {
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
