import { Queue } from 'bullmq';
import { newTotpSecret, totpNow } from '../../src/auth/one-time-passwords';
import { QUEUE_NAMES } from '../../src/queue/queues';
import { DataFile } from '../../src/registry/data-loader';
import { DEMO_DATA, DEMO_PASSWORD } from '../../src/registry/demo-data';
import { eventOf, mailKey, referenceOf, report, tally } from '../support/mail';
import { ReceivedMail, SmtpSink } from '../support/smtp-sink';
import { completionSettled, waitForForm } from '../support/workflow';
import { Cluster } from './cluster';

/**
 * README "PostgreSQL and many instances": the rules that keep the workflow right when
 * instances act side by side, tested on the real shape of `npm run cluster`: two API
 * processes (WORKERS=off, two ports) and two worker processes on ONE PostgreSQL database
 * and ONE Redis, each worker sending to an SMTP server of its own on loopback (so the test
 * knows which worker sent what) and the API processes to a third that must stay empty.
 *
 * - SPEC §5 "two people acting on the same form at once: exactly one wins, the other gets
 *   a conflict naming the form's current state": claim, confirm and complete, each sent
 *   to both instances at the same moment, form after form;
 * - SPEC §5 "reference number assigned once, per form type, never reused": drafts
 *   submitted all at once, half through each instance;
 * - SPEC §4/§6 a completion's registry effect is applied once;
 * - SPEC §6 each e-mail is sent once, whichever worker takes it.
 *
 * The tests run in order on one cluster: each later one uses the forms of those before,
 * and the last counts every e-mail the run caused. Runs only on PostgreSQL (jest.config.js).
 */

jest.setTimeout(120_000);

const USERS = {
  maker: 'aaa@bank.com.hk',
  checker: 'dwong@bank.com.hk',
  checker2: 'elee@bank.com.hk',
  operator: 'ops1@hkex.com.hk',
  operator2: 'ops2@hkex.com.hk',
} as const;
type User = (typeof USERS)[keyof typeof USERS];

const OPERATOR2 = { username: USERS.operator2, name: 'HKEX Operator 2', password: DEMO_PASSWORD };
const PARTICIPANT = { clearingHouse: 'HKSCC', participantId: 'B01234' };
const LISTING = '/participantships/HKSCC/B01234/user-profiles';

/** Forms raced over claim, confirm and complete; one in four is a DA3 Add (a new DA), the rest DA4s. */
const RACED_FORMS = 24;
/** How long a form may wait for a worker (arrival check, completion) on the cluster. */
const SETTLE_MS = 30_000;
/** Drafts submitted all at once for the reference numbers, per form type. */
const SUBMITS_PER_TYPE = 22;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

interface Answer {
  status: number;
  contentType: string;
  body: Json;
  /** Which API process answered: 'A' or 'B'. */
  instance: string;
}

/** A user's HTTP client on one API process. */
class Http {
  constructor(
    readonly instance: string,
    private readonly base: string,
    private readonly token?: string,
  ) {}

  async send(method: string, path: string, body?: object): Promise<Answer> {
    const res = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body: text ? (JSON.parse(text) as Json) : {},
      instance: this.instance,
    };
  }

  get(path: string): Promise<Answer> {
    return this.send('GET', path);
  }

  post(path: string, body: object = {}): Promise<Answer> {
    return this.send('POST', path, body);
  }

  act(id: string, action: string, body: object = {}): Promise<Answer> {
    return this.post(`/eservices/${id}/${action}`, body);
  }
}

/** An answer in a line: a refusal by its code and detail, a form by its status, version and claim. */
function brief(a: Answer): string {
  const b = a.body;
  const what = b.code
    ? `${b.code} ${b.detail}${b.errorId ? ` errorId=${b.errorId}` : ''}`
    : `${b.status} v${b.version} claimed by ${b.claimedBy?.name ?? 'nobody'}`;
  return `${a.instance} ${a.status} ${what}`;
}

