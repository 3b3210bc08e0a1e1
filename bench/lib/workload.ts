import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Api, CountedError, Recorder } from './http';
import { BenchCompany, BenchSeed } from './seed';
import { LatencySummary, mapLimit, round, sleep, summarize } from './util';

const API = '/api/v1';

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits): what an authenticator app shows for a base32 secret. */
export function totp(secret: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const apiList = (apis: Api | readonly Api[]): readonly Api[] => (apis instanceof Api ? [apis] : apis);

interface LoginAnswer {
  accessToken?: string;
  otpRequired?: boolean;
  challengeId?: string;
  channel?: string;
}

/**
 * Logs every user in once (argon2 verification: a few at a time). With 2FA on, the second
 * step is answered with the TOTP of the user's secret from the seed (each user once, so no
 * code is used twice). With several APIs (a cluster), user i logs in at API i % n.
 */
export async function loginAll(
  apis: Api | readonly Api[],
  usernames: readonly string[],
  password: string,
  totpSecrets: ReadonlyMap<string, string>,
  concurrency: number,
  onDone: () => void,
): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  const all = apiList(apis);
  await mapLimit(usernames, concurrency, async (username, i) => {
    const api = all[i % all.length];
    let r = await api.call<LoginAnswer>('POST /auth/login', 'POST', `${API}/auth/login`, {
      body: { username, password },
      expect: [200, 201],
    });
    if (r.otpRequired) {
      const secret = totpSecrets.get(username);
      if (r.channel !== 'totp' || !secret)
        throw new Error(`login of ${username} asks for an OTP by ${r.channel}: the bench answers TOTP only`);
      r = await api.call<LoginAnswer>('POST /auth/otp', 'POST', `${API}/auth/otp`, {
        body: { challengeId: r.challengeId, otp: totp(secret) },
        expect: [200, 201],
      });
    }
    if (!r.accessToken) throw new Error(`login of ${username} gave no access token: ${JSON.stringify(r)}`);
    tokens.set(username, r.accessToken);
    onDone();
  });
  return tokens;
}

/** The HTTP transitions of one workflow, in order (5 per workflow). */
export const TRANSITION_ROUTES = [
  'POST /eservices (create)',
  'POST /eservices/{id}/submit',
  'POST /eservices/{id}/claim',
  'POST /eservices/{id}/confirm',
  'POST /eservices/{id}/complete',
] as const;

export const READ_ROUTES = [
  'GET /tasks',
  'GET /eservices/{id}',
  'GET /eservices/{id} (poll)',
  'GET /eservices?page=1&pageSize=20',
  'GET /participantships/HKSCC/{pid}/user-profiles',
] as const;

export interface WorkflowOptions {
  clients: number;
  warmupMs: number;
  durationMs: number;
  /** Every n-th workflow of a client is a DA4 (accounts 1); the others are DA3 CHANGE. */
  da4Every: number;
  /** Every n-th workflow also reads the registry listing and the forms list. */
  extraReadsEvery: number;
  /** The longest wait between two polls (they start at 5 ms and double). */
  pollIntervalMs: number;
  pollTimeoutMs: number;
}

export interface WorkflowResult {
  windowMs: number;
  /** Workflows that reached COMPLETED inside the measuring window. */
  workflowsInWindow: number;
  /** HTTP transitions answered inside the measuring window. */
  transitionsInWindow: number;
  /** Every workflow started / completed over the whole phase (warm-up and tail included). */
  workflowsStarted: number;
  workflowsCompleted: number;
  da3Completed: number;
  da4Completed: number;
  /** From the 202 of complete to the poll that saw COMPLETED (includes the poll interval). */
  completionLag: LatencySummary;
  /** Whole workflow, create to COMPLETED seen. */
  workflowLatency: LatencySummary;
  /** Ids of completed forms with a participant who can read them (for the read phase). */
  completedForms: { id: string; maker: string }[];
  loadStartedAt: number;
  loadEndedAt: number;
}

