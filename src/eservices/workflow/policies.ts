import { RIGHT_USER_MAINTENANCE, UserKind } from '../../auth/app-user.entity';
import { FormStatus, OPERATOR_VISIBLE_STATUSES } from '../../common/form-status';

/**
 * Who may see a form, who may check it and what waits for whom (SPEC §1, §5), each written
 * once as a predicate over the form's columns. The same predicate is read in memory (the
 * workflow's guards, the e-mail recipients, a form opened by id) and written as the WHERE of
 * the lists and tasks (form-lists.ts), so the SQL and the rules cannot drift apart.
 */

/** The caller as the rules see it: a participant user holding the access right, or HKEX staff. */
export interface PolicyActor {
  id: string;
  kind: 'participant' | 'operator';
  companyId: string | null;
}

/** The columns of a form the policies read. */
export interface PolicyForm {
  companyId: string;
  status: FormStatus;
  createdById: string;
  submittedById: string | null;
  contributorIds: readonly string[];
  claimedById: string | null;
  returned: boolean;
}

type Column = 'companyId' | 'createdById' | 'submittedById' | 'claimedById' | 'returned';

/** A condition on one form: read in memory by `holds`, written as SQL by `toSql`. */
export type Predicate =
  | { op: 'status'; in: readonly FormStatus[] }
  | { op: 'eq'; column: Column; value: string | boolean | null }
  | { op: 'isNull'; column: Column }
  | { op: 'notContributor'; userId: string }
  | { op: 'and' | 'or'; of: readonly Predicate[] };

export const statusIn = (...statuses: readonly FormStatus[]): Predicate => ({ op: 'status', in: statuses });
const eq = (column: Column, value: string | boolean | null): Predicate => ({ op: 'eq', column, value });
const and = (...of: Predicate[]): Predicate => ({ op: 'and', of });
const or = (...of: Predicate[]): Predicate => ({ op: 'or', of });
const unclaimedOrClaimedBy = (userId: string): Predicate =>
  or({ op: 'isNull', column: 'claimedById' }, eq('claimedById', userId));

/** Whether the form meets the condition. */
export function holds(p: Predicate, form: PolicyForm): boolean {
  switch (p.op) {
    case 'status':
      return p.in.includes(form.status);
    case 'eq':
      // A condition on a missing value (an operator's company) matches nothing, as in SQL.
      return p.value !== null && form[p.column] === p.value;
    case 'isNull':
      return form[p.column] === null;
    case 'notContributor':
      return !form.contributorIds.includes(p.userId);
    case 'and':
      return p.of.every((q) => holds(q, form));
    case 'or':
      return p.of.some((q) => holds(q, form));
  }
}

/**
 * The condition as SQL over "eservice_form", binding values through `bind` (which returns the
 * placeholder). Statuses are written as literals: a fixed set, so the statement texts stay few.
 */
export function toSql(p: Predicate, bind: (value: unknown) => string): string {
  switch (p.op) {
    case 'status':
      return p.in.length === 1 ? `"status" = '${p.in[0]}'` : `"status" IN (${p.in.map((s) => `'${s}'`).join(', ')})`;
    case 'eq':
      return `"${p.column}" = ${bind(p.value)}`;
    case 'isNull':
      return `"${p.column}" IS NULL`;
    case 'notContributor':
      // contributorIds is a JSON array of UUIDs: a quoted-substring match is exact.
      return `"contributorIds" NOT LIKE ${bind(`%"${p.userId}"%`)}`;
    case 'and':
      return p.of.map((q) => (q.op === 'or' ? `(${toSql(q, bind)})` : toSql(q, bind))).join(' AND ');
    case 'or':
      return p.of.map((q) => (q.op === 'and' ? `(${toSql(q, bind)})` : toSql(q, bind))).join(' OR ');
  }
}

// --- form visibility -------------------------------------------------------------------

/**
 * The forms a caller may see: a participant its own company's, in every status; HKEX staff
 * every form sent to the exchange. Any other form is answered as not found (SPEC §1).
 */
export const visibleTo = (actor: PolicyActor): Predicate =>
  actor.kind === 'operator' ? statusIn(...OPERATOR_VISIBLE_STATUSES) : eq('companyId', actor.companyId);

export const mayView = (actor: PolicyActor, form: PolicyForm): boolean => holds(visibleTo(actor), form);

// --- checker eligibility ---------------------------------------------------------------

/**
 * The forms a participant user may check (claim, confirm; SPEC §1): their company's, and
 * not one they created, edited or submitted. The user must also hold the access right
 * (`isEligibleChecker`); confirming further needs the form not to concern them (`concerns`
 * in forms/registry-effects.ts), which reads the registry and so stays out of SQL.
 */
export const checkableBy = (actor: Pick<PolicyActor, 'id' | 'companyId'>): Predicate =>
  and(eq('companyId', actor.companyId), { op: 'notContributor', userId: actor.id });

/** A user of the form's company who may check it: the e-mail recipients of a submission. */
export interface CheckerCandidate {
  id: string;
  kind: UserKind;
  companyId: string | null;
  rights: readonly string[];
}

export const isEligibleChecker = (user: CheckerCandidate, form: PolicyForm): boolean =>
  user.kind === 'participant' && user.rights.includes(RIGHT_USER_MAINTENANCE) && holds(checkableBy(user), form);

// --- what waits for whom ---------------------------------------------------------------

/** One kind of task: its status and its condition (the condition includes the status). */
export interface TaskKind {
  name: 'to-check' | 'returned' | 'to-process';
  status: FormStatus;
  where: Predicate;
}

/**
 * What waits for the caller (SPEC §5 "Tasks"). Checkers: their company's forms Ready to Send
 * they may check, unclaimed or claimed by them; makers: drafts returned to them (they created
 * or submitted them); HKEX operators: forms Sent to HKEX, unclaimed or claimed by them.
 */
export function tasksOf(actor: PolicyActor): TaskKind[] {
  if (actor.kind === 'operator')
    return [
      {
        name: 'to-process',
        status: 'SENT_TO_HKEX',
        where: and(statusIn('SENT_TO_HKEX'), unclaimedOrClaimedBy(actor.id)),
      },
    ];
  return [
    {
      name: 'to-check',
      status: 'READY_TO_SEND',
      where: and(statusIn('READY_TO_SEND'), checkableBy(actor), unclaimedOrClaimedBy(actor.id)),
    },
    {
      name: 'returned',
      status: 'DRAFT',
      where: and(
        eq('companyId', actor.companyId),
        statusIn('DRAFT'),
        eq('returned', true),
        or(eq('createdById', actor.id), eq('submittedById', actor.id)),
      ),
    },
  ];
}

export const waitsFor = (actor: PolicyActor, form: PolicyForm): boolean =>
  tasksOf(actor).some((t) => holds(t.where, form));
