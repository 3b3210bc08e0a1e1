import type { FormView, MeView } from './api/types.gen';

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

export interface AllowedAction {
  action: Action;
  allowed: boolean;
  reason?: { code: string; detail: string };
}

/** These ask "PLEASE CONFIRM TO PROCEED" first (the seeds' dialog). */
export const CONFIRMED_ACTIONS: ReadonlySet<Action> = new Set(['submit', 'confirm', 'return', 'complete', 'reject']);

/** What the dialog asks for: RETURN needs a message to the maker, REJECT a reason. */
export function dialogInput(action: Action): 'message' | 'requiredMessage' | 'reason' {
  return action === 'return' ? 'requiredMessage' : action === 'reject' ? 'reason' : 'message';
}

/** The body of POST /eservices/{id}/{action} from what the dialog collected. */
export function actionBody(action: Action, text: string): { message?: string; reason?: string } {
  const trimmed = text.trim();
  if (!trimmed) return {};
  return action === 'reject' ? { reason: trimmed } : { message: trimmed };
}

/**
 * The buttons of a form: the view's `allowedActions` when the API gives them; otherwise the
 * ones its status suggests for this user (the API refuses what is not allowed, with a reason).
 */
export function buttonsFor(form: FormView & { allowedActions?: AllowedAction[] }, me: MeView): AllowedAction[] {
  if (Array.isArray(form.allowedActions))
    return form.allowedActions.filter((a) => (ACTIONS as readonly string[]).includes(a.action));
  const yes = (action: Action): AllowedAction => ({ action, allowed: true });
  const hkex = me.kind !== 'participant';
  const claimedByMe = form.claimedBy?.id === me.id;
  switch (form.status) {
    case 'DRAFT':
      return hkex ? [] : [yes('edit'), yes('discard'), yes('submit'), yes('clone')];
    case 'READY_TO_SEND':
      if (hkex) return [];
      if (form.submittedBy?.id === me.id) return form.claimedBy ? [yes('clone')] : [yes('reclaim'), yes('clone')];
      if (claimedByMe) return [yes('release'), yes('return'), yes('confirm')];
      return form.claimedBy ? [yes('clone')] : [yes('claim'), yes('clone')];
    case 'SENT_TO_HKEX':
      if (!hkex) return [yes('clone')];
      if (form.completionRequested) return [];
      if (claimedByMe) return [yes('release'), yes('reject'), yes('complete')];
      return form.claimedBy ? [] : [yes('claim'), yes('reject'), yes('complete')];
    default:
      return hkex ? [] : [yes('clone')];
  }
}
