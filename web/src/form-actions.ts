import type { AllowedAction as ApiAllowedAction, EServiceForm } from './api/types.gen';

/** The actions of SPEC §5 a button may stand for (`edit` opens the draft's editor). */
export const ACTIONS = [
  'edit',
  'discard',
  'submit',
  'reclaim',
  'clone',
  'claim',
  'release',
  'confirm',
  'return',
  'complete',
  'reject',
] as const;
export type Action = (typeof ACTIONS)[number];

export type AllowedAction = ApiAllowedAction & { action: Action };

/** These ask "PLEASE CONFIRM TO PROCEED" first (the seeds' dialog). */
export const CONFIRMED_ACTIONS: ReadonlySet<Action> = new Set(['submit', 'confirm', 'return', 'complete', 'reject']);

/**
 * Whether pressing the button asks "PLEASE CONFIRM TO PROCEED" first: the confirmed actions,
 * and RELEASE of a claim someone else holds (SPEC §13: it needs a reason; the holder is told).
 */
export function needsDialog(action: Action, form: Pick<EServiceForm, 'claimedBy'>, meId: string): boolean {
  return CONFIRMED_ACTIONS.has(action) || (action === 'release' && !!form.claimedBy && form.claimedBy.id !== meId);
}

/** What the dialog's text box asks for; `optionalReason`: a bulk release, where only the claims of others need one. */
export type DialogInput = 'message' | 'requiredMessage' | 'reason' | 'releaseReason' | 'optionalReason';

/** What the dialog asks for: RETURN needs a message to the maker, REJECT and RELEASE (of another's claim) a reason. */
export function dialogInput(action: Action): Exclude<DialogInput, 'optionalReason'> {
  return action === 'return'
    ? 'requiredMessage'
    : action === 'reject'
      ? 'reason'
      : action === 'release'
        ? 'releaseReason'
        : 'message';
}

/** The body of POST /eservices/{id}/{action} from what the dialog collected. */
export function actionBody(action: Action, text: string): { message?: string; reason?: string } {
  const trimmed = text.trim();
  if (!trimmed) return {};
  return action === 'reject' || action === 'release' ? { reason: trimmed } : { message: trimmed };
}

/**
 * The buttons of a form: the view's `allowedActions` (SPEC §11), decided by the service's
 * transition table, each with the reason it is refused. The page keeps no copy of the rules.
 * An action that does not exist in the form's status at all (WRONG_STATE: SUBMIT on a
 * Completed form) is left out rather than shown disabled: it would only crowd the bar.
 */
export function buttonsFor(form: EServiceForm): AllowedAction[] {
  return (form.allowedActions ?? []).filter(
    (a): a is AllowedAction =>
      (ACTIONS as readonly string[]).includes(a.action) && (a.allowed || a.reason?.code !== 'WRONG_STATE'),
  );
}
