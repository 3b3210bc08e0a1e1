import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { EServiceForm } from '../../src/eservices/eservice-form.entity';
import { FormHistory } from '../../src/eservices/form-history.entity';
import { loadLoginUser } from '../support/login';
import { Api, da3, da4, logIn, startTestApp, TestApp, USERS } from '../support/test-app';
import { completionSettled, sentToHkex, Sessions, submitted, waitForForm } from '../support/workflow';

/**
 * Issue 11, point 8: requests generated from the committed OpenAPI document (its paths,
 * parameters and request bodies, `$ref`s resolved) for every operation and every kind of
 * caller, sent in process (Fastify's inject). Each value is either what the document
 * allows (enums, formats, patterns, bounds) or something it does not: null, another JSON
 * type, boundary and huge numbers, long and odd Unicode strings; objects gain unknown
 * fields and lose required ones; bodies go as broken JSON or under another media type;
 * path parameters are the ids of forms that exist, of another company's form, of none,
 * or garbage. Seeded: FUZZ_SEED=<n> replays a run.
 *
 * Asserted: no answer is a 5xx; every refusal is the document's Problem; and a refused
 * write (4xx) changes nothing: the target form's version and history length, and the
 * number of forms, are as they were. Printed at the end: requests sent, operations ×
 * callers covered, 5xx seen. FUZZ_RUNS=<n> sends another number of requests.
 */

type Schema = Record<string, unknown>;
interface Operation {
  id: string;
  method: string;
  path: string;
  pathParams: { name: string; schema: Schema }[];
  queryParams: { name: string; schema: Schema }[];
  body: Schema | null;
}

const CALLERS = ['anonymous', 'maker', 'checker', 'viewer', 'otherMaker', 'operator', 'admin'] as const;
type Caller = (typeof CALLERS)[number];
const CALLER_USERS: Record<Exclude<Caller, 'anonymous'>, string> = {
  maker: USERS.maker,
  checker: USERS.checker,
  viewer: USERS.noRight,
  otherMaker: USERS.otherMaker,
  operator: USERS.operator,
  admin: USERS.admin,
};
/** The forms a path's `{id}` may name; replaced by a fresh one of the same kind when a request changes it. */
const TARGETS = ['draft', 'ready', 'sent', 'foreign'] as const;
type Target = (typeof TARGETS)[number];

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// --- the document ------------------------------------------------------------------------

const DOC = JSON.parse(readFileSync(join(__dirname, '../../openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Schema>>;
  components: { schemas: Record<string, Schema> };
};

function resolve(schema: Schema): Schema {
  const ref = schema.$ref as string | undefined;
  if (!ref) return schema;
  const name = ref.replace('#/components/schemas/', '');
  const found = DOC.components.schemas[name];
  if (!found) throw new Error(`unresolved ${ref}`);
  return resolve(found);
}

const OPERATIONS: Operation[] = Object.entries(DOC.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
    .map(([method, op]) => {
      const params = ((op.parameters as Schema[] | undefined) ?? []).map((p) => ({
        name: p.name as string,
        in: p.in as string,
        schema: resolve((p.schema as Schema) ?? {}),
      }));
      const content = (op.requestBody as Schema | undefined)?.content as Record<string, Schema> | undefined;
      const bodySchema = content?.['application/json']?.schema as Schema | undefined;
      return {
        id: op.operationId as string,
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        body: bodySchema ? resolve(bodySchema) : null,
      };
    }),
);

// --- the values --------------------------------------------------------------------------

const oddStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff',
  '\uffff',
  '\u202e\u0627\u0644\u0639\u0631\u0628\u064a\u0629',
  '💥👩‍👩‍👧',
  'Ａ\u0301\u0308ＢＣ@ｂａｎｋ.com.hk',
  '陳大文',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '__proto__',
  'null',
  'NaN',
  '-0',
  '1e309',
  '2023-02-30',
  '9999-99-99',
  'B01234X1\n',
);
const longString = fc
  .tuple(fc.integer({ min: 101, max: 70_000 }), fc.constantFrom('A', 'é', '💥', '\u0000', ' '))
  .map(([n, c]) => c.repeat(n));
const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 3, arbitrary: oddStrings },
  { weight: 1, arbitrary: longString },
);
const oddNumbers = fc.constantFrom(
  0,
  -0,
  -1,
  1.5,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e21,
);
/** Anything of any JSON type. */
const anything: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: anyString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
  { weight: 2, arbitrary: oddNumbers },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) },
);

