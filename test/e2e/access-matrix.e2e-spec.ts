import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { URL_ACTIONS } from '../../src/eservices/workflow/form-workflow';
import { Delivery } from '../../src/notifications/delivery.entity';
import { API_PREFIX } from '../../src/app';
import {
  emailCode,
  failLogins,
  loadLoginUser,
  logInWith,
  LoginUser,
  NEW_PASSWORD,
  nextTotpStep,
  OTHER_PASSWORD,
  passwordStep,
  totpAt,
} from '../support/login';
import { fillPath, nestRoutes, RouteKey, servedRoutes } from '../support/routes';
import { Api, currentTotp, da3, DEMO_PASSWORD, expectStatus, startTestApp, TestApp, USERS } from '../support/test-app';
import * as workflow from '../support/workflow';

/**
 * SPEC §1 and §9 as one access-control matrix: every route the running app serves (read
 * from Fastify's router and Nest's controllers, never typed by hand) called as every kind
 * of caller, each answer checked against the one policy table below. A route that the
 * table does not name, or a table row for a route that is not served, fails the test.
 *
 * Callers: anonymous; the maker AAA and the checker D Wong of ABC Company; F Viewer of ABC
 * Company without EU_UserMaintenance; the maker of XYZ Securities (another company); an
 * HKEX operator; an HKEX administrator. Path parameters are real: forms of ABC Company in
 * the state each row names, a delivery, a locked login name, the queues of the dashboard.
 */

const CALLERS = ['anonymous', 'maker', 'checker', 'viewer', 'otherMaker', 'operator', 'admin'] as const;
type CallerName = (typeof CALLERS)[number];
type Person = Exclude<CallerName, 'anonymous'>;

const LOGIN: Record<Person, string> = {
  maker: USERS.maker,
  checker: USERS.checker,
  viewer: USERS.noRight,
  otherMaker: USERS.otherMaker,
  operator: USERS.operator,
  admin: USERS.admin,
};

/** An exact status, or `admitted`: past the queue dashboard's login (not 401/403, never 5xx). */
type Expected = number | 'admitted';
type Row = readonly [
  anonymous: Expected,
  maker: Expected,
  checker: Expected,
  viewer: Expected,
  otherMaker: Expected,
  operator: Expected,
  admin: Expected,
];

interface Call {
  params?: Record<string, string>;
  body?: object;
}

interface Case {
  /** What the call is made on (the variant of the route). */
  given: string;
  /** The parameters and body, for each caller (`want`: the status the policy expects for them). */
  call?: (caller: CallerName, want: Expected) => Promise<Call> | Call;
  expect: Row;
  /** The queue dashboard: the caller's username and password by HTTP Basic instead of a bearer token. */
  basic?: boolean;
  /** Puts things back after a caller's call (a revoked token, a changed password). */
  after?: (caller: CallerName, status: number) => Promise<void>;
}

