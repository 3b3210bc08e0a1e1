import { DomainError, ErrorCode } from '../../common/errors';
import type { JobName } from '../../queue/queues';
import { checkableBy, holds, PolicyForm } from './policies';
import { FormStatus, FORM_STATUSES, STATUS_LABELS } from '../../common/form-status';
import { type NotificationEvent } from '../form-notices';

/**
 * The workflow of SPEC §5 in one table: who may take which action from which status,
 * what must hold first, and what the action does (its effects, as data the service
 * executes). Nothing else in the service decides a transition or writes a form's status;
 * adding an action is one row here and one row in its test.
 *
 * The same action name can appear twice for two kinds of actor: `claim` and `release`
 * are the checker's claim of a form Ready to Send to HKEX and the HKEX operator's claim
 * for processing of a form Sent to HKEX.
 *
 * Refusals, in the order they are checked:
 * - 403 `ACTION_NOT_ALLOWED`: this kind of actor never takes this action;
 * - 409 `WRONG_STATE`: not from the form's current status (names it);
 * - the row's guards in order (403 for four-eyes rules, 409 for claims, 400 for a
 *   missing message or reason).
 * The same evaluation answers the form view's `allowedActions` (SPEC §11), without the
 * guards that read the request's body (a message, a reason).
 */
export const ACTIONS = [
  'edit',
  'discard',
  'submit',
  'reclaim',
  'claim',
  'release',
  'return',
  'confirm',
  'complete',
  'reject',
  'clone',
] as const;
export type Action = (typeof ACTIONS)[number];

/** A participant user holding EU_UserMaintenance in the form's company, or HKEX staff. */
export type ActorKind = 'participant' | 'operator';

/** What the table needs to know about the form and the caller. */
export interface TransitionFacts extends PolicyForm {
  actorKind: ActorKind;
  actorId: string;
  actorCompanyId: string | null;
  /** A DA3 line names the actor (by a User ID registered with their e-mail, or their e-mail). */
  concernsActor: boolean;
  /** An operator's completion was requested and a worker has not applied it yet. */
  completionPending?: boolean;
  /** Who requested that completion: named in the refusal. */
  completionRequestedById?: string | null;
  message?: string | null;
  reason?: string | null;
  /** Names a person in a refusal's words ("claimed by D Wong"); to participants HKEX staff are "HKEX". */
  nameOf?: (userId: string) => string;
}

/** What happens to the claim when the transition is taken. A status change always clears it. */
export type ClaimEffect = 'take' | 'release' | 'keep';

/** A refusal: the coded error the action answers with, and the words the form view shows. */
export interface Refusal {
  error: DomainError;
  detail: string;
}

interface Guard {
  /** Reads the request's body (a message, a reason), not the form: not part of allowedActions. */
  input?: true;
  check(f: TransitionFacts): Refusal | null;
}

// --- effects ---------------------------------------------------------------------------

/** The workflow fields of a form an action writes (besides status and claim). */
export type WorkflowField =
  | 'submittedById'
  | 'contributorIds'
  | 'returned'
  | 'confirmedById'
  | 'rejectionReason'
  | 'completionRequestedById'
  | 'completionRequestedAt'
  | 'completionMessage'
  | 'completionProblems'
  | 'completionFailedAt'
  | 'sentAt'
  | 'dueAt';

/**
 * Where a written value comes from: the actor's id, the time of the action, nothing (null),
 * a constant, the request's trimmed message or reason, the contributors with the actor added, or
 * the due date counted from now in Hong Kong business days (SPEC §13, due-dates/).
 */
export type FieldSource = 'actor' | 'now' | 'clear' | 'yes' | 'no' | 'message' | 'reason' | 'add-actor' | 'due-date';

/** The background work an action causes, each job carrying the form's id. */
export type FormJob = Extract<JobName, 'arrival-check' | 'complete'>;

/** What taking an action does, in this order, in the action's transaction (STYLE: writes and what they cause commit together). */
export interface Effects {
  /** Checked against the registry before anything is written: 422 with every problem. */
  check?: 'submittable' | 'completable';
  /** A new form instead of a change of this one (the source's history records it). */
  newForm?: 'clone';
  /** Registry changes applied with the status: the completion's, returning the lines with assigned User IDs. */
  registry?: 'apply-completion';
  set?: Partial<Record<WorkflowField, FieldSource>>;
  /** The history entry's message: the request's message, or else its reason (or the other way round). None: no entry. */
  history?: 'message' | 'message-or-reason' | 'reason-or-message';
  notify?: NotificationEvent;
  /** Only then is `notify` sent: `returned`, when the form had been returned to its maker. */
  notifyIf?: 'returned';
  jobs?: readonly FormJob[];
  /** A reference number is taken the first time the form gets here, and kept after (SPEC §5). */
  referenceNumber?: 'assign-once';
}