const typesOf = (schema: Schema): string[] => {
  const type = schema.type;
  if (Array.isArray(type)) return type as string[];
  if (typeof type === 'string') return [type];
  if (schema.properties) return ['object'];
  return [];
};

function safePattern(pattern: string): fc.Arbitrary<string> | null {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return null;
  }
}

/** A value the schema allows. */
function valid(schema0: Schema, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(schema0);
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((s) => valid(s, depth)));
  if (schema.allOf) return valid((schema.allOf as Schema[])[0], depth);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  const types = typesOf(schema);
  if (types.length === 0) return anything;
  return fc.oneof(...types.map((type) => validOfType(schema, type, depth)));
}

function validOfType(schema: Schema, type: string, depth: number): fc.Arbitrary<unknown> {
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const lo = min ?? -1_000_000;
      const hi = max ?? 1_000_000;
      const edges = [lo, hi, lo - 1, hi + 1];
      return fc.oneof(fc.integer({ min: lo, max: hi }), fc.constantFrom(...edges));
    }
    case 'string': {
      const format = schema.format as string | undefined;
      if (format === 'uuid') return fc.uuid();
      if (format === 'email') return fc.emailAddress();
      if (format === 'date')
        return fc
          .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10));
      if (format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      const pattern = typeof schema.pattern === 'string' ? safePattern(schema.pattern) : null;
      if (pattern) return pattern;
      // The document's examples, but not the callers' own names: the login fuzz would lock them.
      const example = schema.example === undefined ? undefined : String(schema.example);
      if (example !== undefined && !Object.values<string>(CALLER_USERS).includes(example.toLowerCase()))
        return fc.oneof(fc.constant(example), fc.string());
      const minLength = (schema.minLength as number | undefined) ?? 0;
      const maxLength = Math.min((schema.maxLength as number | undefined) ?? 40, 200);
      return fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
    }
    case 'array': {
      if (depth > 3) return fc.constant([]);
      const items = (schema.items as Schema | undefined) ?? {};
      return fc.array(value(items, depth + 1), { maxLength: Math.min((schema.maxItems as number) ?? 4, 4) });
    }
    case 'object': {
      if (depth > 3) return fc.constant({});
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, value(s, depth + 1)])),
        { requiredKeys: [] },
      );
      // Mostly with the required fields; sometimes without one.
      const keepRequired = fc.boolean();
      return fc
        .tuple(
          record,
          keepRequired,
          fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), anything, { maxKeys: 2 }), {
            freq: 3,
          }),
          ...[...required].map((k) => value(properties[k] ?? {}, depth + 1).map((v) => [k, v] as const)),
        )
        .map(([obj, keep, extra, ...req]) => ({
          ...(keep ? Object.fromEntries(req) : {}),
          ...(obj as object),
          ...(extra ?? {}),
        }));
    }
    default:
      return anything;
  }
}

/** Mostly a value the schema allows, sometimes anything at all. */
function value(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: valid(schema, depth) }, { weight: 1, arbitrary: anything });
}

// --- the requests ------------------------------------------------------------------------

