import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { configureApp, fastifyOptions } from '../../src/app';
import { createRootLogger } from '../../src/common/logging';

/** The request lines of in-process test apps are not printed (the log tests run a real service). */
const quietLog = createRootLogger('warn', 'json');
import { AppUser } from '../../src/auth/app-user.entity';
import { emailOtpFor, totpNow } from '../../src/auth/one-time-passwords';
import { AppModule } from '../../src/app.module';
import { Clock, FixedClock } from '../../src/common/clock';
import { DataFile, LoadReport } from '../../src/registry/data-loader';
import { DataImportService } from '../../src/registry/data-import.service';
import { DEMO_DATA, DEMO_PASSWORD } from '../../src/registry/demo-data';

export { DEMO_PASSWORD };

/** The server secret of every test app (and of the worker processes beside it): signs tokens; e-mailed OTPs derive from it. */
export const TEST_JWT_SECRET = 'test-secret-not-for-production-0123456789';

/** 07-Feb-2023 10:43 HKT, the time of the DA guideline's walkthrough. */
export const WALKTHROUGH_TIME = new Date('2023-02-07T02:43:00Z');

export interface TestApp {
  app: NestFastifyApplication;
  clock: FixedClock;
  dir: string;
  /** The DATABASE_URL of the app's database (a SQLite file in `dir` unless TEST_DATABASE_URL says otherwise). */
  databaseUrl: string;
  /** Loads a data file (SPEC §10) into the app's database. */
  load(file: DataFile): Promise<LoadReport>;
  /** An HTTP client logged in as `username` (demo password), or anonymous. */
  as(username?: string): Promise<Api>;
  /** Shuts the app down; `keepFiles` leaves its folder and database for a next app (`reuse`). */
  close(options?: { keepFiles?: boolean }): Promise<void>;
}

export interface TestAppOptions {
  /** The data file to load; the demo data unless told (none when `reuse` is given); null loads nothing. */
  data?: DataFile | null;
  bodyLimit?: number;
  /**
   * More environment for this app only (SMTP_URL, WORKERS, JOB_LOCK_MS, OUTBOX_RELAY_MS …),
   * read when the app boots and restored after.
   */
  env?: Record<string, string | undefined>;
  /** The clock follows the wall clock (still movable with `advance`): for tests where other processes share the data. */
  realTime?: boolean;
  /** Starts on the folder and database of an earlier app closed with `keepFiles`: a restart after a crash. */
  reuse?: { dir: string; databaseUrl: string };
}

/** A clock that runs with the wall clock, shifted by what the test `advance`s. */
class WallClock extends FixedClock {
  private offset = 0;
  constructor() {
    super(new Date());
  }
  override now(): Date {
    return new Date(Date.now() + this.offset);
  }
  override advance(ms: number): void {
    this.offset += ms;
  }
}

/**
 * The real service on a real SQLite file in a fresh temporary folder, with the demo data
 * loaded unless `data` says otherwise, and a clock the test moves.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = options.reuse?.dir ?? mkdtempSync(join(tmpdir(), 'eservices-test-'));
  const database = options.reuse
    ? { url: options.reuse.databaseUrl, drop: async () => undefined }
    : await freshDatabase(dir);
  process.env.DATABASE_URL = database.url;
  process.env.VAR_DIR = dir;
  process.env.JWT_SECRET = TEST_JWT_SECRET;
  // Tests log in many users from one address: the login rate limit has its own test.
  process.env.AUTH_RATE_LIMIT_PER_MINUTE ??= '1000000';
  const clock = options.realTime ? new WallClock() : new FixedClock(WALKTHROUGH_TIME);
  const saved = Object.fromEntries(Object.keys(options.env ?? {}).map((k) => [k, process.env[k]]));
  const setEnv = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  setEnv(options.env ?? {});
  let app: NestFastifyApplication;
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter(fastifyOptions(options.bodyLimit ?? 64 * 1024)),
      { logger: ['error', 'warn'] },
    );
    await configureApp(app, quietLog);
  } finally {
    setEnv(saved);
  }
  await app.getHttpAdapter().getInstance().ready();
  const importer = app.get(DataImportService);
  const load = (file: DataFile) => importer.load(file);
  const data = options.data === undefined ? (options.reuse ? null : DEMO_DATA) : options.data;
  if (data !== null) await load(data);
  const tokens = new Map<string, string>();
  return {
    app,
    clock,
    dir,
    databaseUrl: database.url,
    load,
    async as(username?: string) {
      if (!username) return new Api(app);
      let token = tokens.get(username);
      if (!token) {
        token = await logIn(app, clock, username);
        tokens.set(username, token);
      }
      return new Api(app, token);
    },
    async close(closeOptions: { keepFiles?: boolean } = {}) {
      await app.close();
      if (closeOptions.keepFiles) return;
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The whole login of SPEC §7: password, then the OTP from the user's authenticator app or e-mail. */
export async function logIn(app: NestFastifyApplication, clock: FixedClock, username: string): Promise<string> {
  const server = app.getHttpServer();
  const first = await request(server).post('/api/v1/auth/login').send({ username, password: DEMO_PASSWORD });
  if (first.status !== 200)
    throw new Error(`login of ${username} failed: ${first.status} ${JSON.stringify(first.body)}`);
  if (first.body.accessToken) return first.body.accessToken as string;
  const { challengeId, channel } = first.body as { challengeId: string; channel: 'totp' | 'email' };
  const otp = channel === 'totp' ? await currentTotp(app, clock, username) : emailOtpFor(TEST_JWT_SECRET, challengeId);
  const second = await request(server).post('/api/v1/auth/otp').send({ challengeId, otp });
  if (second.status !== 200)
    throw new Error(`OTP of ${username} failed: ${second.status} ${JSON.stringify(second.body)}`);
  return second.body.accessToken as string;
}