export interface TransitionRule {
  action: Action;
  by: ActorKind;
  from: readonly FormStatus[];
  /** `same` keeps the status (claims, edits); clone makes a new form and leaves this one. */
  to: FormStatus | 'same';
  claim: ClaimEffect;
  guards: readonly Guard[];
  effects: Effects;
  /**
   * Requested by the actor and applied by a worker (complete may answer 202, SPEC §9): what
   * the request writes and enqueues; `effects` are what the worker applies, guards checked again.
   */
  requested?: Effects;
}

// --- guards ----------------------------------------------------------------------------

const refuse = (code: ErrorCode, message: string, detail: string, details?: Record<string, unknown>): Refusal => ({
  error: new DomainError(code, message, details),
  detail,
});

const nameOf = (f: TransitionFacts, id: string): string => f.nameOf?.(id) ?? 'another user';

const notClaimed: Guard = {
  check: (f) =>
    f.claimedById === null
      ? null
      : refuse('ALREADY_CLAIMED', 'The form is already claimed.', `claimed by ${nameOf(f, f.claimedById)}`, {
          claimedById: f.claimedById,
        }),
};

const claimedByActor: Guard = {
  check: (f) => {
    if (f.claimedById === f.actorId) return null;
    return f.claimedById === null
      ? refuse('NOT_CLAIMED', 'Claim the form before taking this action.', 'no one has claimed the form')
      : refuse('CLAIMED_BY_OTHER', 'The form is claimed by another user.', `claimed by ${nameOf(f, f.claimedById)}`, {
          claimedById: f.claimedById,
        });
  },
};

const notClaimedByOther: Guard = {
  check: (f) =>
    f.claimedById === null || f.claimedById === f.actorId
      ? null
      : refuse(
          'CLAIMED_BY_OTHER',
          'The form is claimed by another operator.',
          `claimed by ${nameOf(f, f.claimedById)}`,
          { claimedById: f.claimedById },
        ),
};

/** Checker eligibility (policies.ts): not the maker, an editor or the submitter of the form. */
const mayCheck: Guard = {
  check: (f) => {
    if (holds(checkableBy({ id: f.actorId, companyId: f.actorCompanyId }), f)) return null;
    const did = f.submittedById === f.actorId ? 'submitted' : f.createdById === f.actorId ? 'created' : 'edited';
    return refuse('FOUR_EYES', 'The maker or submitter of a form cannot check it.', `you ${did} this form`);
  },
};

const isSubmitter: Guard = {
  check: (f) =>
    f.submittedById === f.actorId
      ? null
      : refuse(
          'NOT_SUBMITTER',
          'Only the maker who submitted the form can reclaim it.',
          'only the maker who submitted the form can reclaim it',
        ),
};

const notConcerned: Guard = {
  check: (f) =>
    f.concernsActor
      ? refuse('SELF_CONCERNING', 'A checker cannot confirm a form that concerns themself.', 'this form concerns you')
      : null,
};

const required = (field: 'message' | 'reason'): Guard => ({
  input: true,
  check: (f) => {
    if (f[field] && f[field].trim().length > 0) return null;
    const error = new DomainError('VALIDATION', `A ${field} is required for this action.`, undefined, [
      { field, message: `${field} is required` },
    ]);
    return { error, detail: `a ${field} is required` };
  },
});

/**
 * While a worker applies a requested completion, nothing else may happen at HKEX: not a second
 * completion nor a rejection, and not a claim or release either, which would silently cancel
 * the pending completion of another operator (the worker re-checks the claim).
 */
const noCompletionPending: Guard = {
  check: (f) =>
    f.completionPending
      ? refuse(
          'COMPLETION_PENDING',
          'A completion of this form is being applied; wait until it is done.',
          f.completionRequestedById
            ? `a completion requested by ${nameOf(f, f.completionRequestedById)} is being applied`
            : 'a completion is being applied',
          { completionRequestedById: f.completionRequestedById ?? null },
        )
      : null,
};

/**
 * SPEC §13: a claim held by someone away can be released by a colleague who could hold it
 * themself (another eligible checker of the company; another HKEX operator), with a reason. The
 * holder releases without one. Anyone else is refused as before: the form is claimed by another.
 */
const releasableBy = (kind: ActorKind): Guard => ({
  check: (f) => {
    if (f.claimedById === null || f.claimedById === f.actorId) return claimedByActor.check(f);
    const colleague = kind === 'operator' || holds(checkableBy({ id: f.actorId, companyId: f.actorCompanyId }), f);
    return colleague ? null : claimedByActor.check(f);
  },
});

