import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, pct } from './util';
import { RunResult, ResultsFile } from './run-result';
import { ms, renderRun, shortSql } from './report-run';

/** The day's results: every run kept by kind in <date>.json, rendered as <date>.md; the summary printed at the end of a run. */

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

/** The run in a few lines on the console: the headline figures, each read, the ceilings, the targets. */
export function printSummary(run: RunResult): void {
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