/** What the user's authenticator app shows at the test clock's time. */
export async function currentTotp(app: NestFastifyApplication, clock: FixedClock, username: string): Promise<string> {
  const user = await app.get(DataSource).manager.findOneByOrFail(AppUser, { username });
  return totpNow(user.totpSecret!, clock.now());
}

/**
 * A database of the test's own: a SQLite file in its folder, or, when TEST_DATABASE_URL
 * names a PostgreSQL server, a new database there (test files run in parallel workers).
 */
export async function freshDatabase(dir: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server?.startsWith('postgres')) {
    return { url: `sqlite://${join(dir, 'eservices.sqlite')}`, drop: async () => undefined };
  }
  const name = `eservices_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A thin HTTP client over the real server: every call goes through Fastify, guards, pipes and filters. */
export class Api {
  constructor(
    private readonly app: NestFastifyApplication,
    readonly token?: string,
  ) {}

  private auth(test: request.Test): request.Test {
    return this.token ? test.set('Authorization', `Bearer ${this.token}`) : test;
  }

  get(path: string): request.Test {
    return this.auth(request(this.app.getHttpServer()).get(`/api/v1${path}`));
  }

  post(path: string, body?: object | string): request.Test {
    const test = this.auth(request(this.app.getHttpServer()).post(`/api/v1${path}`));
    return body === undefined ? test : test.send(body);
  }

  put(path: string, body: object | string): request.Test {
    return this.auth(request(this.app.getHttpServer()).put(`/api/v1${path}`)).send(body);
  }

  patch(path: string, body: object | string): request.Test {
    return this.auth(request(this.app.getHttpServer()).patch(`/api/v1${path}`)).send(body);
  }

  /** Creates a draft and returns its JSON (throws unless 201). */
  async createForm(body: object): Promise<FormJson> {
    const res = await this.post('/eservices', body);
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as FormJson;
  }

  /** Takes an action and returns the response (any status). */
  act(id: string, action: string, body: object = {}): request.Test {
    return this.post(`/eservices/${id}/${action}`, body);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FormJson = Record<string, any> & { id: string; status: string; version: number };

/** Demo users (src/registry/demo-data.ts). */
export const USERS = {
  maker: 'aaa@bank.com.hk',
  checker: 'dwong@bank.com.hk',
  checker2: 'elee@bank.com.hk',
  noRight: 'viewer@bank.com.hk',
  otherMaker: 'maker@xyz.com.hk',
  otherChecker: 'checker@xyz.com.hk',
  operator: 'ops1@hkex.com.hk',
  admin: 'admin@hkex.com.hk',
} as const;

/** A complete DA3 body for the demo's HKSCC participantship B01234, with overrides. */
export const da3 = (overrides: object = {}): object => ({
  formType: 'DA3',
  clearingHouse: 'HKSCC',
  participantId: 'B01234',
  requestType: 'CHANGE',
  lines: [{ userId: 'B01234X1', email: 'ABC@bank.com.hk' }],
  declarationAccepted: true,
  ...overrides,
});

export const da4 = (overrides: object = {}): object => ({
  formType: 'DA4',
  clearingHouse: 'HKSCC',
  participantId: 'B01234',
  accounts: 2,
  declarationAccepted: true,
  ...overrides,
});

/** Awaits a response and fails with its body when the status is not the expected one. */
export async function expectStatus(
  test: request.Test | Promise<request.Response>,
  status: number,
): Promise<request.Response> {
  const res = await test;
  if (res.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res;
}
