import request from 'supertest';
import { Api, DEMO_PASSWORD, expectStatus, FormJson, TestApp, USERS } from './test-app';
import { Crew } from './workflow';

/**
 * Builders for e2e fixtures beyond the demo data: a fresh company per test (loaded with
 * `t.load`, SPEC §10), so registry totals and task lists are the test's own; the problem
 * document assertions of SPEC §8; and the "nothing changed" check of a refused request.
 */

export type DaRole = 'maker' | 'checker';

/** One DMS user profile as the data file (SPEC §10) and the listing (SPEC §3) hold it. */
export interface ProfileRow {
  userId: string;
  surname: string;
  otherNames: string;
  email: string;
  isDa: boolean;
  daRole?: DaRole;
  status: 'ENABLED' | 'DISABLED';
  locked: boolean;
  otpEnabled: boolean;
  passwordSetupRequired?: boolean;
}

/** The registry listing of `GET /participantships/{ch}/{id}/user-profiles`. */
export interface ListingJson {
  clearingHouse: string;
  participantId: string;
  company: string;
  userIdPrefix: string;
  totals: {
    maxUsers: number;
    totalUsers: number;
    totalDelegatedAdministrators: number;
    totalUsersExceptDelegatedAdministrators: number;
  };
  profiles: (Omit<ProfileRow, 'daRole'> & { daRole: DaRole | null; passwordSetupRequired: boolean })[];
}

