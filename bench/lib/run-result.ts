import { BareRouteCeiling, BullmqCeiling, SmtpCeiling, SqliteCeiling } from './ceilings';
import { ProfileSummary, SqlTrace } from './analysis';
import { CpuUse, ProcessMemory } from './procs';
import { ExportResult } from './exports-bench';
import { PreloadReport } from './preload';
import { LatencySummary, round } from './util';
import { ReadPhaseResult } from './workload';
import { cpus, loadavg, totalmem } from 'node:os';
import { Options } from './options';

/** What one bench run records: the shape of each run in bench/results/<date>.json. */

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

/** The record of a run before it starts: its kind, the machine, the configuration; the phases fill the rest. */
export function newRun(o: Options, source: string): RunResult {
  return {
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
      source,
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
}
