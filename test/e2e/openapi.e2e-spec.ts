import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { API_PREFIX } from '../../src/app';
import { nestRoutes, servedRoutes } from '../support/routes';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The document the running service serves is the committed openapi.json (which
 * test/unit/openapi.spec.ts holds to the code), and it names exactly the routes the app
 * serves, public where @Public() says so.
 */

type Operation = { security?: Record<string, string[]>[] };
const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  security: Record<string, string[]>[];
};
/** `/api/v1/eservices/:id` as the document writes it: `/api/v1/eservices/{id}`. */
const documented = (path: string): string => path.replace(/:([A-Za-z]+)/g, '{$1}');

describe('The OpenAPI document of the running service', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ data: null });
  });
  afterAll(async () => {
    await t.close();
  });

  it('/api/docs-json serves openapi.json', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/docs-json').expect(200);
    expect(res.body).toEqual(committed);
  });

  it('documents every route of the controllers, and no other; public ones need no token', () => {
    const routes = nestRoutes(t.app, servedRoutes(t.app), API_PREFIX);
    const fromApp = routes.map((r) => `${r.method} ${documented(r.path)}`).sort();
    const fromDocument = Object.entries(committed.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(fromDocument).toEqual(fromApp);
    // The document requires the bearer token everywhere; a public operation says what it needs instead.
    expect(committed.security).toEqual([{ bearer: [] }]);
    const security = routes.map((r) => ({
      route: r.key,
      isPublic: r.isPublic,
      // Public: one of its ways in needs no bearer token (nothing, or credentials of its own).
      documentedPublic:
        committed.paths[documented(r.path)][r.method.toLowerCase()].security?.some((s) => !('bearer' in s)) ?? false,
    }));
    expect(security.filter((s) => s.isPublic !== s.documentedPublic)).toEqual([]);
  });
});
