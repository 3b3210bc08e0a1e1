import { fmt, pct, ratio, round } from './util';
import { TRANSITION_ROUTES } from './workload';
import { RunResult, Target } from './run-result';

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