export interface ProblemJson {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { field: string; message: string }[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [extra: string]: any;
}

export interface HistoryJson {
  action: string;
  fromStatus: string | null;
  toStatus: string;
  by: { id: string; name: string };
  at: string;
  message: string | null;
  changes?: { field: string; before: string | number | boolean | null; after: string | number | boolean | null }[];
}

export const daProfile = (
  userId: string,
  daRole: DaRole,
  email: string,
  overrides: Partial<ProfileRow> = {},
): ProfileRow => ({
  userId,
  surname: `SURNAME ${userId}`,
  otherNames: `NAMES ${userId}`,
  email,
  isDa: true,
  daRole,
  status: 'ENABLED',
  locked: false,
  otpEnabled: true,
  ...overrides,
});

export const userProfile = (userId: string, email: string, overrides: Partial<ProfileRow> = {}): ProfileRow => ({
  userId,
  surname: `SURNAME ${userId}`,
  otherNames: `NAMES ${userId}`,
  email,
  isDa: false,
  status: 'ENABLED',
  locked: false,
  otpEnabled: true,
  ...overrides,
});

/** A participant company of its own, with one maker and two checkers holding EU_UserMaintenance. */
export interface CompanyFixture {
  name: string;
  domain: string;
  /** HKSCC Participant IDs, which are also the User ID prefixes; the first is the main one. */
  participantIds: string[];
  participantId: string;
  /** Login names (demo password). checker's e-mail is the registered e-mail of DA `X2`. */
  maker: string;
  checker: string;
  checker2: string;
  /** Display names of the three users. */
  names: { maker: string; checker: string; checker2: string };
  /** `id('X1')` is the User ID `<prefix>X1` of the main participantship. */
  id(suffix: string): string;
  email(local: string): string;
  listingPath(participantId?: string): string;
  da3(overrides?: object): object;
  da4(overrides?: object): object;
  /** The registered profiles as loaded, per participantship. */
  profiles: ProfileRow[];
}

export interface CompanyOptions {
  /** Account quota of each participantship; default 70. */
  maxUsers?: number;
  /** How many HKSCC participantships (default 1). */
  participantships?: number;
  /** Profiles in addition to the default X1 maker, X2/X3 checkers and 01 non-DA user. */
  extraProfiles?: (id: (suffix: string) => string, email: (local: string) => string) => ProfileRow[];
  /** Replaces the default profiles altogether. */
  profiles?: (id: (suffix: string) => string, email: (local: string) => string) => ProfileRow[];
}

let companySeq = 0;

/**
 * Loads a new company through the data loader of SPEC §10 and fails if any row is rejected.
 * Default registry of each participantship P: PX1 maker, PX2 checker (registered with the
 * checker's own e-mail, as D Wong is with B01234X2), PX3 checker, P01 a non-DA user.
 */
export async function loadCompany(t: TestApp, options: CompanyOptions = {}): Promise<CompanyFixture> {
  const n = ++companySeq;
  const tag = `${String(n).padStart(4, '0')}`;
  const domain = `co${tag}.example.com.hk`;
  const email = (local: string): string => `${local}@${domain}`;
  const participantIds = Array.from({ length: options.participantships ?? 1 }, (_, i) => `T${tag}${'ABCDEFGH'[i]}`);
  const names = { maker: `Maker ${tag}`, checker: `Checker ${tag}`, checker2: `Second Checker ${tag}` };
  const maker = email('maker');
  const checker = email('checker1');
  const checker2 = email('checker2');
  const profilesOf = (prefix: string): ProfileRow[] => {
    const id = (suffix: string): string => prefix + suffix.toUpperCase();
    const base = options.profiles
      ? options.profiles(id, email)
      : [
          daProfile(id('X1'), 'maker', email('x1')),
          daProfile(id('X2'), 'checker', checker),
          daProfile(id('X3'), 'checker', email('x3')),
          userProfile(id('01'), email('u01')),
        ];
    return [...base, ...(options.extraProfiles?.(id, email) ?? [])];
  };
  const name = `Fixture Company ${tag}`;
  const report = await t.load({
    companies: [
      {
        name,
        participantships: participantIds.map((pid) => ({
          participantId: pid,
          clearingHouse: 'HKSCC',
          kind: 'CP',
          userIdPrefix: pid,
          maxUsers: options.maxUsers ?? 70,
          profiles: profilesOf(pid),
        })),
        users: [
          {
            username: maker,
            name: names.maker,
            phone: '21110000',
            password: DEMO_PASSWORD,
            rights: ['EU_UserMaintenance'],
          },
          {
            username: checker,
            name: names.checker,
            phone: '21110001',
            password: DEMO_PASSWORD,
            rights: ['EU_UserMaintenance'],
          },
          {
            username: checker2,
            name: names.checker2,
            phone: '21110002',
            password: DEMO_PASSWORD,
            rights: ['EU_UserMaintenance'],
          },
        ],
      },
    ],
  });
  if (report.rejected.length) throw new Error(`fixture company rejected: ${JSON.stringify(report.rejected)}`);
  const main = participantIds[0];
  return {
    name,
    domain,
    participantIds,
    participantId: main,
    maker,
    checker,
    checker2,
    names,
    id: (suffix) => main + suffix.toUpperCase(),
    email,
    listingPath: (pid = main) => `/participantships/HKSCC/${pid}/user-profiles`,
    da3: (overrides = {}) => ({
      formType: 'DA3',
      clearingHouse: 'HKSCC',
      participantId: main,
      requestType: 'CHANGE',
      lines: [{ userId: main + 'X1', email: email('x1.new') }],
      declarationAccepted: true,
      ...overrides,
    }),
    da4: (overrides = {}) => ({
      formType: 'DA4',
      clearingHouse: 'HKSCC',
      participantId: main,
      accounts: 2,
      declarationAccepted: true,
      ...overrides,
    }),
    profiles: profilesOf(main),
  };
}

/** Another HKEX operator (SPEC §1), loaded as SPEC §10 describes. */
export async function loadOperator(t: TestApp, username: string, name: string): Promise<string> {
  const report = await t.load({ operators: [{ username, name, password: DEMO_PASSWORD }] });
  if (report.rejected.length) throw new Error(`operator rejected: ${JSON.stringify(report.rejected)}`);
  return username;
}

/** A fixture company's crew: its maker, its second checker (not registered as a DA of its own) and HKEX Operator 1. */
export const crewOf = (co: CompanyFixture): Crew => ({
  maker: co.maker,
  checker: co.checker2,
  operator: USERS.operator,
});

export async function listingOf(api: Api, path: string): Promise<ListingJson> {
  return (await expectStatus(api.get(path), 200)).body as ListingJson;
}

export async function historyOf(api: Api, id: string): Promise<HistoryJson[]> {
  return (await expectStatus(api.get(`/eservices/${id}/history`), 200)).body as HistoryJson[];
}

/** A form and its history as one user sees them, to prove later that a refusal changed nothing. */
export interface FormState {
  form: FormJson;
  history: HistoryJson[];
}

export async function formState(api: Api, id: string): Promise<FormState> {
  const form = (await expectStatus(api.get(`/eservices/${id}`), 200)).body as FormJson;
  return { form, history: await historyOf(api, id) };
}

/** The form (every field, version included) and its history are exactly as before. */
export async function expectUnchanged(api: Api, id: string, before: FormState): Promise<void> {
  const after = await formState(api, id);
  expect(after.form).toEqual(before.form);
  expect(after.history).toEqual(before.history);
}

/**
 * A refusal as SPEC §8/§9 want it: the status, `application/problem+json`, the stable
 * `code` when given, and nothing that looks like a stack trace. Returns the problem.
 */
export async function expectProblem(
  test: request.Test | Promise<request.Response>,
  status: number,
  code?: string,
): Promise<ProblemJson> {
  const res = await test;
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: { status, ...(code ? { code } : {}) },
  });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(typeof res.body.title).toBe('string');
  expect(typeof res.body.detail).toBe('string');
  expect(res.body).not.toHaveProperty('stack');
  expect(res.text).not.toMatch(/\n\s+at |\bat .+:\d+:\d+|node_modules|\.[jt]s:\d+/);
  return res.body as ProblemJson;
}

/** The field paths a problem names. */
export const fieldsOf = (problem: ProblemJson): string[] => (problem.errors ?? []).map((e) => e.field);

/** `07-Feb-2023`, computed independently of the service with the platform's time-zone data. */
export function hktDate(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Hong_Kong',
    day: '2-digit',
    month: 'short',
    year: 'numeric',
  }).formatToParts(at);
  const part = (type: string): string => parts.find((p) => p.type === type)!.value;
  return `${part('day')}-${part('month')}-${part('year')}`;
}
