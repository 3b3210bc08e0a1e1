import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { totpNow } from '../../src/auth/one-time-passwords';
import { DEMO_DATA, DEMO_PASSWORD } from '../../src/registry/demo-data';
import { ServiceProcess } from '../support/processes';
import { parseMail } from '../support/smtp-sink';

/**
 * The browser tests' world: the real service (`node dist/src/main.js`, demo data, its own
 * SQLite file, embedded Redis and outbox) serving the built console, and Debian's Chromium
 * driven by playwright-core. No browser is downloaded: CI installs the chromium package.
 */

const ROOT = resolve(__dirname, '..', '..');
/** Where the specs write the screenshots the README shows. */
export const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
export const CHROMIUM = '/usr/bin/chromium';
/** Without the networking flags Chromium keeps calling home, refused on a closed network. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const REFRESH_ROUTE = '/api/v1/auth/refresh';

export interface ConsoleWorld {
  service: ServiceProcess;
  browser: Browser;
  origin: string;
  /** The service's folder: its SQLite file, and the outbox its e-mails are written to (no SMTP_URL). */
  dir: string;
  close(): Promise<void>;
}

/** `env`: settings of the service beyond the defaults (a spec that logs in often raises the login rate limit). */
export async function startConsoleWorld(env: Record<string, string> = {}): Promise<ConsoleWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'console-browser-'));
  const service = await ServiceProcess.start({
    dir,
    env: { CONSOLE_DIR: join(ROOT, 'web', 'dist'), ...env },
    timeoutMs: 180_000,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    service,
    browser,
    origin: service.origin,
    dir,
    async close() {
      await browser.close();
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A page of its own browser context (a person at their own browser), failing the test on any console error. */
export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page so far. */
  errors: string[];
}

export async function openConsole(world: ConsoleWorld): Promise<ConsolePage> {
  const context = await world.browser.newContext({ baseURL: world.origin, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // A page opened without a session asks the refresh cookie first; with none (or before the
    // cookie route exists) the browser logs that answer, which is the expected way to the login.
    if (m.location().url.endsWith(REFRESH_ROUTE) && m.text().startsWith('Failed to load resource')) return;
    errors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return { context, page, errors };
}

export interface ConsoleSuite {
  /** The world of the spec file, started by its first beforeAll. */
  readonly world: ConsoleWorld;
  /** A person at their own browser: their console errors fail the test that caused them; closed after the file. */
  open(): Promise<ConsolePage>;
  /** Everyone opened so far, in order (a test that expects a refusal takes its error off the last one's list). */
  readonly people: readonly ConsolePage[];
}

/**
 * The hooks every browser spec file needs, declared in the file's top level before its own:
 * one world for the file (`env` as for startConsoleWorld), the screenshots' folder, after
 * each test no console error on any page opened, and after the file every page and the
 * world closed.
 */
export function consoleSuite(env: Record<string, string> = {}): ConsoleSuite {
  let world: ConsoleWorld | undefined;
  const people: ConsolePage[] = [];
  const started = (): ConsoleWorld => {
    if (!world) throw new Error('the console world is started in beforeAll');
    return world;
  };
  beforeAll(async () => {
    world = await startConsoleWorld(env);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterEach(() => {
    const errors = people.flatMap((p) => p.errors.splice(0));
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    for (const p of people) await p.context.close();
    await world?.close();
  });
  return {
    get world() {
      return started();
    },
    async open() {
      const p = await openConsole(started());
      people.push(p);
      return p;
    },
    people,
  };
}

/** The TOTP secret of a demo user (README "Logging in"). */
function secretOf(username: string): string {
  const file = DEMO_DATA as {
    companies?: { users?: { username: string; totpSecret?: string }[] }[];
    operators?: { username: string; totpSecret?: string }[];
    administrators?: { username: string; totpSecret?: string }[];
  };
  const users = [
    ...(file.companies ?? []).flatMap((c) => c.users ?? []),
    ...(file.operators ?? []),
    ...(file.administrators ?? []),
  ];
  const secret = users.find((u) => u.username === username)?.totpSecret;
  if (!secret) throw new Error(`no demo authenticator secret for ${username}`);
  return secret;
}

const STEP_MS = 30_000;
const lastStep = new Map<string, number>();

/**
 * The code an authenticator app would show, for a time step this user has not used yet: the
 * service accepts one step of drift and never the same step twice, so a second login within
 * the same 30 s uses the next step's code, and a third waits for it.
 */
export async function nextOtp(username: string): Promise<string> {
  const now = Math.floor(Date.now() / STEP_MS);
  // The current step when unused (a slow machine may take seconds to send it: never the previous one).
  const step = Math.max(now, (lastStep.get(username) ?? -Infinity) + 1);
  if (step > now + 1) await new Promise((r) => setTimeout(r, (step - 1) * STEP_MS - Date.now() + 500));
  lastStep.set(username, step);
  return totpNow(secretOf(username), new Date(step * STEP_MS + 1000));
}

/** Logs in through the login page: User ID or e-mail, Password, LOG IN, then the One-time password. */
export async function logIn(page: Page, username: string, path = '/tasks'): Promise<void> {
  if (!page.url().includes('/login')) await page.goto(path);
  await page.getByLabel('User ID or e-mail').fill(username);
  await page.getByLabel(/^Password/).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'LOG IN' }).click();
  await page.getByLabel('One-time password').fill(await nextOtp(username));
  await page.getByRole('button', { name: 'SUBMIT OTP' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/**
 * The one-time password the service e-mailed for a challenge, read from the .eml file in
 * its outbox (`<time>-otp-<challengeId>.eml`, written by a worker soon after the request).
 */
export async function emailedOtp(world: ConsoleWorld, challengeId: string, timeoutMs = 60_000): Promise<string> {
  const outbox = join(world.dir, 'outbox');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const file = existsSync(outbox) && readdirSync(outbox).find((f) => f.endsWith(`-otp-${challengeId}.eml`));
    if (file) {
      // The e-mail is in the user's language: "Your one-time password is: 123456" or "你的一次性密碼是：123456".
      const { text } = parseMail(readFileSync(join(outbox, file), 'utf8'));
      const code = /(?:one-time password is: |一次性密碼是：)(\d{6})/i.exec(text)?.[1];
      if (!code) throw new Error(`no code in the e-mail ${file}`);
      return code;
    }
    if (Date.now() > deadline) throw new Error(`no e-mail for challenge ${challengeId} in ${outbox}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // The console's CSP refuses inline script, which addScriptTag would be: the script is run
  // through the DevTools protocol instead, which the page's CSP does not govern.
  if (!(await page.evaluate('"axe" in window'))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate('axe.run(document).then((r) => r.violations)')) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
}

/**
 * The HTTP API as another client than the console (making forms to look at, reading what a
 * screen did): a JSON request, throwing with the problem document on a refusal.
 */
export async function apiCall<T>(
  world: ConsoleWorld,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${world.origin}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** An access token of a demo user: the password, then the authenticator's code. */
export async function apiToken(world: ConsoleWorld, username: string): Promise<string> {
  const { challengeId } = await apiCall<{ challengeId: string }>(world, null, 'POST', '/auth/login', {
    username,
    password: DEMO_PASSWORD,
  });
  const { accessToken } = await apiCall<{ accessToken: string }>(world, null, 'POST', '/auth/otp', {
    challengeId,
    otp: await nextOtp(username),
  });
  return accessToken;
}

/** No serious or critical accessibility violation on the screen as it is now. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const found = await seriousViolations(page);
  expect({ screen, violations: found }).toEqual({ screen, violations: [] });
}
