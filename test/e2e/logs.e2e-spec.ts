import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { totpNow } from '../../src/auth/one-time-passwords';
import { DEMO_PASSWORD } from '../../src/registry/demo-data';
import { ServiceProcess, sleep } from '../support/processes';
import { da3 } from '../support/test-app';

/**
 * The service's log as an operator's log system reads it: a real service process (demo data,
 * embedded Redis, e-mails to its outbox folder) logging at the most detailed level, driven
 * through logins, a password change, a form's submission with its e-mails, and refusals.
 * Every line is JSON; every request has its line; and no secret is anywhere in the log.
 */

const NEW_PASSWORD = 'Logged#Nowhere-2027x';
const AAA = { username: 'aaa@bank.com.hk', secret: '7LHJWIRGGCVYHPOOLHPT7HZ46PVSRY7U' };
const ELEE = { username: 'elee@bank.com.hk', secret: 'FYS6VWW7GTMKLFMVLOCDJUUR4X6IC5CG' };

let dir: string;
let service: ServiceProcess;
const codes: string[] = [];
const tokens: string[] = [];

async function call(path: string, init: { method?: string; token?: string; body?: unknown; requestId?: string } = {}) {
  const response = await fetch(`${service.origin}/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.requestId ? { 'x-request-id': init.requestId } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes, read field by field
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as any) : null };
}

/** Both login steps; the code is taken from a time step no earlier login of the user used. */
async function login(user: { username: string; secret: string }, password: string): Promise<string> {
  const first = await call('/auth/login', { body: { username: user.username, password } });
  expect(first.status).toBe(200);
  let code = await totpNow(user.secret, new Date());
  while (codes.includes(code)) {
    await sleep(1000);
    code = await totpNow(user.secret, new Date());
  }
  codes.push(code);
  const second = await call('/auth/otp', { body: { challengeId: first.body.challengeId, otp: code } });
  expect(second.status).toBe(200);
  tokens.push(second.body.accessToken);
  return second.body.accessToken as string;
}

const logLines = (): Record<string, unknown>[] =>
  readFileSync(service.logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eservices-logs-'));
  service = await ServiceProcess.start({ dir, env: { LOG_LEVEL: 'trace' } });

  // A wrong password, a wrong code, then the right ones.
  expect(
    (await call('/auth/login', { body: { username: AAA.username, password: 'Wrong!Passw0rd-2026' } })).status,
  ).toBe(401);
  const challenge = await call('/auth/login', { body: { username: ELEE.username, password: DEMO_PASSWORD } });
  expect((await call('/auth/otp', { body: { challengeId: challenge.body.challengeId, otp: '000000' } })).status).toBe(
    401,
  );
  const maker = await login(AAA, DEMO_PASSWORD);

  // A draft submitted: its e-mails (bodies included) go to the outbox folder, not the log.
  const draft = await call('/eservices', {
    token: maker,
    requestId: 'trace-me.42',
    body: da3(),
  });
  expect(draft.status).toBe(201);
  expect(
    (await call(`/eservices/${draft.body.id}/submit`, { token: maker, body: { message: 'New e-mail' } })).status,
  ).toBe(200);

  // A password change, and a login with the new password.
  const checker = await login(ELEE, DEMO_PASSWORD);
  const change = await call('/auth/password', {
    token: checker,
    body: { currentPassword: DEMO_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
  });
  expect(change.status).toBeLessThan(300);
  await login(ELEE, NEW_PASSWORD);

  // Wait until the submission's e-mails are written, so their work is in the log too.
  const outbox = join(dir, 'outbox');
  for (
    let i = 0;
    i < 200 && readdirSync(outbox, { withFileTypes: true }).filter((f) => f.name.endsWith('.eml')).length < 2;
    i++
  )
    await sleep(100);
  await service.stop();
}, 120_000);

afterAll(async () => {
  await service?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the service log', () => {
  it('is JSON lines with a level, a time and a message', () => {
    const lines = logLines();
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      expect(typeof line.level).toBe('string');
      expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(typeof line.msg).toBe('string');
    }
  });

  it('names the Node it runs on at start', () => {
    const listening = logLines().find((l) => String(l.msg).startsWith('Listening on'));
    expect(listening?.msg).toContain(`on Node ${process.versions.node}`);
  });

  it('has one line per request with method, route template, status, duration, user and request id', () => {
    const requests = logLines().filter((l) => l.msg === 'request');
    // The route template, not the path: one label per route however many forms there are.
    const submit = requests.filter((l) => l.route === '/api/v1/eservices/:id/:action' && l.method === 'POST');
    expect(submit).toHaveLength(1);
    expect(submit[0]).toMatchObject({ method: 'POST', status: 200, userId: expect.any(String) });
    expect(submit[0].durationMs).toEqual(expect.any(Number));
    expect(submit[0].requestId).toMatch(/^[0-9a-f-]{36}$/);
    const refused = requests.filter((l) => l.route === '/api/v1/auth/login' && l.status === 401);
    expect(refused).toHaveLength(1);
    expect(refused[0].userId).toBeUndefined();
  });

  it('takes a well-formed x-request-id from the caller and puts it on the request line', () => {
    const created = logLines().filter((l) => l.requestId === 'trace-me.42');
    expect(created.map((l) => l.route)).toContain('/api/v1/eservices');
  });

  it('holds no password, one-time code, token, TOTP secret or e-mail body', () => {
    // Process ids are numbers too: leave them out before looking for six-digit codes.
    const log = readFileSync(service.logFile, 'utf8').replace(/"pid":\d+/g, '');
    expect(codes.length).toBeGreaterThanOrEqual(3);
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    for (const secret of [DEMO_PASSWORD, NEW_PASSWORD, 'Wrong!Passw0rd-2026', AAA.secret, ELEE.secret, ...tokens])
      expect(log).not.toContain(secret);
    for (const code of [...codes, '000000']) expect(log).not.toMatch(new RegExp(`\\b${code}\\b`));
    const eml = readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.eml'));
    expect(eml.length).toBeGreaterThanOrEqual(2);
    expect(readFileSync(join(dir, 'outbox', eml[0]), 'utf8')).toContain('Dear D Wong,');
    expect(log).not.toContain('Dear ');
    expect(log).not.toContain('has been submitted by');
  });
});

describe('request ids on answers', () => {
  let again: ServiceProcess;
  beforeAll(async () => {
    again = await ServiceProcess.start({ dir, env: {} });
  }, 60_000);
  afterAll(() => again.stop());

  it('echoes a well-formed id and replaces a malformed one', async () => {
    const given = await fetch(`${again.origin}/api/health`, { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const odd = await fetch(`${again.origin}/api/v1/tasks`, { headers: { 'x-request-id': 'has space"quote' } });
    expect(odd.status).toBe(401);
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