/** A path parameter: a name resolved when the request is sent (the forms change), or a literal. */
type PathValue = { target: Target } | { missing: true } | { literal: string };
const garbageSegment = fc.oneof(
  fc.constantFrom(
    '0',
    '-1',
    '%00',
    '%ED%A0%80',
    '%F0%9F%92%A5',
    '..',
    '%2e%2e',
    'null',
    'undefined',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'x'.repeat(2_000),
    '%20',
  ),
  fc.string({ minLength: 1, maxLength: 40 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?'))),
);

function pathValue(name: string, schema: Schema): fc.Arbitrary<PathValue> {
  const literal = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<PathValue> =>
    arb.map((v) => ({ literal: encodeURIComponent(String(v).replace(/[\ud800-\udfff]/g, '?')) || 'x' }));
  const odd = garbageSegment.map((s) => ({ literal: s }));
  if (name === 'id' && schema.format === 'uuid')
    return fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...TARGETS).map((target) => ({ target })) },
      { weight: 1, arbitrary: fc.constant({ missing: true as const }) },
      { weight: 1, arbitrary: odd },
    );
  const known: Record<string, string[]> = {
    username: ['fuzz', USERS.otherChecker, 'nobody@nowhere.example.com'],
    clearingHouse: ['HKSCC', 'SEOCH', 'HKCC'],
    participantId: ['B01234', 'B05678', 'C00001'],
  };
  return fc.oneof(
    { weight: 4, arbitrary: literal(valid(schema, 0)) },
    ...(known[name] ? [{ weight: 4, arbitrary: literal(fc.constantFrom(...known[name])) }] : []),
    { weight: 1, arbitrary: odd },
  );
}

function queryValue(schema: Schema): fc.Arbitrary<string[]> {
  const one = value(schema).map((v) =>
    typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v).replace(/[\ud800-\udfff]/g, '\ufffd'),
  );
  return fc.oneof(
    { weight: 5, arbitrary: one.map((v) => [v]) },
    { weight: 1, arbitrary: fc.array(one, { minLength: 2, maxLength: 3 }) },
  );
}

interface Wire {
  payload: string | undefined;
  contentType: string | undefined;
  note: string;
}

const MEDIA_TYPES = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/jsonx',
);
const brokenJson = fc.oneof(
  fc
    .jsonValue({ maxDepth: 3 })
    .map((v) => JSON.stringify(v))
    .filter((s) => s.length > 1)
    .chain((s) => fc.nat({ max: s.length - 1 }).map((n) => s.slice(0, n))),
  fc.constantFrom('{', '{"a":1,}', "{'a':1}", 'NaN', '{"a":1}{"b":2}', '\ufeff{}', '{"accounts":1e999}', ''),
  fc.integer({ min: 10, max: 500 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
);

function wire(body: Schema | null): fc.Arbitrary<Wire> {
  const json = (body ? value(body) : anything).map((v) => JSON.stringify(v) ?? 'null');
  return fc.oneof(
    { weight: 12, arbitrary: json.map((payload) => ({ payload, contentType: 'application/json', note: 'json' })) },
    {
      weight: 1,
      arbitrary: brokenJson.map((payload) => ({ payload, contentType: 'application/json', note: 'broken json' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(json, MEDIA_TYPES)
        .map(([payload, contentType]) => ({ payload, contentType, note: 'media type' })),
    },
    { weight: 1, arbitrary: fc.constant({ payload: undefined, contentType: undefined, note: 'no body' }) },
  );
}

interface Case {
  op: Operation;
  caller: Caller;
  path: Record<string, PathValue>;
  query: Record<string, string[]>;
  wire: Wire;
  headers: Record<string, string>;
}

const header = fc.option(
  fc.record(
    {
      'if-match': fc.oneof(fc.constantFrom('"1"', '"0"', '*', '"99999999999999999999"', 'W/"1"'), anyString),
      'idempotency-key': fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 250 })),
    },
    { requiredKeys: [] },
  ),
  { freq: 3 },
);

const caseFor = (op: Operation): fc.Arbitrary<Case> =>
  fc.record({
    op: fc.constant(op),
    caller: fc.constantFrom(...CALLERS),
    path: fc.record(
      Object.fromEntries(op.pathParams.map((p) => [p.name, pathValue(p.name, p.schema)])),
    ) as fc.Arbitrary<Record<string, PathValue>>,
    query: fc.record(Object.fromEntries(op.queryParams.map((p) => [p.name, queryValue(p.schema)])), {
      requiredKeys: [],
    }) as fc.Arbitrary<Record<string, string[]>>,
    wire: WRITES.has(op.method) ? wire(op.body) : fc.constant({ payload: undefined, contentType: undefined, note: '' }),
    headers: header.map((h) =>
      Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, String(v).replace(/[^\x20-\x7e]/g, '?')])),
    ),
  });