interface FormRef {
  id: string;
  status: string;
  completionProblems?: unknown;
}

/**
 * `clients` concurrent clients, each acting for one company as its maker, one of its
 * checkers and an HKEX operator: create → submit → (checker reads tasks) claim → confirm →
 * (operator reads the form) complete (202) → poll until COMPLETED. A maker never checks its
 * own form; checkers are not named by the forms. With several APIs (a cluster), client i
 * calls API i % n for its whole life.
 */
export async function runWorkflows(
  apis: Api | readonly Api[],
  recorder: Recorder,
  seed: BenchSeed,
  tokens: Map<string, string>,
  o: WorkflowOptions,
  onTick: (info: { elapsedMs: number; completed: number }) => void,
): Promise<WorkflowResult> {
  const startedAt = Date.now();
  const windowStart = startedAt + o.warmupMs;
  const windowEnd = windowStart + o.durationMs;
  let started = 0;
  let completed = 0;
  let inWindow = 0;
  let da3 = 0;
  let da4 = 0;
  const lags: number[] = [];
  const whole: number[] = [];
  const completedForms: { id: string; maker: string }[] = [];
  let seq = 0;

  const ticker = setInterval(() => {
    const now = Date.now();
    recorder.active = now >= windowStart && now < windowEnd;
    onTick({ elapsedMs: now - startedAt, completed });
  }, 50);

  const token = (username: string): string => {
    const t = tokens.get(username);
    if (!t) throw new Error(`no token for ${username}`);
    return t;
  };

  const all = apiList(apis);
  const client = async (i: number): Promise<void> => {
    const api = all[i % all.length];
    const company: BenchCompany = seed.companies[i % seed.companies.length];
    const maker = token(company.maker);
    const checker = token(company.checkers[Math.floor(i / seed.companies.length) % 2]);
    const operator = token(seed.operators[i % seed.operators.length]);
    let k = 0;
    while (Date.now() < windowEnd) {
      k++;
      const kind = k % o.da4Every === 0 ? 'DA4' : 'DA3';
      const n = ++seq;
      started++;
      const t0 = performance.now();
      try {
        const body =
          kind === 'DA3'
            ? {
                formType: 'DA3',
                clearingHouse: company.clearingHouse,
                participantId: company.participantId,
                requestType: 'CHANGE',
                lines: [{ userId: company.daUserId, email: `da.x1.${n}@c${company.index + 1}.bench-corp.hk` }],
                declarationAccepted: true,
                remarks: `bench workflow ${n}`,
              }
            : {
                formType: 'DA4',
                clearingHouse: company.clearingHouse,
                participantId: company.participantId,
                accounts: 1,
                declarationAccepted: true,
              };
        const form = await api.call<FormRef>(TRANSITION_ROUTES[0], 'POST', `${API}/eservices`, {
          token: maker,
          body,
          expect: [201],
        });
        const at = `${API}/eservices/${form.id}`;
        await api.call(TRANSITION_ROUTES[1], 'POST', `${at}/submit`, {
          token: maker,
          body: { message: 'please check' },
        });
        await api.call(READ_ROUTES[0], 'GET', `${API}/tasks?pageSize=20`, { token: checker });
        await api.call(TRANSITION_ROUTES[2], 'POST', `${at}/claim`, { token: checker, body: {} });
        await api.call(TRANSITION_ROUTES[3], 'POST', `${at}/confirm`, { token: checker, body: {} });
        await api.call(READ_ROUTES[1], 'GET', at, { token: operator });
        await api.call(TRANSITION_ROUTES[4], 'POST', `${at}/complete`, { token: operator, body: {}, expect: [202] });
        const requested = performance.now();
        for (let poll = 0; ; poll++) {
          // 5, 10, 20, 40 ms, then every pollIntervalMs: fine-grained for a quick completion, light for a slow one.
          await sleep(Math.min(o.pollIntervalMs, 5 * 2 ** poll));
          const now = await api.call<FormRef>(READ_ROUTES[2], 'GET', at, { token: operator });
          if (now.status === 'COMPLETED') break;
          if (now.completionProblems) throw new Error(`completion refused: ${JSON.stringify(now.completionProblems)}`);
          if (performance.now() - requested > o.pollTimeoutMs)
            throw new Error(
              `form ${form.id} not COMPLETED ${o.pollTimeoutMs} ms after complete (status ${now.status})`,
            );
        }
        const done = performance.now();
        if (k % o.extraReadsEvery === 0) {
          await api.call(
            READ_ROUTES[4],
            'GET',
            `${API}/participantships/HKSCC/${company.participantId}/user-profiles`,
            {
              token: maker,
            },
          );
          await api.call(READ_ROUTES[3], 'GET', `${API}/eservices?page=1&pageSize=20`, { token: maker });
        }
        completed++;
        if (kind === 'DA3') da3++;
        else da4++;
        const wall = Date.now();
        if (wall >= windowStart && wall < windowEnd) {
          inWindow++;
          lags.push(done - requested);
          whole.push(done - t0);
        }
        if (completedForms.length < 5000) completedForms.push({ id: form.id, maker: company.maker });
      } catch (e) {
        // Api counted unexpected answers already; anything else (poll timeout, refused completion) is counted here.
        if (!(e instanceof CountedError)) recorder.error('workflow', (e as Error).message);
        await sleep(50);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: o.clients }, (_, i) => client(i)));
  } finally {
    clearInterval(ticker);
    recorder.active = false;
  }
  return {
    windowMs: o.durationMs,
    workflowsInWindow: inWindow,
    transitionsInWindow: TRANSITION_ROUTES.reduce((n, r) => n + recorder.count(r), 0),
    workflowsStarted: started,
    workflowsCompleted: completed,
    da3Completed: da3,
    da4Completed: da4,
    completionLag: summarize(lags),
    workflowLatency: summarize(whole),
    completedForms,
    loadStartedAt: startedAt,
    loadEndedAt: Date.now(),
  };
}