/** Fails with the body unless the answer has the status. */
function ok(answer: Answer, status: number, what: string): Json {
  if (answer.status !== status)
    throw new Error(
      `${what} on ${answer.instance}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`,
    );
  return answer.body;
}

/** A form taken through the workflow by these tests, and what it should have caused. */
interface Tracked {
  id: string;
  formType: 'DA3' | 'DA4';
  reference: string;
  accounts: number;
  /** The checker whose claim won (and who confirmed). */
  checker: User | null;
  sentToHkex: boolean;
  completedBy: User | null;
}

/** One race of two requests: which instance won, and the refusal the other got. */
interface RaceResult {
  winner: string | null;
  loserCode: string | null;
  problems: string[];
}

/** The words of SPEC §5 for the statuses a loser of these races can meet. */
const LABELS: Record<string, string> = {
  READY_TO_SEND: 'Ready to Send to HKEX',
  SENT_TO_HKEX: 'Sent to HKEX',
  COMPLETED: 'Completed',
};

/** The problem names the form's current status (one of `statuses`) with its label. */
const namesStatus = (problem: Json, ...statuses: string[]): boolean =>
  statuses.includes(problem.currentStatus) && problem.currentStatusLabel === LABELS[problem.currentStatus];

const figures: Record<string, number | string> = {};
const count = (name: string, by = 1): void => void (figures[name] = Number(figures[name] ?? 0) + by);

