import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AppUser, UserKind } from '../auth/app-user.entity';
import { hashPassword, PASSWORD_NOT_SET } from '../auth/password';
import { passwordProblems } from '../auth/password-policy';
import { Clock } from '../common/clock';
import { isEmailAddress } from '../common/email';
import { Company } from './company.entity';
import { RemovedByForm } from './removed-user-ids';
import { Participantship } from './participantship.entity';
import { UserProfile } from './user-profile.entity';
import {
  CLEARING_HOUSES,
  ClearingHouse,
  normalizeUserId,
  PARTICIPANT_KINDS,
  ParticipantKind,
  prefixProblem,
  userIdProblem,
} from './user-id';
import { USER_LANGUAGES, UserLanguage } from '../i18n/languages';

/** The data file of SPEC §10. Loading is an upsert: loading the same file twice changes nothing. */
export interface DataFile {
  companies?: unknown[];
  operators?: unknown[];
  administrators?: unknown[];
}

export interface RejectedRow {
  path: string;
  reason: string;
}

export interface LoadReport {
  created: number;
  updated: number;
  unchanged: number;
  rejected: RejectedRow[];
}

export type Progress = (done: number, total: number) => void;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (o: Obj, key: string): string | undefined =>
  typeof o[key] === 'string' ? (o[key] as string).trim() : undefined;

class RowError extends Error {}
const reject = (reason: string): never => {
  throw new RowError(reason);
};
const need = (o: Obj, key: string, max = 200): string => {
  const v = str(o, key);
  if (!v) reject(`${key} is required`);
  if (v!.length > max) reject(`${key} is longer than ${max} characters`);
  return v!;
};

/** Counts the rows of a file, so the progress bar knows its end before loading starts. */
export function countRows(file: DataFile): number {
  let n = (file.operators?.length ?? 0) + (file.administrators?.length ?? 0);
  for (const c of file.companies ?? []) {
    n++;
    if (!isObj(c)) continue;
    n += Array.isArray(c.users) ? c.users.length : 0;
    for (const p of Array.isArray(c.participantships) ? c.participantships : []) {
      n++;
      if (isObj(p) && Array.isArray(p.profiles)) n += p.profiles.length;
    }
  }
  return n;
}

/**
 * Loads companies, participantships, profiles, users and operators. Each row is checked
 * on its own: a bad row is reported with its path and skipped, the rest still load (a
 * company that is rejected takes its participantships and users with it).
 * Password hashes are computed before `em` is used, so the write transaction stays short.
 */
export async function loadDataFile(
  em: EntityManager,
  file: DataFile,
  clock: Clock,
  hashes: Map<string, string>,
  removedByForm: RemovedByForm,
  progress: Progress = () => undefined,
): Promise<LoadReport> {
  const report: LoadReport = { created: 0, updated: 0, unchanged: 0, rejected: [] };
  const total = countRows(file);
  let done = 0;
  const step = (): void => progress(++done, total);
  const count = (outcome: 'created' | 'updated' | 'unchanged'): void => void report[outcome]++;

  const row = async (path: string, work: () => Promise<'created' | 'updated' | 'unchanged'>, skipped = 0) => {
    try {
      count(await work());
      return true;
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      report.rejected.push({ path, reason: e.message });
      for (let i = 0; i < skipped; i++) step();
      return false;
    } finally {
      step();
    }
  };

  if (!isObj(file)) {
    report.rejected.push({ path: '$', reason: 'the file must hold a JSON object' });
    return report;
  }

  for (const [ci, c] of asArray(file.companies).entries()) {
    const cPath = `companies[${ci}]`;
    const children = isObj(c) ? countRows({ companies: [c] }) - 1 : 0;
    let company: Company | null = null;
    const ok = await row(
      cPath,
      async () => {
        if (!isObj(c)) reject('a company must be an object');
        const name = need(c as Obj, 'name');
        company = await em.findOneBy(Company, { name });
        if (company) return 'unchanged';
        company = em.create(Company, { id: randomUUID(), name });
        await em.save(company);
        return 'created';
      },
      children,
    );
    if (!ok || !company) continue;
    const companyId = (company as Company).id;
    const co = c as Obj;

    for (const [pi, p] of asArray(co.participantships).entries()) {
      const pPath = `${cPath}.participantships[${pi}]`;
      let ship: Participantship | null = null;
      let shipIsNew = false;
      const profiles = isObj(p) && Array.isArray(p.profiles) ? p.profiles : [];
      const shipOk = await row(
        pPath,
        async () => {
          const result = await upsertParticipantship(em, p, companyId);
          ship = result.ship;
          shipIsNew = result.outcome === 'created';
          return result.outcome;
        },
        profiles.length,
      );
      if (!shipOk || !ship) continue;
      for (const [ri, profile] of profiles.entries()) {
        await row(`${pPath}.profiles[${ri}]`, () =>
          upsertProfile(em, profile, ship as unknown as Participantship, shipIsNew, removedByForm),
        );
      }
    }
    for (const [ui, u] of asArray(co.users).entries()) {
      await row(`${cPath}.users[${ui}]`, () => upsertUser(em, u, 'participant', companyId, clock, hashes));
    }
  }
  for (const [kind, list] of [
    ['operator', file.operators],
    ['admin', file.administrators],
  ] as const) {
    for (const [i, u] of asArray(list).entries()) {
      await row(`${kind === 'operator' ? 'operators' : 'administrators'}[${i}]`, () =>
        upsertUser(em, u, kind, null, clock, hashes),
      );
    }
  }
  return report;
}