describe('Access-control matrix: every served route × every kind of caller (SPEC §1, §9)', () => {
  let t: TestApp;
  const tokens = new Map<Person, string>();
  let loginUser: LoginUser;
  let emailUser: LoginUser;
  let resetUser: LoginUser;
  let resetUserPassword = DEMO_PASSWORD;
  let otpResetTarget: LoginUser;
  const LOCKED_NAME = 'locked.matrix@nowhere.example.com';
  const shared: { draft?: string; sent?: string; completed?: string } = {};
  let cells = 0;
  let served: RouteKey[] = [];

  /** Each person's password now (the password row changes them). */
  const passwords = new Map<Person, string>();
  const passwordOf = (p: Person): string => passwords.get(p) ?? DEMO_PASSWORD;
  const nextPassword = (current: string): string => (current === NEW_PASSWORD ? OTHER_PASSWORD : NEW_PASSWORD);
  const api = (caller: CallerName): Api => new Api(t.app, caller === 'anonymous' ? undefined : tokens.get(caller));
  const logIn = async (p: Person): Promise<void> => {
    tokens.set(p, (await logInWith(t, LOGIN[p], passwordOf(p))).token);
  };

  // --- forms of ABC Company in each state (made by AAA, checked by D Wong) -------------
  /** A DA3 Change of B01234X1 to the e-mail it has: completing it leaves the registry as it is. */
  const noOpChange = (): object => da3({ lines: [{ userId: 'B01234X1', email: 'taiman.chan@bank.com.hk' }] });
  const draft = async (): Promise<string> => (await api('maker').createForm(noOpChange())).id;
  /** The demo crew (AAA, D Wong, HKEX Operator 1) on this test's own tokens. */
  const sessions: workflow.Sessions = {
    as: async (username) => {
      const person = (Object.keys(LOGIN) as Person[]).find((p) => LOGIN[p] === username);
      if (!person) throw new Error(`${username} is not a caller of the matrix`);
      return api(person);
    },
  };
  const readyToSend = async (): Promise<string> => (await workflow.submitted(sessions, noOpChange())).id;
  const claimedByChecker = async (): Promise<string> => {
    const id = await readyToSend();
    await expectStatus(api('checker').act(id, 'claim'), 200);
    return id;
  };
  const sentToHkex = async (): Promise<string> => (await workflow.sentToHkex(sessions, noOpChange())).id;
  const claimedByOperator = async (): Promise<string> => {
    const id = await sentToHkex();
    await expectStatus(api('operator').act(id, 'claim'), 200);
    return id;
  };
  const completedForm = async (): Promise<string> => (await workflow.completed(sessions, noOpChange())).id;
  /**
   * A form made by `make` for each caller the policy lets act on it, so every success starts
   * from the same state; the callers it refuses share one (a refusal changes nothing, and
   * one that wrongly succeeds is reported as such).
   */
  const formFor = (make: () => Promise<string>) => {
    let forRefusals: Promise<string> | undefined;
    return (want: Expected): Promise<string> =>
      typeof want === 'number' && want < 300 ? make() : (forRefusals ??= make());
  };
  const on = (make: () => Promise<string>, body?: object) => {
    const form = formFor(make);
    return async (_: CallerName, want: Expected): Promise<Call> => ({ params: { id: await form(want) }, body });
  };
  const onShared = (which: keyof typeof shared) => (): Call => ({ params: { id: shared[which]! } });
  const action = (name: string, make: () => Promise<string>, body: object = {}) => {
    const form = formFor(make);
    return async (_: CallerName, want: Expected): Promise<Call> => ({
      params: { id: await form(want), action: name },
      body,
    });
  };
  /** A day not marked yet, for each caller (a day is marked closed once). */
  let closedDays = 0;
  const closedDay = (): Call => ({
    body: { date: `2031-03-${String(++closedDays).padStart(2, '0')}`, reason: 'Typhoon signal No. 8' },
  });

  /** A bulk action on one form: the route answers 200 whatever each item's own answer is. */
  const bulkOn = (name: string, make: () => Promise<string>) => {
    const form = formFor(make);
    return async (_: CallerName, want: Expected): Promise<Call> => ({
      params: { action: name },
      body: { ids: [await form(want)] },
    });
  };

  // --- the other things routes are called on ----------------------------------------
  /**
   * A FAILED delivery of its own for each call, so that retrying it is possible (beside a real
   * one of the same event; no job is working on it, so nothing sends it meanwhile).
   */
  let failedDeliveries = 0;
  const failedDelivery = async (): Promise<Call> => {
    const repo = t.app.get(DataSource).getRepository(Delivery);
    const [model] = await repo.find({ order: { createdAt: 'ASC' }, take: 1 });
    if (!model) throw new Error('no delivery yet');
    const id = randomUUID();
    await repo.insert({
      ...model,
      id,
      recipientEmail: `failed-${++failedDeliveries}@example.com`,
      status: 'FAILED',
      messageId: null,
      sentAt: null,
      lastError: 'refused by the mail server (test)',
    });
    return { params: { id } };
  };
  /** A login name locked by 5 failed logins (only the administrator's call may unlock it). */
  const lockedName = (): Call => ({ params: { username: LOCKED_NAME } });
  /** A live e-mail OTP challenge and its code. */
  const emailChallenge = async (): Promise<Call> => {
    const res = await expectStatus(passwordStep(t, emailUser.username), 200);
    const challengeId = res.body.challengeId as string;
    return { body: { challengeId, otp: emailCode(challengeId) } };
  };
  /** A self-service reset, step one done: the e-mailed code, the authenticator's code, a new password. */
  const resetConfirmation = async (): Promise<Call> => {
    const res = await expectStatus(
      request(t.app.getHttpServer()).post('/api/v1/auth/password-reset').send({ username: resetUser.username }),
      202,
    );
    const challengeId = res.body.challengeId as string;
    nextTotpStep(t);
    const next = nextPassword(resetUserPassword);
    return {
      body: {
        challengeId,
        emailOtp: emailCode(challengeId),
        totp: await totpAt(resetUser.secret!, t.clock.now()),
        newPassword: next,
        confirmPassword: next,
      },
    };
  };
  const afterReset = async (_: CallerName, status: number): Promise<void> => {
    if (status === 204) resetUserPassword = nextPassword(resetUserPassword);
  };
  /** Logging out revokes the caller's tokens: log in again for the next rows. */
  const logInAgain = async (p: CallerName, status: number): Promise<void> => {
    if (p !== 'anonymous' && status < 300) await logIn(p);
  };
  /** A changed password revokes the caller's tokens: log in again with the new one. */
  const passwordChange = (caller: CallerName): Call => {
    const current = caller === 'anonymous' ? DEMO_PASSWORD : passwordOf(caller);
    const next = nextPassword(current);
    return { body: { currentPassword: current, newPassword: next, confirmPassword: next } };
  };
  const afterPasswordChange = async (p: CallerName, status: number): Promise<void> => {
    if (p === 'anonymous' || status >= 300) return;
    passwords.set(p, nextPassword(passwordOf(p)));
    await logIn(p);
  };

  const dashboard = (params: Record<string, string> = {}): Omit<Case, 'given'> => ({
    call: () => ({ params: { queueName: 'notifications', jobId: 'no-such-job', ...params } }),
    expect: STAFF_BY_BASIC,
    basic: true,
  });
  /** Changing routes of the dashboard are called on a queue that does not exist: passing the login is what counts. */
  const dashboardChange = (params: Record<string, string> = {}): Omit<Case, 'given'> =>
    dashboard({ queueName: 'no-such-queue', queueStatus: 'failed', schedulerId: 'no-such-scheduler', ...params });

  /** Routes a browser reaches with its refresh cookie instead of a bearer token (sessions.e2e-spec.ts). */
  const BY_REFRESH_COOKIE: RouteKey[] = ['POST /api/v1/auth/logout', 'POST /api/v1/auth/refresh'];

  //                              anon  maker checker viewer other  ops   admin
  const PUBLIC: Row /*       */ = [200, 200, 200, 200, 200, 200, 200];
  const ANY_USER: Row /*     */ = [401, 200, 200, 200, 200, 200, 200];
  const EU_USERS: Row /*     */ = [401, 200, 200, 403, 200, 200, 403];
  const STAFF: Row /*        */ = [401, 403, 403, 403, 403, 200, 200];
  const ADMIN_ONLY: Row /*   */ = [401, 403, 403, 403, 403, 403, 204];
  const STAFF_BY_BASIC: Row = [401, 401, 401, 401, 401, 'admitted', 'admitted'];

  /**
   * THE POLICY. Route → what it is called on → the status each caller gets.
   * Form rows: ABC Company's form; the other company's maker must get 404 (never 403, so
   * existence does not leak); operators see only forms sent to HKEX; users without
   * EU_UserMaintenance and administrators get 403 on every eService route.
   */
  // prettier-ignore
  const POLICY: Record<RouteKey, Case | Case[]> = {
    // --- login (SPEC §7): public --------------------------------------------------  anon  maker checker viewer other  ops   admin
    'POST /api/v1/auth/login': { given: 'a right password', call: () => ({ body: { username: loginUser.username, password: DEMO_PASSWORD } }), expect: PUBLIC },
    'POST /api/v1/auth/otp': { given: "an e-mail challenge's code", call: emailChallenge, expect: PUBLIC },
    'POST /api/v1/auth/password-reset': { given: 'a user with an authenticator app', call: () => ({ body: { username: loginUser.username } }), expect: [202, 202, 202, 202, 202, 202, 202] },
    'POST /api/v1/auth/password-reset/confirm': { given: 'both codes and a new password', call: resetConfirmation, after: afterReset, expect: [204, 204, 204, 204, 204, 204, 204] },
    // A bearer token is no refresh cookie (the cookie's rules are in sessions.e2e-spec.ts).
    'POST /api/v1/auth/refresh': { given: 'no refresh cookie', expect: [401, 401, 401, 401, 401, 401, 401] },
    'POST /api/v1/auth/logout': { given: "the caller's token", after: logInAgain, expect: [401, 204, 204, 204, 204, 204, 204] },
    'POST /api/v1/auth/password': { given: 'a valid change', call: passwordChange, after: afterPasswordChange, expect: [401, 204, 204, 204, 204, 204, 204] },
    'GET /api/v1/me': { given: 'the caller', expect: ANY_USER },
    'PATCH /api/v1/me': { given: 'language en', call: () => ({ body: { language: 'en' } }), expect: ANY_USER },
    // Not carried out (the demo users keep their app): the refusal shows the route is the caller's own.
    'PUT /api/v1/me/otp-channel': { given: 'channel totp (refused)', call: () => ({ body: { channel: 'totp' } }), expect: [401, 400, 400, 400, 400, 400, 400] },
    'POST /api/v1/auth/totp/enrolment': { given: 'the caller', expect: ANY_USER },
    'POST /api/v1/auth/totp/enrolment/confirm': { given: 'a wrong code for the pending secret', call: () => ({ body: { otp: '000000' } }), expect: [401, 400, 400, 400, 400, 400, 400] },

    // --- HKEX staff -------------------------------------------------------------------
    'POST /api/v1/admin/users/:username/unlock': { given: 'a locked login name', call: lockedName, expect: ADMIN_ONLY },
    'POST /api/v1/admin/users/:username/otp-reset': { given: 'a user with an authenticator app', call: () => ({ params: { username: otpResetTarget.username } }), expect: ADMIN_ONLY },
    'GET /api/v1/admin/audit': { given: 'the log', expect: STAFF },
    'GET /api/v1/admin/audit.csv': { given: 'the whole trail', expect: STAFF },
    'GET /api/v1/admin/billing.csv': { given: 'the whole billing', expect: STAFF },
    'GET /api/v1/admin/deliveries': { given: 'the list', expect: STAFF },
    'GET /api/v1/admin/closed-days': { given: 'the list', expect: STAFF },
    'POST /api/v1/admin/closed-days': { given: 'a new day each', call: closedDay, expect: [401, 403, 403, 403, 403, 201, 201] },
    'POST /api/v1/admin/deliveries/:id/retry': { given: 'a FAILED delivery', call: failedDelivery, expect: [401, 403, 403, 403, 403, 202, 202] },

    // --- eServices (SPEC §1, §5, §9) -----------------------------------------------------  anon  maker checker viewer other  ops   admin
    'POST /api/v1/eservices': { given: 'a DA3 of ABC Company (B01234)', call: () => ({ body: noOpChange() }), expect: [401, 201, 201, 403, 404, 403, 403] },
    'POST /api/v1/eservices/preview': { given: 'a DA3 of ABC Company (B01234), not saved', call: () => ({ body: noOpChange() }), expect: [401, 200, 200, 403, 404, 403, 403] },
    'GET /api/v1/eservices': { given: 'the list', expect: EU_USERS },
    'GET /api/v1/eservices/:id': [
      { given: 'a draft', call: onShared('draft'), expect:                                       [401, 200, 200, 403, 404, 404, 403] },
      { given: 'a form Sent to HKEX', call: onShared('sent'), expect:                            [401, 200, 200, 403, 404, 200, 403] },
      { given: 'a form that does not exist', call: () => ({ params: { id: '00000000-0000-4000-8000-000000000000' } }), expect: [401, 404, 404, 403, 404, 404, 403] },
    ],
    'PATCH /api/v1/eservices/:id': [
      { given: 'a draft', call: on(draft, { remarks: 'edited' }), expect:                        [401, 200, 200, 403, 404, 404, 403] },
      { given: 'a form Sent to HKEX', call: on(sentToHkex, { remarks: 'edited' }), expect:       [401, 409, 409, 403, 404, 403, 403] },
    ],
    'GET /api/v1/eservices/:id/history': [
      { given: 'a draft', call: onShared('draft'), expect:                                       [401, 200, 200, 403, 404, 404, 403] },
      { given: 'a form Sent to HKEX', call: onShared('sent'), expect:                            [401, 200, 200, 403, 404, 200, 403] },
    ],
    'GET /api/v1/eservices/:id/history.csv': [
      { given: 'a draft', call: onShared('draft'), expect:                                       [401, 200, 200, 403, 404, 404, 403] },
      { given: 'a form Sent to HKEX', call: onShared('sent'), expect:                            [401, 200, 200, 403, 404, 200, 403] },
    ],
    'GET /api/v1/eservices/:id/preview': [
      { given: 'a draft', call: onShared('draft'), expect:                                       [401, 200, 200, 403, 404, 404, 403] },
      { given: 'a form Sent to HKEX', call: onShared('sent'), expect:                            [401, 200, 200, 403, 404, 200, 403] },
      { given: 'a Completed form', call: onShared('completed'), expect:                          [401, 409, 409, 403, 404, 409, 403] },
    ],
    'GET /api/v1/eservices/:id/pdf': [
      { given: 'a draft', call: onShared('draft'), expect:                                       [401, 409, 409, 403, 404, 404, 403] },
      { given: 'a Completed form', call: onShared('completed'), expect:                          [401, 200, 200, 403, 404, 200, 403] },
    ],
    'POST /api/v1/eservices/:id/:action': [
      { given: 'discard a draft', call: action('discard', draft), expect:                        [401, 200, 200, 403, 404, 404, 403] },
      { given: 'submit a draft', call: action('submit', draft), expect:                          [401, 200, 200, 403, 404, 404, 403] },
      { given: 'reclaim a form AAA submitted', call: action('reclaim', readyToSend), expect:     [401, 200, 403, 403, 404, 404, 403] },
      { given: 'claim a form Ready to Send', call: action('claim', readyToSend), expect:         [401, 403, 200, 403, 404, 404, 403] },
      { given: 'release a form D Wong claimed', call: action('release', claimedByChecker), expect: [401, 409, 200, 403, 404, 404, 403] },
      { given: 'return a form D Wong claimed', call: action('return', claimedByChecker, { message: 'Please check' }), expect: [401, 409, 200, 403, 404, 404, 403] },
      { given: 'confirm a form D Wong claimed', call: action('confirm', claimedByChecker), expect: [401, 403, 200, 403, 404, 404, 403] },
      { given: 'claim a form Sent to HKEX', call: action('claim', sentToHkex), expect:           [401, 409, 409, 403, 404, 200, 403] },
      { given: 'release a form the operator claimed', call: action('release', claimedByOperator), expect: [401, 409, 409, 403, 404, 200, 403] },
      { given: 'complete a form Sent to HKEX', call: action('complete', sentToHkex), expect:     [401, 403, 403, 403, 404, 202, 403] },
      { given: 'reject a form Sent to HKEX', call: action('reject', sentToHkex, { reason: 'Wrong participant' }), expect: [401, 403, 403, 403, 404, 200, 403] },
      { given: 'clone a form Sent to HKEX', call: action('clone', sentToHkex), expect:           [401, 201, 201, 403, 404, 403, 403] },
      { given: 'an action that does not exist', call: action('frobnicate', draft), expect:      [401, 404, 404, 404, 404, 404, 404] },
    ],
    // Each item answers for itself inside the 200 (bulk.e2e-spec.ts); the route decides who may ask at all.
    'POST /api/v1/eservices/bulk/:action': [
      { given: 'claim a form Ready to Send', call: bulkOn('claim', readyToSend), expect:       [401, 200, 200, 403, 200, 200, 403] },
      { given: 'complete a form Sent to HKEX', call: bulkOn('complete', sentToHkex), expect:  [401, 403, 403, 403, 403, 200, 403] },
    ],
    'GET /api/v1/tasks': { given: 'the list', expect: EU_USERS },
    // A user without the access right is answered 404 for their own company's listing, like any participantship they may not see.
    'GET /api/v1/participantships/:clearingHouse/:participantId/user-profiles': { given: 'HKSCC B01234 of ABC Company', call: () => ({ params: { clearingHouse: 'HKSCC', participantId: 'B01234' } }), expect: [401, 200, 200, 404, 404, 200, 200] },

    // --- health and the OpenAPI document (SPEC §9): public ---------------------------------
    'GET /api/health': { given: 'the database and Redis up', expect: PUBLIC },
    // Prometheus's scrape target: open unless METRICS_TOKEN is set (tested in metrics.e2e-spec.ts).
    'GET /metrics': { given: 'no METRICS_TOKEN', expect: PUBLIC },
    'GET /api/health/live': { given: 'the process answers', expect: PUBLIC },
    'GET /api/docs': { given: 'the page', expect: PUBLIC },
    'GET /api/docs/': { given: 'the page', expect: PUBLIC },
    'GET /api/docs/index.html': { given: 'the page', expect: PUBLIC },
    'GET /api/docs/swagger-ui-init.js': { given: 'the script', expect: PUBLIC },
    'GET /api/docs/docs/swagger-ui-init.js': { given: 'the script', expect: PUBLIC },
    'GET /api/docs/*': { given: 'swagger-ui.css', call: () => ({ params: { '*': 'swagger-ui.css' } }), expect: PUBLIC },
    'GET /api/docs/LICENSE': { given: 'a file the page links to but does not ship', expect: [404, 404, 404, 404, 404, 404, 404] },
    'GET /api/docs-json': { given: 'the document', expect: PUBLIC },
    'GET /api/docs-yaml': { given: 'the document', expect: PUBLIC },
    // --- the web console (SPEC §12): its page for every path outside /api and /metrics, public (it holds no data)
    'GET /': { given: 'the console', expect: PUBLIC },
    'GET /*': [
      { given: 'a deep link', call: () => ({ params: { '*': 'eservices/123' } }), expect: PUBLIC },
      { given: 'an asset the console does not have', call: () => ({ params: { '*': 'assets/no-such-file.js' } }), expect: [404, 404, 404, 404, 404, 404, 404] },
    ],

    // --- the queue dashboard: HKEX staff by HTTP Basic, nobody else --------------------------
    'GET /api/admin/queues': { given: 'the page', ...dashboard() },
    'GET /api/admin/queues/': { given: 'the page', ...dashboard() },
    'GET /api/admin/queues/*': { given: 'a page of the app', ...dashboard({ '*': 'static/no-such-file.js' }) },
    'GET /api/admin/queues/queue/:queueName': { given: 'the notifications queue', ...dashboard() },
    'GET /api/admin/queues/queue/:queueName/:jobId': { given: 'a job', ...dashboard() },
    'GET /api/admin/queues/metrics-history': { given: 'the page', ...dashboard() },
    'GET /api/admin/queues/job-schedulers': { given: 'the page', ...dashboard() },
    'GET /api/admin/queues/api/queues': { given: 'the queues', ...dashboard() },
    'GET /api/admin/queues/api/redis/stats': { given: 'Redis', ...dashboard() },
    'GET /api/admin/queues/api/job-schedulers': { given: 'the schedulers', ...dashboard() },
    'GET /api/admin/queues/api/queues/:queueName/metrics': { given: 'the notifications queue', ...dashboard() },
    'GET /api/admin/queues/api/queues/:queueName/default-job-options': { given: 'the notifications queue', ...dashboard() },
    'GET /api/admin/queues/api/queues/:queueName/workers': { given: 'the notifications queue', ...dashboard() },
    'GET /api/admin/queues/api/queues/:queueName/rate-limit': { given: 'the notifications queue', ...dashboard() },
    'GET /api/admin/queues/api/queues/:queueName/job-data-schema': { given: 'the notifications queue', ...dashboard() },
    'GET /api/admin/queues/api/queues/:queueName/:jobId': { given: 'a job', ...dashboard() },
    'GET /api/admin/queues/api/queues/:queueName/:jobId/logs': { given: 'a job', ...dashboard() },
    'GET /api/admin/queues/api/queues/:queueName/:jobId/flow': { given: 'a job', ...dashboard() },
    'PUT /api/admin/queues/api/queues/:queueName/rate-limit': { given: 'a queue', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/rate-limit/release': { given: 'a queue', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/retry/:queueStatus': { given: 'a queue', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/resume': { given: 'a queue', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/pause': { given: 'a queue', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/promote': { given: 'a queue', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/clean/:queueStatus': { given: 'a queue', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/concurrency': { given: 'a queue', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/empty': { given: 'a queue', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/obliterate': { given: 'a queue', ...dashboardChange() },
    'PATCH /api/admin/queues/api/queues/:queueName/job-schedulers/:schedulerId': { given: 'a scheduler', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/job-schedulers/:schedulerId/remove': { given: 'a scheduler', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/job-schedulers/:schedulerId/run': { given: 'a scheduler', ...dashboardChange() },
    'POST /api/admin/queues/api/queues/:queueName/add': { given: 'a queue', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/:jobId/retry': { given: 'a job', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/:jobId/remove-unprocessed-children': { given: 'a job', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/:jobId/clean': { given: 'a job', ...dashboardChange() },
    'PUT /api/admin/queues/api/queues/:queueName/:jobId/promote': { given: 'a job', ...dashboardChange() },
    'PATCH /api/admin/queues/api/queues/:queueName/:jobId/priority': { given: 'a job', ...dashboardChange() },
    'PATCH /api/admin/queues/api/queues/:queueName/:jobId/update-data': { given: 'a job', ...dashboardChange() },
    'PATCH /api/admin/queues/api/queues/:queueName/:jobId/delay': { given: 'a job', ...dashboardChange() },
    // Pausing every queue, then resuming every queue: the last rows, in this order.
    'PUT /api/admin/queues/api/queues/pause': { given: 'every queue', ...dashboard() },
    'PUT /api/admin/queues/api/queues/resume': { given: 'every queue', ...dashboard() },
  };

  beforeAll(async () => {
    t = await startTestApp();
    for (const p of Object.keys(LOGIN) as Person[]) await logIn(p);
    loginUser = await loadLoginUser(t, { label: 'matrix-login' });
    emailUser = await loadLoginUser(t, { label: 'matrix-email', totp: false });
    resetUser = await loadLoginUser(t, { label: 'matrix-reset' });
    otpResetTarget = await loadLoginUser(t, { label: 'matrix-otp-reset' });
    await failLogins(t, LOCKED_NAME, 5);
    shared.draft = await draft();
    shared.sent = await sentToHkex();
    shared.completed = await completedForm();
    served = servedRoutes(t.app).map((r) => r.key);
  });
  afterAll(async () => {
    console.log(
      `access matrix: ${served.length} routes × ${CALLERS.length} callers = ${served.length * CALLERS.length} route-caller pairs; ` +
        `${cells} calls checked (a route's variants included)`,
    );
    await t.close();
  });

  it('names exactly the routes the app serves: no route left out, none that does not exist', () => {
    const table = Object.keys(POLICY).sort();
    const missing = served.filter((k) => !table.includes(k));
    const stale = table.filter((k) => !served.includes(k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it("every Nest handler is among the served routes, and the table's public rows are the @Public() ones", () => {
    const routes = nestRoutes(t.app, servedRoutes(t.app), API_PREFIX);
    expect(routes.map((r) => r.key).filter((k) => !(k in POLICY))).toEqual([]);
    // A route open to anonymous callers in the table must be @Public() in the code, and the other way round;
    // the routes of the browser's refresh cookie are @Public() too (no bearer token) and refuse a caller without it.
    const openInTable = routes
      .filter((r) => BY_REFRESH_COOKIE.includes(r.key) || [POLICY[r.key]].flat().every((c) => c.expect[0] !== 401))
      .map((r) => r.key)
      .sort();
    expect(routes.filter((r) => r.isPublic).map((r) => r.key)).toEqual(openInTable);
  });

  it('the OpenAPI document declares every answer this policy expects of an API route', () => {
    const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const undeclared: string[] = [];
    for (const [key, cases] of Object.entries(POLICY)) {
      const [method, pattern] = key.split(' ');
      const operation = document.paths[pattern.replace(/:([A-Za-z]+)/g, '{$1}')]?.[method.toLowerCase()];
      // Not an operation of the API: the docs page, the queue dashboard, metrics, liveness.
      if (!operation) continue;
      for (const c of [cases].flat())
        for (const status of new Set(c.expect))
          if (typeof status === 'number' && !(String(status) in operation.responses))
            undeclared.push(`${key}: ${status} (${c.given})`);
    }
    expect(undeclared).toEqual([]);
  });

  it('the action route has a row for every action the app accepts', () => {
    const cases = [POLICY['POST /api/v1/eservices/:id/:action']].flat();
    const named = new Set(cases.map((c) => c.given.split(' ')[0]));
    expect(URL_ACTIONS.filter((a) => !named.has(a))).toEqual([]);
  });

  it("another company's form is answered exactly as a form that does not exist", async () => {
    const other = api('otherMaker');
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const suffix of ['', '/history', '/history.csv', '/pdf']) {
      const foreign = await other.get(`/eservices/${shared.sent}${suffix}`);
      const absent = await other.get(`/eservices/${missing}${suffix}`);
      expect({ status: foreign.status, body: { ...foreign.body, instance: null } }).toEqual({
        status: absent.status,
        body: { ...absent.body, instance: null },
      });
    }
  });

  /**
   * The dashboard takes the password followed by the authenticator's code, as a login does;
   * each code is accepted once, so the clock moves on a step for every dashboard call.
   */
  const dashboardCode = async (caller: CallerName | 'anonymous'): Promise<string> => {
    t.clock.advance(30_000);
    return caller === 'anonymous' ? '' : currentTotp(t.app, t.clock, LOGIN[caller]).catch(() => '');
  };

  /** One caller's call of one case: the mismatches with the policy (none when it holds). */
  const check = async (method: string, pattern: string, c: Case, caller: CallerName, want: Expected) => {
    const call = (await c.call?.(caller, want)) ?? {};
    const path = fillPath(pattern, call.params ?? {});
    let req = request(t.app.getHttpServer())[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch'](path);
    if (caller !== 'anonymous')
      req = c.basic
        ? req.auth(LOGIN[caller], passwordOf(caller) + (await dashboardCode(caller)))
        : req.set('Authorization', `Bearer ${tokens.get(caller)}`);
    if (method !== 'GET') req = req.send(call.body ?? {});
    const res = await req;
    cells++;
    const found: string[] = [];
    const where = `${caller} on ${c.given}`;
    const ok = want === 'admitted' ? res.status !== 401 && res.status !== 403 && res.status < 500 : res.status === want;
    if (!ok) found.push(`${where}: expected ${want}, got ${res.status} ${res.text.slice(0, 200)}`);
    if (res.status >= 500) found.push(`${where}: a server error ${res.status}`);
    // Every refusal of the app (not the dashboard's own API once past its login) is a problem document.
    if (res.status >= 400 && want !== 'admitted') {
      if (!/^application\/problem\+json/.test(String(res.headers['content-type'])))
        found.push(`${where}: refusal ${res.status} is ${res.headers['content-type']}, not application/problem+json`);
      else if (res.body.status !== res.status || typeof res.body.code !== 'string')
        found.push(`${where}: problem document ${res.text}`);
      if (/\n\s+at |node_modules|\.[jt]s:\d+/.test(res.text))
        found.push(`${where}: the answer looks like a stack trace`);
    }
    if (c.basic && res.status === 401 && !/^Basic/.test(String(res.headers['www-authenticate'])))
      found.push(`${where}: a 401 of the dashboard without a Basic challenge`);
    await c.after?.(caller, res.status);
    return found;
  };

  describe.each(Object.keys(POLICY))('%s', (key) => {
    it('answers each caller as the policy says', async () => {
      const [method, pattern] = key.split(' ');
      const mismatches: string[] = [];
      for (const c of [POLICY[key]].flat()) {
        // The dashboard's rows change nothing the other callers see: its slow password checks run side by side.
        if (c.basic) {
          const all = await Promise.all(CALLERS.map((caller, i) => check(method, pattern, c, caller, c.expect[i])));
          mismatches.push(...all.flat());
        } else {
          for (const [i, caller] of CALLERS.entries())
            mismatches.push(...(await check(method, pattern, c, caller, c.expect[i])));
        }
      }
      expect(mismatches).toEqual([]);
    });
  });
});
