import { DomainError, ErrorCode } from '../../common/errors';
import { FormStatus, STATUS_LABELS } from '../../common/form-status';
import { refuse, TRANSITIONS } from './transition-table';
import { Action, ACTIONS, ActorKind, Refusal, TransitionFacts, TransitionRule } from './transition-types';

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
