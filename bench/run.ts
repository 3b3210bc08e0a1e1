/**
 * `npm run bench [-- --quick | --preload N | --profile]`: the service under a maker-checker
 * load over HTTP, with the ceilings of its parts measured in the same run. `--console [--preload N]`:
 * the console's tasks page in Chromium instead (bench/lib/console-bench.ts). See bench/README.md.
 *
 * The run in order: the options (lib/options.ts), the preload (lib/preload.ts), the service or
 * the cluster (lib/target.ts), the reads (lib/reads-phase.ts), the workflow load and the drain
 * (lib/workflow-phase.ts), the ceilings (lib/ceilings.ts), the results (lib/judge.ts, lib/report.ts).
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Children } from '../tools/cluster/children';
import { explainStatements, summarizeCpuProfile, summarizeSqlTrace } from './lib/analysis';
import { measureCeilings } from './lib/ceilings';
import { consoleBench } from './lib/console-bench';
import { Api, Recorder } from './lib/http';
import { judge } from './lib/judge';
import { parseArgs } from './lib/options';
import { preloadForms } from './lib/preload';
import { Progress } from './lib/progress';
import { exportsPhase, readSuite, sampleForms } from './lib/reads-phase';
import { printSummary, writeResults } from './lib/report';
import { RunContext } from './lib/run-context';
import { newRun } from './lib/run-result';
import { BENCH_PASSWORD, makeSeed } from './lib/seed';
import { dbFileOf, startService, stopService } from './lib/service';
import { SmtpSink } from './lib/smtp-sink';
import { startTarget, Target } from './lib/target';
import { fmt, round, today } from './lib/util';
import { workflowPhase } from './lib/workflow-phase';
import { loginAll } from './lib/workload';

const ROOT = resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--console')) return consoleMode(argv);
  const o = parseArgs(argv, ROOT);
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

  const run = newRun(o, sourceState());
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

    const t = (target = await startTarget(children, o, run, progress, {
      ...serviceOptions,
      dir: tmp,
      cpuProfileDir,
      sqlTraceFile,
    }));
    const apis = t.origins.map((origin) => new Api(origin, Math.ceil(o.clients / t.origins.length) + 4, recorder));

    progress.phase('log in every user', seed.usernames.length, 'users');
    let logged = 0;
    const tokens = await loginAll(apis, seed.usernames, BENCH_PASSWORD, seed.totpSecrets, 2, () =>
      progress.update(++logged),
    );
    await trace(null);
    const ctx: RunContext = { o, run, progress, recorder, t, apis, seed, tokens, varDir, trace };

    // Reads at this size: preload runs measure them before the workflows add forms.
    if (o.preload > 0) await readSuite(ctx, sampleForms(dbFileOf(varDir), seed));
    if (o.exports) await exportsPhase(ctx);

    const wf = await workflowPhase(ctx, sink);

    // Reads on their own, on the forms the run made.
    if (o.preload === 0) await readSuite(ctx, wf.completedForms);
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

    if (o.ceilings) await measureCeilings(children, ROOT, tmp, o, run, progress, sink);
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

/** `--console`: the console bench, with its own few options. */
function consoleMode(argv: string[]): Promise<void> {
  const num = (flag: string, fallback: number): number =>
    argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : fallback;
  const o = parseArgs(
    argv.filter((a) => a !== '--console'),
    ROOT,
  );
  return consoleBench({
    root: ROOT,
    preload: num('--preload', 10_000),
    runs: num('--runs', 10),
    out: o.out,
    keep: o.keep,
  });
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

void main();