/** Releasing someone else's claim needs a reason (kept in the history, sent to the holder). */
const reasonUnlessHolder: Guard = {
  input: true,
  check: (f) => (f.claimedById === f.actorId ? null : required('reason').check(f)),
};

// --- the table -------------------------------------------------------------------------

const ANY_STATUS = FORM_STATUSES;
const RECORDED: Effects = { history: 'message' };
/** A release keeps its reason in the history; the holder is told when someone else released it. */
const RELEASED: Effects = { history: 'reason-or-message', notify: 'claim-released' };

export const TRANSITIONS: readonly TransitionRule[] = [
  {
    action: 'edit',
    by: 'participant',
    from: ['DRAFT'],
    to: 'same',
    claim: 'keep',
    guards: [],
    // The content it changes comes from the request (FormDrafts.update).
    effects: { set: { contributorIds: 'add-actor' }, history: 'message' },
  },
  {
    action: 'discard',
    by: 'participant',
    from: ['DRAFT'],
    to: 'DISCARDED',
    claim: 'keep',
    guards: [],
    // A returned draft had been put to the checkers: they are told it will not come back (SPEC §13).
    effects: { history: 'message', notify: 'discarded', notifyIf: 'returned' },
  },
  {
    action: 'submit',
    by: 'participant',
    from: ['DRAFT'],
    to: 'READY_TO_SEND',
    claim: 'keep',
    guards: [],
    effects: {
      check: 'submittable',
      set: { submittedById: 'actor', contributorIds: 'add-actor', returned: 'no' },
      history: 'message',
      notify: 'submitted',
      referenceNumber: 'assign-once',
    },
  },
  {
    action: 'reclaim',
    by: 'participant',
    from: ['READY_TO_SEND'],
    to: 'DRAFT',
    claim: 'keep',
    guards: [isSubmitter, notClaimed],
    // The checkers asked to act are told it no longer waits for them (SPEC §13).
    effects: { history: 'message', notify: 'reclaimed' },
  },
  {
    action: 'claim',
    by: 'participant',
    from: ['READY_TO_SEND'],
    to: 'same',
    claim: 'take',
    guards: [mayCheck, notClaimed],
    effects: RECORDED,
  },
  {
    action: 'release',
    by: 'participant',
    from: ['READY_TO_SEND'],
    to: 'same',
    claim: 'release',
    guards: [releasableBy('participant'), reasonUnlessHolder],
    effects: RELEASED,
  },
  {
    action: 'return',
    by: 'participant',
    from: ['READY_TO_SEND'],
    to: 'DRAFT',
    claim: 'keep',
    guards: [claimedByActor, required('message')],
    effects: { set: { returned: 'yes' }, history: 'message', notify: 'returned' },
  },
  {
    action: 'confirm',
    by: 'participant',
    from: ['READY_TO_SEND'],
    to: 'SENT_TO_HKEX',
    claim: 'keep',
    guards: [mayCheck, claimedByActor, notConcerned],
    effects: {
      set: { confirmedById: 'actor', sentAt: 'now', dueAt: 'due-date' },
      history: 'message',
      notify: 'sent-to-hkex',
      jobs: ['arrival-check'],
    },
  },
  {
    action: 'claim',
    by: 'operator',
    from: ['SENT_TO_HKEX'],
    to: 'same',
    claim: 'take',
    guards: [noCompletionPending, notClaimed],
    effects: RECORDED,
  },
  {
    action: 'release',
    by: 'operator',
    from: ['SENT_TO_HKEX'],
    to: 'same',
    claim: 'release',
    guards: [releasableBy('operator'), noCompletionPending, reasonUnlessHolder],
    effects: RELEASED,
  },
  {
    action: 'complete',
    by: 'operator',
    from: ['SENT_TO_HKEX'],
    to: 'COMPLETED',
    claim: 'keep',
    guards: [notClaimedByOther, noCompletionPending],
    // Checked now against the registry as it is (422 at once), applied by a worker that checks again;
    // the operator's message waits on the form for the worker's history entry and e-mails.
    requested: {
      check: 'completable',
      set: {
        completionRequestedById: 'actor',
        completionRequestedAt: 'now',
        completionMessage: 'message',
        // Whatever an earlier request left (a failed completion) is cleared.
        completionProblems: 'clear',
        completionFailedAt: 'clear',
      },
      jobs: ['complete'],
    },
    effects: {
      registry: 'apply-completion',
      set: {
        completionRequestedById: 'clear',
        completionRequestedAt: 'clear',
        completionMessage: 'clear',
        completionProblems: 'clear',
        completionFailedAt: 'clear',
      },
      history: 'message',
      notify: 'completed',
    },
  },
  {
    action: 'reject',
    by: 'operator',
    from: ['SENT_TO_HKEX'],
    to: 'REJECTED',
    claim: 'keep',
    guards: [notClaimedByOther, noCompletionPending, required('reason')],
    // A rejection without a message keeps its reason as the history's message.
    effects: {
      set: { rejectionReason: 'reason', completionRequestedById: 'clear' },
      history: 'message-or-reason',
      notify: 'rejected',
    },
  },
  {
    action: 'clone',
    by: 'participant',
    from: ANY_STATUS,
    to: 'same',
    claim: 'keep',
    guards: [],
    effects: { newForm: 'clone' },
  },
];

