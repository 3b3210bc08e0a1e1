import { DomainError, ErrorCode } from '../../common/errors';
import { FORM_STATUSES } from '../../common/form-status';
import { checkableBy, holds } from './policies';
import { ActorKind, Effects, Guard, Refusal, TransitionFacts, TransitionRule } from './transition-types';

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
// --- guards ----------------------------------------------------------------------------

export const refuse = (
  code: ErrorCode,
  message: string,
  detail: string,
  details?: Record<string, unknown>,
): Refusal => ({
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
