import { DomainError } from '../../common/errors';
import type { JobName } from '../../queue/queues';
import { FormStatus } from '../../common/form-status';
import { type NotificationEvent } from '../form-notices';
import { PolicyForm } from './policies';

/** The words of the workflow table (transition-table.ts): the actions, the facts it decides on, the shape of its rows. */
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

export interface Guard {
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