// --- deciding --------------------------------------------------------------------------

export interface TransitionPlan {
  rule: TransitionRule;
  to: FormStatus;
  statusChanges: boolean;
  claimedById: string | null;
}

export type Decision = { allowed: true; plan: TransitionPlan } | ({ allowed: false } & Refusal);

/**
 * Decides one action: the plan, or the refusal with its words. Pure: no I/O, no clock.
 * `input: false` leaves out the guards that read the request's body (the form view's question:
 * may the caller take this action at all).
 */
export function decide(action: Action, facts: TransitionFacts, options: { input?: boolean } = {}): Decision {
  const forActor = TRANSITIONS.filter((r) => r.action === action && r.by === facts.actorKind);
  if (forActor.length === 0) {
    return {
      allowed: false,
      ...refuse(
        'ACTION_NOT_ALLOWED',
        `${describeActor(facts.actorKind)} cannot ${action} a form.`,
        `${describeActor(facts.actorKind).toLowerCase()} cannot ${action} a form`,
      ),
    };
  }
  const rule = forActor.find((r) => r.from.includes(facts.status));
  if (!rule) {
    const label = STATUS_LABELS[facts.status];
    return {
      allowed: false,
      ...refuse('WRONG_STATE', `Cannot ${action} a form that is ${label}.`, `the form is ${label}`, {
        currentStatus: facts.status,
        currentStatusLabel: label,
      }),
    };
  }
  for (const guard of rule.guards) {
    if (guard.input && options.input === false) continue;
    const refusal = guard.check(facts);
    if (!refusal) continue;
    // A conflict names the form's current state (SPEC §5), whichever guard found it.
    if (refusal.error.status !== 409) return { allowed: false, ...refusal };
    const { code, message, details } = refusal.error;
    const error = new DomainError(code, message, {
      ...details,
      currentStatus: facts.status,
      currentStatusLabel: STATUS_LABELS[facts.status],
    });
    return { allowed: false, error, detail: refusal.detail };
  }
  const to = rule.to === 'same' ? facts.status : rule.to;
  const statusChanges = to !== facts.status;
  let claimedById = facts.claimedById;
  if (statusChanges) claimedById = null;
  else if (rule.claim === 'take') claimedById = facts.actorId;
  else if (rule.claim === 'release') claimedById = null;
  return { allowed: true, plan: { rule, to, statusChanges, claimedById } };
}

/** Decides one action, or throws the coded refusal. */
export function planTransition(action: Action, facts: TransitionFacts): TransitionPlan {
  const decision = decide(action, facts);
  if (!decision.allowed) throw decision.error;
  return decision.plan;
}

/** One action of the form view's `allowedActions` (SPEC §11). */
export interface AllowedAction {
  action: Action;
  allowed: boolean;
  /** Why not: the code the action's refusal carries, and words for a person. */
  reason?: { code: ErrorCode; detail: string };
}

/** The actions a kind of actor has in the table, in the order of ACTIONS. */
export const actionsOf = (kind: ActorKind): Action[] =>
  ACTIONS.filter((action) => TRANSITIONS.some((r) => r.action === action && r.by === kind));

/**
 * Every action the caller's kind has, allowed or not with the refusal's code and words: the
 * same decision the action itself takes, without the request body's guards.
 */
export function allowedActions(facts: TransitionFacts): AllowedAction[] {
  return actionsOf(facts.actorKind).map((action) => {
    const decision = decide(action, facts, { input: false });
    return decision.allowed
      ? { action, allowed: true }
      : { action, allowed: false, reason: { code: decision.error.code, detail: decision.detail } };
  });
}

function describeActor(kind: ActorKind): string {
  return kind === 'operator' ? 'An HKEX operator' : 'A participant user';
}