async function upsertParticipantship(
  em: EntityManager,
  p: unknown,
  companyId: string,
): Promise<{ ship: Participantship; outcome: 'created' | 'updated' | 'unchanged' }> {
  if (!isObj(p)) reject('a participantship must be an object');
  const o = p as Obj;
  const clearingHouse = need(o, 'clearingHouse').toUpperCase() as ClearingHouse;
  if (!CLEARING_HOUSES.includes(clearingHouse)) reject(`clearingHouse must be one of ${CLEARING_HOUSES.join(', ')}`);
  const participantId = need(o, 'participantId', 10).toUpperCase();
  const kind = (str(o, 'kind') ?? 'CP').toUpperCase() as ParticipantKind;
  if (!PARTICIPANT_KINDS.includes(kind)) reject(`kind must be one of ${PARTICIPANT_KINDS.join(', ')}`);
  const userIdPrefix = need(o, 'userIdPrefix', 6).toUpperCase();
  const problem = prefixProblem(clearingHouse, kind, participantId, userIdPrefix);
  if (problem) reject(problem);
  const maxUsers = o.maxUsers;
  if (typeof maxUsers !== 'number' || !Number.isInteger(maxUsers) || maxUsers < 1 || maxUsers > 100000)
    reject('maxUsers must be a whole number from 1');
  const existing = await em.findOneBy(Participantship, { clearingHouse, participantId });
  if (existing && existing.companyId !== companyId)
    reject(`${clearingHouse} ${participantId} belongs to another company`);
  const prefixOwner = await em.findOneBy(Participantship, { userIdPrefix });
  if (prefixOwner && prefixOwner.id !== existing?.id) reject(`the User ID prefix ${userIdPrefix} is already in use`);
  const values = { companyId, clearingHouse, participantId, kind, userIdPrefix };
  if (!existing) {
    const ship = em.create(Participantship, { id: randomUUID(), ...values, maxUsers: maxUsers as number });
    await em.save(ship);
    return { ship, outcome: 'created' };
  }
  // The quota is the file's only at creation: DA4 forms raise it from then on.
  if (sameValues(existing, values)) return { ship: existing, outcome: 'unchanged' };
  Object.assign(existing, values);
  await em.save(existing);
  return { ship: existing, outcome: 'updated' };
}

async function upsertProfile(
  em: EntityManager,
  r: unknown,
  ship: Participantship,
  shipIsNew: boolean,
  removedByForm: RemovedByForm,
): Promise<'created' | 'updated' | 'unchanged'> {
  if (!isObj(r)) reject('a profile must be an object');
  const o = r as Obj;
  const userId = normalizeUserId(need(o, 'userId', 8));
  const isDa = o.isDa === true;
  const idProblem = userIdProblem(userId, ship.userIdPrefix, isDa ? undefined : 'user');
  if (idProblem) reject(idProblem);
  const email = need(o, 'email', 254);
  if (!isEmailAddress(email)) reject('email is not a valid e-mail address');
  const daRole = isDa ? (str(o, 'daRole') ?? '').toLowerCase() : null;
  if (isDa && daRole !== 'maker' && daRole !== 'checker') reject('daRole must be maker or checker for a DA');
  const status = (str(o, 'status') ?? 'ENABLED').toUpperCase();
  if (status !== 'ENABLED' && status !== 'DISABLED') reject('status must be ENABLED or DISABLED');
  const names = { surname: need(o, 'surname', 100), otherNames: str(o, 'otherNames') ?? '' };
  const existing = await em.findOneBy(UserProfile, { userId });
  if (existing && existing.participantshipId !== ship.id) reject(`${userId} belongs to another participantship`);
  // A profile a completed DA3 Delete removed stays removed, and once a DA3 Add gave its User ID
  // to someone else, the file's row describes the person who left: neither is the file's now.
  if (!shipIsNew && (await removedByForm(em, ship.id, userId))) return 'unchanged';
  if (!existing) {
    await em.save(
      em.create(UserProfile, {
        id: randomUUID(),
        participantshipId: ship.id,
        userId,
        ...names,
        email,
        isDa,
        daRole: daRole as UserProfile['daRole'],
        status: status as UserProfile['status'],
        locked: o.locked === true,
        otpEnabled: o.otpEnabled === true,
        passwordSetupRequired: o.passwordSetupRequired === true,
      }),
    );
    return 'created';
  }
  // The e-mail, DA role, status, lock and OTP flags are the file's only at creation: DA3 forms
  // (Change, Add, Unlock, Enable, Disable) change them from then on.
  if (sameValues(existing, names)) return 'unchanged';
  await em.save(Object.assign(existing, names));
  return 'updated';
}

