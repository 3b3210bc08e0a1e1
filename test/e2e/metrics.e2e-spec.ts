import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { eventually, killAll, spawnWorker } from '../support/processes';
import { da3, startTestApp, TestApp, USERS } from '../support/test-app';
import { completed } from '../support/workflow';

/**
 * GET /metrics as Prometheus scrapes it: the text format, beside the API on its port, with
 * the families an operator's dashboard reads, counting what the service did.
 */

/** The value of one sample, e.g. `sample(text, 'eservices_transitions_total', { action: 'submit', outcome: 'done' })`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const found = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (found) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

const scrape = async (t: TestApp, token?: string) => {
  const test = request(t.app.getHttpServer()).get('/metrics');
  return token ? test.set('Authorization', `Bearer ${token}`) : test;
};

describe('GET /metrics', () => {
  let t: TestApp;
  let text: string;
  let refusal: string;

  beforeAll(async () => {
    t = await startTestApp({ realTime: true });
    await completed(t, da3());
    const stranger = await t.as();
    await stranger.post('/auth/login', { username: USERS.maker, password: 'Wrong!Passw0rd-2026' }).expect(401);
    const maker = await t.as(USERS.maker);
    const draft = await maker.createForm(da3());
    refusal = ((await maker.act(draft.id, 'confirm').expect(409)).body as { code: string }).code;
    const res = await scrape(t);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    text = res.text;
  }, 60_000);
  afterAll(() => t.close());

  it('shows the Node version and the process metrics', () => {
    expect(text).toContain(`nodejs_version_info{version="${process.version}"`);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('times requests by route template and status', () => {
    expect(
      sample(text, 'http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/v1/eservices/:id/:action',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'http_request_duration_seconds_count', { route: '/api/v1/auth/login', status: '401' })).toBe(1);
  });

  it('counts transitions by action and outcome', () => {
    for (const action of ['submit', 'claim', 'confirm', 'complete'])
      expect(sample(text, 'eservices_transitions_total', { action, outcome: 'done' })).toBe(1);
    expect(sample(text, 'eservices_transitions_total', { action: 'confirm', outcome: refusal })).toBe(1);
  });

  it('counts e-mails, failed logins and group commits', () => {
    // Submission (2 checkers), sent to HKEX (maker), completion (maker and checker).
    expect(sample(text, 'eservices_emails_sent_total', { kind: 'notification' })).toBeGreaterThanOrEqual(4);
    expect(sample(text, 'eservices_emails_failed_total')).toBe(0);
    expect(sample(text, 'eservices_logins_failed_total', { step: 'password' })).toBe(1);
    expect(sample(text, 'eservices_accounts_locked_total')).toBe(0);
    if (t.databaseUrl.startsWith('sqlite'))
      expect(sample(text, 'eservices_group_commit_units_count')).toBeGreaterThan(0);
  });

  it('reads the outbox and the queues from the database and Redis', () => {
    expect(sample(text, 'eservices_outbox_unpublished_rows')).toEqual(expect.any(Number));
    expect(sample(text, 'eservices_outbox_oldest_unpublished_age_seconds')).toEqual(expect.any(Number));
    for (const queue of ['hkex-processing', 'notifications'])
      for (const state of ['waiting', 'active', 'delayed', 'failed'])
        expect(sample(text, 'eservices_queue_jobs', { queue, state })).toEqual(expect.any(Number));
  });

  it('has every metric that the Grafana dashboard in ops/grafana reads', () => {
    const dashboard = readFileSync(join(__dirname, '../../ops/grafana/eservices-dashboard.json'), 'utf8');
    const exprs = (JSON.parse(dashboard) as { panels: { targets: { expr: string }[] }[] }).panels.flatMap((p) =>
      p.targets.map((target) => target.expr),
    );
    const names = new Set(exprs.flatMap((e) => [...e.matchAll(/\b([a-z_]+)\{/g)].map((m) => m[1])));
    expect(names.size).toBeGreaterThan(10);
    for (const name of names) expect(text).toMatch(new RegExp(`^${name}[{ ]`, 'm'));
  });

  it('answers without a token when METRICS_TOKEN is unset', async () => {
    expect((await scrape(t)).status).toBe(200);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ data: null, env: { METRICS_TOKEN: 'scrape-token-0123456789' } });
  });
  afterAll(() => t.close());

  it('refuses a scrape without the token, or with another, as a problem document', async () => {
    for (const token of [undefined, 'scrape-token-0123456780', 'x']) {
      const res = await scrape(t, token);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers with the token', async () => {
    const res = await scrape(t, 'scrape-token-0123456789');
    expect(res.status).toBe(200);
    expect(res.text).toContain('nodejs_version_info');
  });
});

describe('a worker process', () => {
  let t: TestApp;
  afterAll(async () => {
    await killAll();
    await t.close();
  });

  it('serves its own /metrics on METRICS_PORT, behind METRICS_TOKEN when set', async () => {
    t = await startTestApp({ data: null, env: { WORKERS: 'off' } });
    const worker = spawnWorker(t, { METRICS_PORT: '0', METRICS_TOKEN: 'worker-token-0123456789' });
    await worker.ready();
    const port = () => /metrics on port (\d+)/.exec(worker.output())?.[1];
    await eventually(() => port() !== undefined, `the worker names its metrics port:\n${worker.output()}`);
    const url = `http://127.0.0.1:${port()}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(url, { headers: { authorization: 'Bearer worker-token-0123456789' } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(`nodejs_version_info{version="${process.version}"`);
    expect(sample(text, 'eservices_queue_workers', { queue: 'notifications' })).toBeGreaterThanOrEqual(1);
    expect((await fetch(`http://127.0.0.1:${port()}/other`)).status).toBe(404);
    await worker.kill('SIGTERM');
  }, 60_000);
});
