import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { CONSOLE_NOT_BUILT } from '../../src/console/console-static';
import { CONSOLE_CSP, cspHeader } from '../../src/common/security-headers';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The web console is served by the service on its own port (SPEC §12): its hashed assets with
 * a long cache, index.html (no-cache, strict CSP) for every other path outside /api and
 * /metrics so deep links open it, and the API's own 404 for unknown API paths.
 */

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-3f2a9c1b.js"></script></head></html>';
const ASSET = 'console.log("the console");';

describe('the console, built', () => {
  let t: TestApp;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-3f2a9c1b.js'), ASSET);
    t = await startTestApp({ data: null, env: { CONSOLE_DIR: dist } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dist, { recursive: true, force: true });
  });
  const http = () => request(t.app.getHttpServer());

  it.each(['/', '/tasks', '/eservices/123', '/eservices/new/DA3', '/login?redirect=%2Ftasks'])(
    'answers %s with index.html, not cached, scripts only from itself',
    async (path) => {
      const res = await http().get(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.text).toBe(INDEX);
      expect(res.headers['cache-control']).toBe('no-cache');
      const policy = res.headers['content-security-policy'] as string;
      expect(policy).toBe(cspHeader(CONSOLE_CSP));
      expect(policy).toContain("script-src 'self';");
      expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
    },
  );

  it('serves a hashed asset with a long, immutable cache', async () => {
    const res = await http().get('/assets/index-3f2a9c1b.js');
    expect(res.status).toBe(200);
    expect(res.text).toBe(ASSET);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it.each(['/api/v1/nope', '/api/nope', '/metrics/nope', '/assets/no-such-file.js'])(
    'keeps the problem+json 404 for %s',
    async (path) => {
      const res = await http().get(path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    },
  );

  it('leaves the API and its documents where they were', async () => {
    expect((await http().get('/api/v1/me')).status).toBe(401);
    expect((await http().get('/api/docs-json')).status).toBe(200);
  });
});

describe('the console, not built', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ data: null, env: { CONSOLE_DIR: join(tmpdir(), 'no-console-here') } });
  });
  afterAll(() => t?.close());

  it('says so in plain text at /', async () => {
    const res = await request(t.app.getHttpServer()).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe(CONSOLE_NOT_BUILT);
  });

  it('still answers unknown API paths with the problem+json 404', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  });
});
