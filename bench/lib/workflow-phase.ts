import { RunContext } from './run-context';
import { SmtpSink } from './smtp-sink';
import { CpuWindow } from './procs';
import { fmt, round, sleep } from './util';
import { runWorkflows, TRANSITION_ROUTES, WorkflowResult } from './workload';

/**
 * The workflow load: `--clients` clients, each taking forms of its company from draft to
 * Completed for the warm-up and the measured window; then the drain, until the sink has
 * every e-mail the run caused and the service has marked them sent. Fills `run.workflow`,
 * `run.email`, `run.cpu`, `run.drainCpu` and the routes' latencies; returns the load's result
 * (its completed forms are read afterwards).
 */
export async function workflowPhase(ctx: RunContext, sink: SmtpSink): Promise<WorkflowResult> {
  const { o, run, progress, recorder, t, apis, seed, tokens, trace } = ctx;
  const totalMs = (o.warmupS + o.durationS) * 1000;
  progress.phase(`workflows, ${o.clients} clients`, totalMs / 1000, 's');
  const dbBefore = await t.counts();
  const sinkBefore = sink.snapshot();
  t.sampler.startWindow();
  await trace(null);
  const cpuWindow = new CpuWindow(t.watched);
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
  const loadSinkAtEnd = sink.messages - sinkBefore.messages;
  const loadExpectedAtEnd = (await t.counts()).deliveries - dbBefore.deliveries;
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
  return wf;
}