/**
 * Every operation alike, but for those that end the caller's sessions when accepted
 * (logout revokes every token of the user): each costs a new login (a password hash), so
 * they come less often, still a few dozen times per caller in a run.
 */
const ENDS_SESSIONS = new Set(['logout']);
const anyCase = fc.oneof(
  ...OPERATIONS.map((op) => ({ weight: ENDS_SESSIONS.has(op.id) ? 1 : 6, arbitrary: caseFor(op) })),
);

/** A refusal is the document's Problem: application/problem+json with its status, a code and words. */
function isProblem(status: number, contentType: string, text: string): boolean {
  if (!contentType.startsWith('application/problem+json')) return false;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    return body.status === status && typeof body.code === 'string' && typeof body.detail === 'string';
  } catch {
    return false;
  }
}

// --- the run -----------------------------------------------------------------------------

describe('fuzzing generated from openapi.json (issue 11, point 8)', () => {
  let t: TestApp;
  let fuzzUser: string;
  const tokens = new Map<Caller, string>();
  const targets = new Map<Target, string>();
  const covered = new Set<string>();
  const byStatus = new Map<number, number>();
  const serverErrors: string[] = [];
  const changedByRefusal: string[] = [];
  const notProblems: string[] = [];
  let sent = 0;
  let logins = 0;

  async function freshTarget(kind: Target): Promise<string> {
    const maker = await api('maker');
    switch (kind) {
      case 'draft':
        return (await maker.createForm(da3())).id;
      case 'ready':
        return (await submitted(sessions, da4())).id;
      case 'sent':
        return (await sentToHkex(sessions, da4({ accounts: 1 }))).id;
      case 'foreign':
        return (await (await api('otherMaker')).createForm(da3({ participantId: 'B05678', lines: [] }))).id;
    }
  }

  /** A client of the caller, on the fuzz's own tokens (a fuzzed logout may revoke one). */
  const api = async (caller: Exclude<Caller, 'anonymous'>): Promise<Api> => new Api(t.app, await token(caller));

  /** The demo crew (AAA, D Wong, HKEX Operator 1) on the fuzz's own tokens. */
  const sessions: Sessions = {
    as: (username) => {
      const caller = (Object.keys(CALLER_USERS) as Exclude<Caller, 'anonymous'>[]).find(
        (c) => CALLER_USERS[c] === username,
      );
      if (!caller) throw new Error(`${username} is not a caller of the fuzz`);
      return api(caller);
    },
  };

  async function token(caller: Caller): Promise<string | undefined> {
    if (caller === 'anonymous') return undefined;
    let found = tokens.get(caller);
    if (!found) {
      // A new TOTP step: a code is good once.
      t.clock.advance(30_000);
      found = await logIn(t.app, t.clock, CALLER_USERS[caller]);
      logins++;
      tokens.set(caller, found);
    }
    return found;
  }

  /** What a refused write must leave as it was. */
  async function snapshot(formId: string | undefined) {
    const ds = t.app.get(DataSource);
    const forms = await ds.getRepository(EServiceForm).count();
    if (!formId) return { forms };
    const form = await ds
      .getRepository(EServiceForm)
      .findOne({ where: { id: formId }, select: { id: true, version: true } });
    const history = await ds.getRepository(FormHistory).count({ where: { formId } });
    return { forms, version: form?.version ?? null, history };
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000000' } });
    fuzzUser = (await loadLoginUser(t, { label: 'contract-fuzz' })).username;
    for (const kind of TARGETS) targets.set(kind, await freshTarget(kind));
    for (const caller of CALLERS) await token(caller);
    console.log(`contract fuzz: FUZZ_SEED=${SEED} (${RUNS} requests, ${OPERATIONS.length} operations)`);
  });

  afterAll(async () => {
    const statuses = [...byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    console.log(
      `contract fuzz: FUZZ_SEED=${SEED}; requests sent: ${sent}; routes × callers covered: ${covered.size} of ` +
        `${OPERATIONS.length * CALLERS.length} (${OPERATIONS.length} operations × ${CALLERS.length} callers); ` +
        `5xx seen: ${serverErrors.length}; refused writes that changed something: ${changedByRefusal.length}; ` +
        `refusals that are not a Problem: ${notProblems.length}\n` +
        `answers: ${statuses.join(' ')}; logins: ${logins}` +
        [...serverErrors, ...changedByRefusal, ...notProblems]
          .slice(0, 20)
          .map((x) => `\n  ${x}`)
          .join(''),
    );
    await t?.close();
  });

  it(`sends ${RUNS} generated requests: no 5xx, and a refused write changes nothing`, async () => {
    const cases = fc.sample(anyCase, { seed: SEED, numRuns: RUNS });
    for (const [index, c] of cases.entries()) {
      let targetKind: Target | undefined;
      const path = c.op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const v = c.path[name];
        if ('target' in v) {
          targetKind = v.target;
          return targets.get(v.target)!;
        }
        if ('missing' in v) return '5f0c4d8e-1b2a-4c3d-9e8f-7a6b5c4d3e2f';
        return v.literal === 'fuzz' ? encodeURIComponent(fuzzUser) : v.literal;
      });
      const query = Object.entries(c.query)
        .flatMap(([k, vs]) => vs.map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
        .join('&');
      const url = query ? `${path}?${query}` : path;
      const bearer = await token(c.caller);
      const headers: Record<string, string> = { ...c.headers };
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      if (c.wire.contentType) headers['content-type'] = c.wire.contentType;
      const targetId = targetKind ? targets.get(targetKind) : undefined;
      const isWrite = WRITES.has(c.op.method);
      const before = isWrite ? await snapshot(targetId) : undefined;

      const res = await t.app.inject({
        method: c.op.method as 'GET',
        url,
        headers,
        ...(c.wire.payload !== undefined ? { payload: c.wire.payload } : {}),
      });
      sent++;
      covered.add(`${c.op.id} ${c.caller}`);
      byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1);
      const shown = (c.wire.payload ?? '').length > 200 ? `${c.wire.payload!.slice(0, 200)}…` : (c.wire.payload ?? '');
      const what = `#${index} ${c.caller} ${c.op.method} ${url.slice(0, 200)} [${c.wire.note}] ${shown}`;
      if (res.statusCode >= 500) serverErrors.push(`5xx: ${what} → ${res.statusCode} ${res.body.slice(0, 300)}`);
      if (res.statusCode >= 400 && !isProblem(res.statusCode, String(res.headers['content-type'] ?? ''), res.body))
        notProblems.push(`not a problem: ${what} → ${res.statusCode} ${res.body.slice(0, 200)}`);

      if (isWrite && res.statusCode >= 400 && res.statusCode < 500) {
        const after = await snapshot(targetId);
        if (JSON.stringify(after) !== JSON.stringify(before))
          changedByRefusal.push(
            `changed: ${what} → ${res.statusCode}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`,
          );
      } else if (isWrite && res.statusCode < 300) {
        // An accepted write: the next requests start from fresh forms and a token that works.
        if (targetKind) {
          if (targetKind === 'sent')
            await waitForForm(await api('operator'), targets.get('sent')!, completionSettled).catch(() => undefined);
          targets.set(targetKind, await freshTarget(targetKind));
        }
        if (bearer && /\/(auth|me|admin)\b/.test(c.op.path)) {
          const me = await t.app.inject({
            method: 'GET',
            url: '/api/v1/me',
            headers: { authorization: `Bearer ${bearer}` },
          });
          if (me.statusCode !== 200) tokens.delete(c.caller);
        }
      }
    }
    expect(serverErrors).toEqual([]);
    expect(changedByRefusal).toEqual([]);
    expect(notProblems).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(RUNS);
    expect(covered.size).toBe(OPERATIONS.length * CALLERS.length);
  }, 290_000);
});
