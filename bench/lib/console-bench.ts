import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, Page } from 'playwright-core';
import { totpNow } from '../../src/auth/one-time-passwords';
import { preloadForms } from './preload';
import { Children } from '../../tools/cluster/children';
import { BENCH_PASSWORD, makeSeed } from './seed';
import { dbFileOf, startService, stopService } from './service';
import { SmtpSink } from './smtp-sink';
import { today } from './util';

/**
 * `npm run bench -- --console [--preload N] [--runs R]` (issue 12, point 7): the console's
 * tasks page in Debian's Chromium with N forms in the database (default 10,000). Preloads the
 * forms, starts the service serving web/dist (built when older than its sources), logs in
 * through the login page as a checker and as an HKEX operator, then opens /tasks R times
 * (default 10) in that logged-in browser: each run is navigation start (performance.now() of
 * the new document) to the tasks table rendered with its rows (a row's form link in the table).
 * Also the JavaScript the first screen loads, gzipped. Writes bench/results/<day>-console-<N>.{json,md}.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ROW = 'table tbody tr [data-testid="form-link"]';

export interface ConsoleBenchOptions {
  root: string;
  preload: number;
  runs: number;
  out: string;
  keep: boolean;
}

interface UserResult {
  role: string;
  username: string;
  runsMs: number[];
  medianMs: number;
  p90Ms: number;
  rows: number;
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

/** Builds web/dist when it is missing or older than the console's sources. */
function buildConsole(root: string): void {
  const stale =
    !existsSync(join(root, 'web/dist/index.html')) ||
    execSync(
      'find web/src web/index.html web/package.json web/vite.config.ts -newer web/dist/index.html -print -quit',
      {
        cwd: root,
        encoding: 'utf8',
      },
    ).trim() !== '';
  if (stale) execSync('npm --prefix web run -s build', { cwd: root, stdio: 'inherit' });
}

async function logIn(page: Page, origin: string, username: string, secret: string): Promise<void> {
  await page.goto(`${origin}/tasks`);
  await page.getByLabel('User ID or e-mail').fill(username);
  await page.getByLabel(/^Password/).fill(BENCH_PASSWORD);
  await page.getByRole('button', { name: 'LOG IN' }).click();
  await page.getByLabel('One-time password').fill(await totpNow(secret, new Date()));
  await page.getByRole('button', { name: 'SUBMIT OTP' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

export async function consoleBench(o: ConsoleBenchOptions): Promise<void> {
  const children = new Children();
  process.once('exit', () => children.killAllNow());
  const tmp = mkdtempSync(join(tmpdir(), 'eservices-console-bench-'));
  const varDir = join(tmp, 'var');
  mkdirSync(varDir, { recursive: true });
  const sink = await SmtpSink.start();
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg();
  try {
    console.log(`bench: console run in ${tmp}`);
    buildConsole(o.root);
    const seed = makeSeed(50);
    const seedFile = join(tmp, 'registry.json');
    writeFileSync(seedFile, JSON.stringify(seed.file));
    const serviceOptions = {
      root: o.root,
      varDir,
      smtpUrl: sink.url,
      seedFile,
      logFile: join(tmp, 'service.log'),
      env: { CONSOLE_DIR: join(o.root, 'web', 'dist') },
    };
    await stopService(children, await startService(children, serviceOptions));
    const preload = preloadForms(dbFileOf(varDir), o.preload, () => undefined);
    console.log(`bench: preloaded ${preload.forms} forms in ${preload.seconds} s`);
    const service = await startService(children, serviceOptions);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const users: UserResult[] = [];
    let js: { files: number; bytes: number; gzipBytes: number } | null = null;
    try {
      const who = [
        { role: 'checker', username: seed.companies[0].checkers[0] },
        { role: 'HKEX operator', username: seed.operators[0] },
      ];
      for (const u of who) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await logIn(page, service.origin, u.username, seed.totpSecrets.get(u.username)!);
        await page.waitForSelector(ROW, { timeout: 60_000 });
        const runsMs: number[] = [];
        let rows = 0;
        for (let r = 0; r < o.runs; r++) {
          const scripts: Promise<Buffer>[] = [];
          const onResponse = (res: import('playwright-core').Response) => {
            if (res.request().resourceType() === 'script') scripts.push(res.body());
          };
          if (!js) page.on('response', onResponse);
          await page.goto(`${service.origin}/tasks`, { waitUntil: 'commit' });
          await page.waitForSelector(ROW, { timeout: 60_000 });
          // performance.now() counts from this document's navigation start.
          runsMs.push(await page.evaluate(() => performance.now()));
          rows = await page.locator(ROW).count();
          if (!js) {
            page.off('response', onResponse);
            const bodies = await Promise.all(scripts);
            js = {
              files: bodies.length,
              bytes: bodies.reduce((n, b) => n + b.length, 0),
              gzipBytes: bodies.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0),
            };
          }
        }
        if (!rows) throw new Error(`console bench: the tasks table of ${u.username} shows no rows`);
        users.push({
          ...u,
          runsMs: runsMs.map((x) => Math.round(x)),
          medianMs: Math.round(quantile(runsMs, 0.5)),
          p90Ms: Math.round(quantile(runsMs, 0.9)),
          rows,
        });
        await context.close();
      }
    } finally {
      await browser.close();
      await stopService(children, service);
    }
    const result = {
      mode: `console-${o.preload}`,
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? 'unknown',
        loadAvgAtStart: loadAtStart,
        loadAvgAtEnd: loadavg(),
      },
      preload: o.preload,
      runs: o.runs,
      measure: 'navigation start (performance.now() origin) to the tasks table showing a row’s form link',
      target: 'median ≤ 1000 ms (issue 12, point 7)',
      users,
      firstScreenJs: js,
    };
    mkdirSync(o.out, { recursive: true });
    const base = join(o.out, `${today()}-console-${o.preload}`);
    writeFileSync(`${base}.json`, JSON.stringify(result, null, 2) + '\n');
    const md = [
      `# Console tasks page, ${o.preload} forms (${result.startedAt})`,
      '',
      `Chromium (${CHROMIUM}), ${o.runs} loads of /tasks per user, logged in; ${result.measure}.`,
      `Load average at start ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}, at end ${result.machine.loadAvgAtEnd.map((x) => x.toFixed(2)).join(' ')} (${result.machine.cpus} CPUs, shared).`,
      '',
      '| user | rows shown | median ms | p90 ms | runs ms | ≤ 1 s |',
      '| --- | ---: | ---: | ---: | --- | --- |',
      ...users.map(
        (u) =>
          `| ${u.role} | ${u.rows} | ${u.medianMs} | ${u.p90Ms} | ${u.runsMs.join(' ')} | ${u.medianMs <= 1000 ? 'yes' : 'NO'} |`,
      ),
      '',
      js
        ? `First screen's JavaScript: ${js.files} files, ${(js.bytes / 1024).toFixed(1)} KiB, ${(js.gzipBytes / 1024).toFixed(1)} KiB gzipped (level 9).`
        : '',
      '',
    ].join('\n');
    writeFileSync(`${base}.md`, md);
    console.log(md);
  } finally {
    await sink.stop();
    if (!o.keep) rmSync(tmp, { recursive: true, force: true });
    children.killAllNow();
  }
}
