import { DomainError } from '../../common/errors';
import { FormStatus, FORM_STATUSES, STATUS_LABELS } from './status';

/**
 * The workflow of SPEC §5 in one table: who may take which action from which status,
 * and what must hold first. Nothing else in the service decides a transition or writes
 * a form's status; adding an action is one row here and one row in its test.
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
export interface TransitionFacts {
  status: FormStatus;
  actorKind: ActorKind;
  actorId: string;
  claimedById: string | null;
  /** Everyone who created, edited or submitted the form: none of them may check it. */
  contributorIds: readonly string[];
  submittedById: string | null;
  /** A DA3 line names the actor (by a User ID registered with their e-mail, or their e-mail). */
  concernsActor: boolean;
  /** An operator's completion was requested and a worker has not applied it yet. */
  completionPending?: boolean;
  /** Who requested that completion: named in the refusal. */
  completionRequestedById?: string | null;
  message?: string | null;
  reason?: string | null;
}

/** What happens to the claim when the transition is taken. A status change always clears it. */
export type ClaimEffect = 'take' | 'release' | 'keep';

type Guard = (f: TransitionFacts) => DomainError | null;

export interface TransitionRule {
  action: Action;
  by: ActorKind;
  from: readonly FormStatus[];
  /** `same` keeps the status (claims, edits); clone makes a new form and leaves this one. */
  to: FormStatus | 'same';
  claim: ClaimEffect;
  guards: readonly Guard[];
}

const notClaimed: Guard = (f) =>
  f.claimedById === null
    ? null
    : new DomainError('ALREADY_CLAIMED', 'The form is already claimed.', { claimedById: f.claimedById });

const claimedByActor: Guard = (f) => {
  if (f.claimedById === f.actorId) return null;
  return f.claimedById === null
    ? new DomainError('NOT_CLAIMED', 'Claim the form before taking this action.')
    : new DomainError('CLAIMED_BY_OTHER', 'The form is claimed by another user.', { claimedById: f.claimedById });
};

const notClaimedByOther: Guard = (f) =>
  f.claimedById === null || f.claimedById === f.actorId
    ? null
    : new DomainError('CLAIMED_BY_OTHER', 'The form is claimed by another operator.', {
        claimedById: f.claimedById,
      });

const notContributor: Guard = (f) =>
  f.contributorIds.includes(f.actorId)
    ? new DomainError('FOUR_EYES', 'The maker or submitter of a form cannot check it.')
    : null;

const isSubmitter: Guard = (f) =>
  f.submittedById === f.actorId
    ? null
    : new DomainError('NOT_SUBMITTER', 'Only the maker who submitted the form can reclaim it.');

const notConcerned: Guard = (f) =>
  f.concernsActor
    ? new DomainError('SELF_CONCERNING', 'A checker cannot confirm a form that concerns themself.')
    : null;

const required =
  (field: 'message' | 'reason'): Guard =>
  (f) =>
    f[field] && f[field].trim().length > 0
      ? null
      : new DomainError('VALIDATION', `A ${field} is required for this action.`, undefined, [
          { field, message: `${field} is required` },
        ]);

/**
 * While a worker applies a requested completion, nothing else may happen at HKEX: not a second
 * completion nor a rejection, and not a claim or release either, which would silently cancel
 * the pending completion of another operator (the worker re-checks the claim).
 */
const noCompletionPending: Guard = (f) =>
  f.completionPending
    ? new DomainError('COMPLETION_PENDING', 'A completion of this form is being applied; wait until it is done.', {
        completionRequestedById: f.completionRequestedById ?? null,
      })
    : null;

const ANY_STATUS = FORM_STATUSES;