export interface ReadPhaseResult {
  route: string;
  concurrency: number;
  durationMs: number;
  requests: number;
  rps: number;
  latency: LatencySummary;
  errors: number;
  errorSamples: string[];
}

/**
 * `concurrency` clients calling GET `pick(i, k)` back to back for `durationMs` after a short
 * warm-up: throughput and latency of one route on its own (also used for the bare-route ceiling).
 * With several origins (a cluster's APIs), client c calls origin c % n.
 */
export async function readPhase(
  origin: string | readonly string[],
  route: string,
  concurrency: number,
  warmupMs: number,
  durationMs: number,
  pick: (client: number, k: number) => { path: string; token?: string },
  onTick: (elapsedMs: number) => void = () => undefined,
): Promise<ReadPhaseResult> {
  const recorder = new Recorder();
  const origins = typeof origin === 'string' ? [origin] : origin;
  const apis = origins.map((o) => new Api(o, Math.ceil(concurrency / origins.length), recorder));
  const start = Date.now();
  const windowStart = start + warmupMs;
  const end = windowStart + durationMs;
  const ticker = setInterval(() => {
    recorder.active = Date.now() >= windowStart && Date.now() < end;
    onTick(Date.now() - start);
  }, 20);
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async (_, c) => {
        for (let k = 0; Date.now() < end; k++) {
          const { path, token } = pick(c, k);
          try {
            await apis[c % apis.length].call(route, 'GET', path, { token });
          } catch {
            await sleep(10);
          }
        }
      }),
    );
  } finally {
    clearInterval(ticker);
    recorder.active = false;
    await Promise.all(apis.map((a) => a.close()));
  }
  const latency = recorder.summary(route);
  return {
    route,
    concurrency,
    durationMs,
    requests: latency.count,
    rps: round((latency.count / durationMs) * 1000, 0),
    latency,
    errors: recorder.errorCount,
    errorSamples: recorder.errorSamples,
  };
}