describe('two API processes and two worker processes on one PostgreSQL and one Redis', () => {
  const cluster = new Cluster();
  /** One SMTP server per worker process, and one for the API processes. */
  const workerSinks: SmtpSink[] = [];
  let apiSink: SmtpSink | undefined;
  /** Message-IDs in the order the servers accepted them, over all the servers. */
  const accepted: string[] = [];
  const received = (): ReceivedMail[] => workerSinks.flatMap((k) => k.messages);
  const secrets = new Map<string, string>();
  const tokens = new Map<string, string>();
  const forms: Tracked[] = [];
  const raced: Tracked[] = [];
  const started = Date.now();

  /** `user`'s client on instance 0 (A) or 1 (B). */
  const on = (instance: number, user: User): Http =>
    new Http('AB'[instance], cluster.apiUrls[instance], tokens.get(user) ?? notLoggedIn(user));

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) workerSinks.push(await SmtpSink.start());
    apiSink = await SmtpSink.start();
    for (const k of [...workerSinks, apiSink]) k.onAccepted = (m) => void accepted.push(m.messageId);
    const operator2 = { ...OPERATOR2, totpSecret: newTotpSecret() };
    const seed: DataFile = { ...DEMO_DATA, operators: [...(DEMO_DATA.operators ?? []), operator2] };
    // The data file is untyped JSON: each login's authenticator secret, for the second step.
    type Login = { username: string; totpSecret?: string };
    const companies = (seed.companies ?? []) as { users?: Login[] }[];
    for (const u of [...companies.flatMap((c) => c.users ?? []), ...((seed.operators ?? []) as Login[])])
      if (u.totpSecret) secrets.set(u.username, u.totpSecret);
    await cluster.start({ seed, apiSmtpUrl: apiSink.url, workerSmtpUrls: workerSinks.map((k) => k.url) });
    figures['cluster start (ms)'] = Date.now() - started;

    // SPEC §7 login (password, then the authenticator's code), once per user, on alternate
    // instances: a token from one instance is good on the other (checked below).
    const users = Object.values(USERS);
    await Promise.all(
      users.map(async (username, i) => {
        const api = new Http('AB'[i % 2], cluster.apiUrls[i % 2]);
        const first = ok(await api.post('/auth/login', { username, password: DEMO_PASSWORD }), 200, 'login');
        expect(first).toMatchObject({ otpRequired: true, channel: 'totp' });
        const otp = await totpNow(secrets.get(username)!, new Date());
        const second = ok(await api.post('/auth/otp', { challengeId: first.challengeId, otp }), 200, 'otp');
        tokens.set(username, second.accessToken as string);
      }),
    );
  }, 120_000);

  afterAll(async () => {
    try {
      figures['total time (ms)'] = Date.now() - started;
      console.log(
        `cluster figures\n  ${Object.entries(figures)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n  ')}`,
      );
    } finally {
      await cluster.stop();
      for (const k of [...workerSinks, apiSink]) await k?.close();
    }
  }, 60_000);

  it('is up: both instances serve the same data and honour each other’s tokens', async () => {
    for (const user of Object.values(USERS)) {
      const a = ok(await on(0, user).get('/me'), 200, `me of ${user}`);
      const b = ok(await on(1, user).get('/me'), 200, `me of ${user}`);
      expect(b).toEqual(a);
    }
    // The demo data was loaded once, though both API processes started on the empty database together.
    const [{ n }] = await cluster.sql<{ n: string }>(`SELECT count(*) AS n FROM company`);
    expect(Number(n)).toBe(DEMO_DATA.companies?.length);
    expect(cluster.deadChildren()).toEqual([]);
  });

  /** Creates a draft on instance `i % 2` and submits it on the other one. */
  async function submitDraft(i: number, body: object): Promise<Tracked> {
    const draft = ok(await on(i % 2, USERS.maker).post('/eservices', body), 201, 'create');
    const form = ok(await on((i + 1) % 2, USERS.maker).act(draft.id, 'submit'), 200, 'submit');
    const tracked: Tracked = {
      id: form.id,
      formType: form.formType,
      reference: form.referenceNumber,
      accounts: form.accounts ?? 0,
      checker: null,
      sentToHkex: false,
      completedBy: null,
    };
    forms.push(tracked);
    return tracked;
  }

  const racedBody = (i: number): object =>
    i % 4 === 3
      ? {
          formType: 'DA3',
          ...PARTICIPANT,
          requestType: 'ADD',
          lines: [{ surname: `RACE${i}`, otherNames: 'CLUSTER', email: `race${i}@bank.com.hk`, daRole: 'checker' }],
          declarationAccepted: true,
        }
      : { formType: 'DA4', ...PARTICIPANT, accounts: 1 + (i % 5), declarationAccepted: true };

  /**
   * Fires `a` and `b` in the same tick at the two instances and checks the outcome: one
   * `winStatus`, the other 409 as problem+json with one of `codes`, naming the form's state
   * (`names` says whether the loser's problem names it correctly).
   */
  async function race(
    what: string,
    a: () => Promise<Answer>,
    b: () => Promise<Answer>,
    winStatus: number,
    codes: string[],
    names: (problem: Json, winner: Answer) => boolean,
  ): Promise<{ result: RaceResult; winner: Answer | null }> {
    const answers = await Promise.all([a(), b()]);
    const winners = answers.filter((x) => x.status === winStatus);
    const losers = answers.filter((x) => x.status === 409);
    const problems: string[] = [];
    if (winners.length !== 1 || losers.length !== 1) {
      problems.push(`${what}: answers ${answers.map(brief).join(' | ')}`);
      return { result: { winner: null, loserCode: null, problems }, winner: winners[0] ?? null };
    }
    const [winner, loser] = [winners[0], losers[0]];
    const p = loser.body;
    if (!/^application\/problem\+json/.test(loser.contentType)) problems.push(`${what}: 409 as ${loser.contentType}`);
    if (p.status !== 409 || !codes.includes(p.code)) problems.push(`${what}: 409 with ${JSON.stringify(p)}`);
    else if (!names(p, winner)) problems.push(`${what}: the 409 does not name the current state: ${JSON.stringify(p)}`);
    return { result: { winner: winner.instance, loserCode: p.code as string, problems }, winner };
  }

  /** Adds a race to the figures: `<race> races`, `<race> won on A|B`, `<race> lost with <code>`. */
  function tallyRace(name: string, r: RaceResult): void {
    for (const key of [`${name} races`, `${name} won on A`, `${name} won on B`]) figures[key] ??= 0;
    count(`${name} races`);
    if (r.winner) count(`${name} won on ${r.winner}`);
    if (r.loserCode) count(`${name} lost with ${r.loserCode}`);
  }

  it(`double claim and double confirm on two instances at once: exactly one wins each of ${RACED_FORMS * 2} races, the other gets 409 naming the state`, async () => {
    for (let i = 0; i < RACED_FORMS; i++) raced.push(await submitDraft(i, racedBody(i)));
    const problems: string[] = [];

    for (const [i, form] of raced.entries()) {
      // D Wong and E Lee claim at once, each on another instance (swapped every other form).
      const [x, y] = i % 2 === 0 ? [0, 1] : [1, 0];
      const claim = await race(
        `claim ${form.reference}`,
        () => on(x, USERS.checker).act(form.id, 'claim'),
        () => on(y, USERS.checker2).act(form.id, 'claim'),
        200,
        ['CONFLICT', 'ALREADY_CLAIMED'],
        // Either way the form's state is named; refused by the claim guard, also who holds it.
        (p, w) => namesStatus(p, 'READY_TO_SEND') && (p.code === 'CONFLICT' || p.claimedById === w.body.claimedBy?.id),
      );
      tallyRace('claim', claim.result);
      problems.push(...claim.result.problems);
      if (!claim.winner) continue;
      const checker = claim.winner.body.claimedBy?.name === 'D Wong' ? USERS.checker : USERS.checker2;
      form.checker = checker;

      // The claimer confirms on both instances at once.
      const confirm = await race(
        `confirm ${form.reference}`,
        () => on(y, checker).act(form.id, 'confirm'),
        () => on(x, checker).act(form.id, 'confirm'),
        200,
        ['CONFLICT', 'WRONG_STATE'],
        (p) => namesStatus(p, 'SENT_TO_HKEX'),
      );
      tallyRace('confirm', confirm.result);
      problems.push(...confirm.result.problems);
      if (confirm.winner) {
        form.sentToHkex = true;
        expect(confirm.winner.body).toMatchObject({ status: 'SENT_TO_HKEX', claimedBy: null });
      }
    }

    expect(problems).toEqual([]);
    // What the forms and their histories say, read through either instance.
    for (const [i, form] of raced.entries()) {
      const maker = on(i % 2, USERS.maker);
      expect(ok(await maker.get(`/eservices/${form.id}`), 200, 'get')).toMatchObject({ status: 'SENT_TO_HKEX' });
      const history = ok(await maker.get(`/eservices/${form.id}/history`), 200, 'history') as unknown as Json[];
      const steps = history.map((h) => `${h.action} by ${h.by.name}`);
      const checkerName = form.checker === USERS.checker ? 'D Wong' : 'E Lee';
      expect(steps).toEqual(['create by AAA', 'submit by AAA', `claim by ${checkerName}`, `confirm by ${checkerName}`]);
    }
    figures['raced forms'] = RACED_FORMS;
  });

  it(`reference numbers: ${SUBMITS_PER_TYPE * 2} drafts submitted at once, half through each instance, get distinct consecutive numbers per form type`, async () => {
    const before = await counters();
    const bodies = Array.from({ length: SUBMITS_PER_TYPE * 2 }, (_, i) =>
      i % 2 === 0
        ? {
            formType: 'DA3',
            ...PARTICIPANT,
            requestType: 'CHANGE',
            lines: [{ userId: 'B01234X1', email: `ref${i}@bank.com.hk` }],
            declarationAccepted: true,
          }
        : { formType: 'DA4', ...PARTICIPANT, accounts: 1, declarationAccepted: true },
    );
    const drafts = await Promise.all(
      bodies.map(async (body, i) =>
        ok(await on((Math.floor(i / 2) + 1) % 2, USERS.maker).post('/eservices', body), 201, 'create'),
      ),
    );

    // Every submit at once; DA3 and DA4 alike go half to A and half to B.
    const answers = await Promise.all(drafts.map((d, i) => on(Math.floor(i / 2) % 2, USERS.maker).act(d.id, 'submit')));

    expect(answers.filter((a) => a.status !== 200).map(brief)).toEqual([]);
    for (const a of answers)
      forms.push({
        id: a.body.id,
        formType: a.body.formType,
        reference: a.body.referenceNumber,
        accounts: a.body.accounts ?? 0,
        checker: null,
        sentToHkex: false,
        completedBy: null,
      });
    const after = await counters();
    for (const type of ['DA3', 'DA4'] as const) {
      const mine = answers.filter((a) => a.body.formType === type);
      expect(mine.filter((a) => a.instance === 'A')).toHaveLength(SUBMITS_PER_TYPE / 2);
      const numbers = mine.map((a) => a.body.referenceNumber as string);
      for (const n of numbers) expect(n).toMatch(new RegExp(`^${type}_\\d{8}$`));
      // What form-store.ts (assignReferenceNumber) promises on PostgreSQL: the counter row's lock serializes the
      // submits and a failed one rolls its increment back, so the numbers follow on without a gap.
      expect(numbers.map((n) => Number(n.slice(4))).sort((p, q) => p - q)).toEqual(
        Array.from({ length: SUBMITS_PER_TYPE }, (_, k) => before[type] + 1 + k),
      );
      expect(after[type]).toBe(before[type] + SUBMITS_PER_TYPE);
    }
    // No number twice in the whole database.
    const [row] = await cluster.sql<{ n: string; distinct: string }>(
      `SELECT count(*) AS n, count(DISTINCT "referenceNumber") AS distinct FROM eservice_form WHERE "referenceNumber" IS NOT NULL`,
    );
    expect(Number(row.distinct)).toBe(Number(row.n));
    expect(Number(row.n)).toBe(forms.length);
    figures['concurrent submits'] = answers.length;
    figures['submits answered by A / B'] =
      `${answers.filter((a) => a.instance === 'A').length} / ${answers.filter((a) => a.instance === 'B').length}`;
  });

  it(`double complete by two operators on two instances: one 202 and one 409 per form, each form COMPLETED once, its registry effect applied once`, async () => {
    const sent = raced.filter((f) => f.sentToHkex);
    expect(sent).toHaveLength(RACED_FORMS);
    const op = on(0, USERS.operator);
    // The arrival check (a job on a worker) is on every form before the operators act.
    for (const f of sent) await waitForForm(op, f.id, (x) => x.arrivalCheck !== null, SETTLE_MS, 'its arrival check');
    const before = ok(await on(0, USERS.maker).get(LISTING), 200, 'listing');
    const problems: string[] = [];

    for (const [i, form] of sent.entries()) {
      const [x, y] = i % 2 === 0 ? [0, 1] : [1, 0];
      const complete = await race(
        `complete ${form.reference}`,
        () => on(x, USERS.operator).act(form.id, 'complete'),
        () => on(y, USERS.operator2).act(form.id, 'complete'),
        202,
        ['CONFLICT', 'COMPLETION_PENDING', 'WRONG_STATE'],
        // Lost at the conditional UPDATE (CONFLICT) or to the pending completion
        // (COMPLETION_PENDING): Sent to HKEX, or Completed if a worker applied the winner's
        // completion before the loser looked again; too late for the action at all (WRONG_STATE): Completed.
        (p) => (p.code === 'WRONG_STATE' ? namesStatus(p, 'COMPLETED') : namesStatus(p, 'SENT_TO_HKEX', 'COMPLETED')),
      );
      tallyRace('complete', complete.result);
      problems.push(...complete.result.problems);
      if (complete.winner)
        form.completedBy =
          complete.winner.body.completionRequested?.name === 'HKEX Operator 1' ? USERS.operator : USERS.operator2;
    }
    expect(problems).toEqual([]);

    // The workers apply the completions; every form ends Completed, with one completion.
    for (const [i, form] of sent.entries()) {
      const done = await waitForForm(
        on(i % 2, USERS.operator2),
        form.id,
        completionSettled,
        SETTLE_MS,
        'its completion',
      );
      expect({ reference: form.reference, status: done.status, problems: done.completionProblems }).toEqual({
        reference: form.reference,
        status: 'COMPLETED',
        problems: null,
      });
      // Read by HKEX staff, who see the operator's name (a participant reads "HKEX").
      const history = ok(
        await on(i % 2, USERS.operator).get(`/eservices/${form.id}/history`),
        200,
        'history',
      ) as unknown as Json[];
      const ends = history.filter((h) => h.toStatus === 'COMPLETED').map((h) => `${h.action} by ${h.by.name}`);
      const operatorName = form.completedBy === USERS.operator ? 'HKEX Operator 1' : 'HKEX Operator 2';
      expect({ reference: form.reference, ends }).toEqual({
        reference: form.reference,
        ends: [`complete by ${operatorName}`],
      });
    }

    // The registry effects, once each: the quota rose by the DA4s' accounts, one new DA per Add.
    const da4s = sent.filter((f) => f.formType === 'DA4');
    const adds = sent.filter((f) => f.formType === 'DA3');
    const after = ok(await on(1, USERS.maker).get(LISTING), 200, 'listing');
    const accounts = da4s.reduce((s, f) => s + f.accounts, 0);
    expect(after.totals.maxUsers).toBe(before.totals.maxUsers + accounts);
    expect(after.totals.totalDelegatedAdministrators).toBe(before.totals.totalDelegatedAdministrators + adds.length);
    const assigned: string[] = [];
    for (const f of adds) {
      const form = ok(await on(0, USERS.maker).get(`/eservices/${f.id}`), 200, 'get');
      assigned.push(form.lines[0].assignedUserId as string);
    }
    expect(new Set(assigned).size).toBe(adds.length);
    for (const id of assigned) {
      expect(id).toMatch(/^B01234[XYZ][1-9]$/);
      expect(after.profiles.filter((p: Json) => p.userId === id && p.isDa)).toHaveLength(1);
    }
    const billing = await cluster.sql<{ formId: string; n: string; accounts: string }>(
      `SELECT "formId", count(*) AS n, sum(accounts) AS accounts FROM billing_record GROUP BY "formId"`,
    );
    expect(billing.map((b) => [b.formId, Number(b.n), Number(b.accounts)]).sort()).toEqual(
      da4s.map((f) => [f.id, 1, f.accounts]).sort(),
    );
    figures['quota increase (accounts)'] = accounts;
    figures['new DAs'] = assigned.sort().join(' ');
  });

  it('each e-mail is sent once: the two worker processes deliver exactly the expected e-mails, in order per form, no Message-ID twice, every delivery SENT', async () => {
    // SPEC §6 (src/notifications/events.ts): submitted → the company's checkers (D Wong, E Lee);
    // sent to HKEX → the maker; completed → the maker and the checker (AAA is also the contact).
    const expected = forms.flatMap((f) => {
      const keys = [
        mailKey(USERS.checker, 'submitted', f.reference),
        mailKey(USERS.checker2, 'submitted', f.reference),
      ];
      if (f.sentToHkex) keys.push(mailKey(USERS.maker, 'sent-to-hkex', f.reference));
      if (f.completedBy)
        keys.push(mailKey(USERS.maker, 'completed', f.reference), mailKey(f.checker!, 'completed', f.reference));
      return keys;
    });
    expect(new Set(expected).size).toBe(expected.length);

    const deadline = Date.now() + 60_000;
    for (;;) {
      const [pending] = await cluster.sql<{ n: string }>(`SELECT count(*) AS n FROM delivery WHERE status <> 'SENT'`);
      if (Number(pending.n) === 0 && received().length >= expected.length) break;
      if (Date.now() > deadline)
        throw new Error(
          `after 60 s: ${pending.n} deliveries not SENT, ${received().length} of ${expected.length} e-mails received`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    // Long enough for a late duplicate (a job run twice, a republished outbox row) to show.
    await Promise.all([...workerSinks, apiSink!].map((k) => k.settle(1500)));

    const mails = received();
    const t = tally(expected, mails);
    const byWorker = workerSinks.map((k) => k.messages.length);
    report('cross-instance e-mails', { forms: forms.length, 'sent by worker 1 / 2': byWorker.join(' / ') }, t);
    figures['e-mails expected'] = t.expected;
    figures['e-mails received'] = mails.length;
    figures['e-mails duplicated'] = `${t.duplicated} (by Message-ID: ${t.duplicatedMessageIds})`;
    figures['e-mails sent by worker 1 / 2'] = byWorker.join(' / ');
    expect({ lost: t.lostKeys, duplicated: t.duplicatedKeys, unexpected: t.unexpectedKeys }).toEqual({
      lost: [],
      duplicated: [],
      unexpected: [],
    });
    expect(t.duplicatedMessageIds).toBe(0);
    expect(mails).toHaveLength(expected.length);
    // Both worker processes took part, and the API processes (WORKERS=off) sent nothing.
    expect(byWorker.every((n) => n > 0)).toBe(true);
    expect(apiSink!.messages.map((m) => m.subject)).toEqual([]);

    // A form's e-mails went out in the order of its history, whichever worker sent each.
    const rank: Record<string, number> = { submitted: 0, 'sent-to-hkex': 1, completed: 2 };
    const position = new Map(accepted.map((id, i) => [id, i]));
    const outOfOrder = forms.flatMap((f) => {
      const ranks = mails
        .filter((m) => referenceOf(m) === f.reference)
        .sort((a, b) => position.get(a.messageId)! - position.get(b.messageId)!)
        .map((m) => rank[eventOf(m) ?? '']);
      return ranks.every((r, i) => i === 0 || ranks[i - 1] <= r) ? [] : [`${f.reference}: ${ranks.join(',')}`];
    });
    expect(outOfOrder).toEqual([]);

    // Every delivery row is SENT with the Message-ID the sink received, and there is one per e-mail.
    const rows = await cluster.sql<{ status: string; messageId: string | null }>(
      `SELECT status, "messageId" FROM delivery`,
    );
    expect(rows).toHaveLength(expected.length);
    expect(rows.filter((r) => r.status !== 'SENT')).toEqual([]);
    expect(rows.map((r) => r.messageId).sort()).toEqual(mails.map((m) => m.messageId).sort());
    for (const m of mails) expect(m.envelope.to).toEqual([m.toAddress]);

    // Nothing is left in the outbox or the queues, and no job failed on the way.
    const [open] = await cluster.sql<{ n: string }>(`SELECT count(*) AS n FROM outbox_message WHERE "doneAt" IS NULL`);
    expect(Number(open.n)).toBe(0);
    for (const name of Object.values(QUEUE_NAMES)) {
      const q = new Queue(name, { connection: { path: cluster.redisSocket } });
      try {
        const c = await q.getJobCounts('waiting', 'active', 'failed', 'completed');
        // A job scheduler (the overdue sweep) always keeps its next run delayed; any other delayed job is left over.
        const delayed = (await q.getDelayed()).filter((job) => !job.repeatJobKey).length;
        expect({ queue: name, waiting: c.waiting, active: c.active, delayed, failed: c.failed }).toEqual({
          queue: name,
          waiting: 0,
          active: 0,
          delayed: 0,
          failed: 0,
        });
        figures[`${name} jobs completed`] = c.completed;
      } finally {
        await q.close();
      }
    }
    // Every process is still up, and none logged a server error.
    expect(cluster.deadChildren()).toEqual([]);
    expect([...cluster.apis, ...cluster.workers].flatMap((c) => c.errorLines().map((l) => `${c.name}: ${l}`))).toEqual(
      [],
    );
  });

  /** Reads the reference counters straight from the database. */
  async function counters(): Promise<Record<'DA3' | 'DA4', number>> {
    const rows = await cluster.sql<{ formType: 'DA3' | 'DA4'; lastValue: number }>(
      `SELECT "formType", "lastValue" FROM reference_counter`,
    );
    return Object.fromEntries(rows.map((r) => [r.formType, Number(r.lastValue)])) as Record<'DA3' | 'DA4', number>;
  }
});

function notLoggedIn(user: string): never {
  throw new Error(`${user} is not logged in`);
}