export const TRANSITIONS: readonly TransitionRule[] = [
  { action: 'edit', by: 'participant', from: ['DRAFT'], to: 'same', claim: 'keep', guards: [] },
  { action: 'discard', by: 'participant', from: ['DRAFT'], to: 'DISCARDED', claim: 'keep', guards: [] },
  { action: 'submit', by: 'participant', from: ['DRAFT'], to: 'READY_TO_SEND', claim: 'keep', guards: [] },
  {
    action: 'reclaim',
    by: 'participant',
    from: ['READY_TO_SEND'],
    to: 'DRAFT',
    claim: 'keep',
    guards: [isSubmitter, notClaimed],
  },
  {
    action: 'claim',
    by: 'participant',
    from: ['READY_TO_SEND'],
    to: 'same',
    claim: 'take',
    guards: [notContributor, notClaimed],
  },
  {
    action: 'release',
    by: 'participant',
    from: ['READY_TO_SEND'],
    to: 'same',
    claim: 'release',
    guards: [claimedByActor],
  },
  {
    action: 'return',
    by: 'participant',
    from: ['READY_TO_SEND'],
    to: 'DRAFT',
    claim: 'keep',
    guards: [claimedByActor, required('message')],
  },
  {
    action: 'confirm',
    by: 'participant',
    from: ['READY_TO_SEND'],
    to: 'SENT_TO_HKEX',
    claim: 'keep',
    guards: [notContributor, claimedByActor, notConcerned],
  },
  {
    action: 'claim',
    by: 'operator',
    from: ['SENT_TO_HKEX'],
    to: 'same',
    claim: 'take',
    guards: [noCompletionPending, notClaimed],
  },
  {
    action: 'release',
    by: 'operator',
    from: ['SENT_TO_HKEX'],
    to: 'same',
    claim: 'release',
    guards: [claimedByActor, noCompletionPending],
  },
  {
    action: 'complete',
    by: 'operator',
    from: ['SENT_TO_HKEX'],
    to: 'COMPLETED',
    claim: 'keep',
    guards: [notClaimedByOther, noCompletionPending],
  },
  {
    action: 'reject',
    by: 'operator',
    from: ['SENT_TO_HKEX'],
    to: 'REJECTED',
    claim: 'keep',
    guards: [notClaimedByOther, noCompletionPending, required('reason')],
  },
  { action: 'clone', by: 'participant', from: ANY_STATUS, to: 'same', claim: 'keep', guards: [] },
];

export interface TransitionPlan {
  rule: TransitionRule;
  to: FormStatus;
  statusChanges: boolean;
  claimedById: string | null;
}

/** Decides one action, or throws the coded refusal. Pure: no I/O, no clock. */
export function planTransition(action: Action, facts: TransitionFacts): TransitionPlan {
  const forActor = TRANSITIONS.filter((r) => r.action === action && r.by === facts.actorKind);
  if (forActor.length === 0) {
    throw new DomainError('ACTION_NOT_ALLOWED', `${describeActor(facts.actorKind)} cannot ${action} a form.`);
  }
  const rule = forActor.find((r) => r.from.includes(facts.status));
  if (!rule) {
    throw new DomainError('WRONG_STATE', `Cannot ${action} a form that is ${STATUS_LABELS[facts.status]}.`, {
      currentStatus: facts.status,
      currentStatusLabel: STATUS_LABELS[facts.status],
    });
  }
  for (const guard of rule.guards) {
    const refusal = guard(facts);
    if (!refusal) continue;
    // A conflict names the form's current state (SPEC §5), whichever guard found it.
    if (refusal.status !== 409) throw refusal;
    throw new DomainError(refusal.code, refusal.message, {
      ...refusal.details,
      currentStatus: facts.status,
      currentStatusLabel: STATUS_LABELS[facts.status],
    });
  }
  const to = rule.to === 'same' ? facts.status : rule.to;
  const statusChanges = to !== facts.status;
  let claimedById = facts.claimedById;
  if (statusChanges) claimedById = null;
  else if (rule.claim === 'take') claimedById = facts.actorId;
  else if (rule.claim === 'release') claimedById = null;
  return { rule, to, statusChanges, claimedById };
}

function describeActor(kind: ActorKind): string {
  return kind === 'operator' ? 'An HKEX operator' : 'A participant user';
}