async function upsertUser(
  em: EntityManager,
  r: unknown,
  kind: UserKind,
  companyId: string | null,
  clock: Clock,
  hashes: Map<string, string>,
): Promise<'created' | 'updated' | 'unchanged'> {
  if (!isObj(r)) reject('a user must be an object');
  const o = r as Obj;
  const username = need(o, 'username', 254).toLowerCase();
  if (!isEmailAddress(username)) reject('username must be an e-mail address');
  // No password: the user sets one at first logon (an e-mailed code, then the password twice).
  const password = typeof o.password === 'string' ? o.password : null;
  const problems = password === null ? [] : passwordProblems(password);
  if (problems.length) reject(`the password needs ${problems.join(', ')}`);
  const hashOf = (): string =>
    password === null ? PASSWORD_NOT_SET : (hashes.get(password) ?? reject('internal: password not hashed'));
  const rights = o.rights === undefined ? [] : o.rights;
  if (!Array.isArray(rights) || rights.some((x) => typeof x !== 'string')) reject('rights must be a list of names');
  const totpSecret = str(o, 'totpSecret') ?? null;
  // RFC 4226 asks for at least 128-bit secrets: 26 base32 characters.
  if (totpSecret && !/^[A-Z2-7]{26,128}=*$/.test(totpSecret))
    reject('totpSecret must be base32, at least 26 characters');
  const language = str(o, 'language') ?? 'en';
  if (!(USER_LANGUAGES as readonly string[]).includes(language))
    reject(`language must be ${USER_LANGUAGES.join(' or ')}`);
  const values = {
    username,
    name: need(o, 'name'),
    email: (str(o, 'email') ?? username).toLowerCase(),
    phone: str(o, 'phone') ?? null,
    kind,
    companyId,
    rights: kind === 'participant' ? (rights as string[]) : [],
  };
  const existing = await em.findOneBy(AppUser, { username });
  if (existing && (existing.kind !== kind || existing.companyId !== companyId))
    reject(`${username} is already a user of another company or kind`);
  if (!existing) {
    const passwordHash = hashOf();
    const now = clock.now();
    await em.save(
      em.create(AppUser, {
        id: randomUUID(),
        ...values,
        passwordHash,
        totpSecret,
        createdAt: now,
        passwordChangedAt: now,
        tokenVersion: 0,
        lastTotpStep: null,
        language: language as UserLanguage,
        pendingTotpSecret: null,
      }),
    );
    return 'created';
  }
  // The password, the authenticator and the language are the file's only at creation: the
  // user's own from then on (a password change or reset, an enrolment, PATCH /me), or an
  // administrator's (unlock, OTP reset).
  if (sameValues(existing, values)) return 'unchanged';
  await em.save(Object.assign(existing, values));
  return 'updated';
}

/** Hashes every distinct password in the file once, before the write transaction opens. */
export async function hashPasswordsOf(file: DataFile): Promise<Map<string, string>> {
  const passwords = new Set<string>();
  const collect = (list: unknown): void => {
    for (const u of Array.isArray(list) ? list : [])
      if (isObj(u) && typeof u.password === 'string') passwords.add(u.password);
  };
  for (const c of file.companies ?? []) if (isObj(c)) collect(c.users);
  collect(file.operators);
  collect(file.administrators);
  const hashes = new Map<string, string>();
  for (const p of passwords) if (passwordProblems(p).length === 0) hashes.set(p, await hashPassword(p));
  return hashes;
}

function sameValues(existing: object, values: object): boolean {
  return Object.entries(values).every(
    ([k, v]) => JSON.stringify((existing as Record<string, unknown>)[k]) === JSON.stringify(v),
  );
}
